import type { LossSpec } from './types.js';

/**
 * Cross-entropy E = −(1/N)·Σ t·log y on probabilities (N = rows); ∂E/∂y = −t/(N·y). After a
 * softmax output it is computed on the logits: log-sum-exp with the row maximum subtracted,
 * ∂E/∂z = (p·Σⱼtⱼ − t)/N, i.e. (y − t)/N for one-hot targets (PyTorch `CrossEntropyLoss`).
 */
export const crossEntropy = {
  name: 'cross_entropy',
  lossAndGrad(y, t, g, rows, cols) {
    const m = rows * cols;
    let s = 0;
    for (let i = 0; i < m; i++) {
      const ti = t[i]!;
      if (ti !== 0) s += ti * Math.log(y[i]!);
      g[i] = ti === 0 ? 0 : -ti / (rows * y[i]!);
    }
    return -s / rows;
  },
  onLogits: {
    activation: 'softmax',
    op: 'softmax_cross_entropy',
    writesOutputs: true,
    lossAndGrad(z, probs, t, g, rowSum, rows, cols) {
      let s = 0;
      for (let r = 0; r < rows; r++) {
        const base = r * cols;
        let mx = -Infinity;
        for (let j = 0; j < cols; j++) if (z[base + j]! > mx) mx = z[base + j]!;
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += Math.exp(z[base + j]! - mx);
        const lse = mx + Math.log(sum);
        let ts = 0;
        for (let j = 0; j < cols; j++) {
          const logp = z[base + j]! - lse;
          probs[base + j] = Math.exp(logp);
          const tj = t[base + j]!;
          if (tj !== 0) s += tj * logp;
          ts += tj;
        }
        rowSum[r] = ts;
      }
      for (let r = 0; r < rows; r++) {
        const base = r * cols;
        const ts = rowSum[r]!;
        for (let j = 0; j < cols; j++) g[base + j] = (probs[base + j]! * ts - t[base + j]!) / rows;
      }
      return -s / rows;
    },
    cas: { kind: 'softmax', identity: { text: 'y₁ − t₁   (Σₖ tₖ = 1)', tex: 'y_1-t_1\\quad\\bigl(\\textstyle\\sum_k t_k=1\\bigr)' } },
  },
  reduction: 'rows',
  formula: { text: 'E = −(1/N)·Σ t·log y', tex: 'E=-\\frac1N\\sum t\\,\\log y' },
  convention: 'the mean over the N samples of −Σ t·log y (on the logits after a softmax output); PyTorch: CrossEntropyLoss() on the logits',
  torch: (y, t) => `-(${t} * torch.log(${y})).sum() / ${y}.shape[0]`,
  cas: { expr: '-t * log(y)', identity: { text: '−t/y', tex: '-\\frac{t}{y}' }, identityAt: (y, t) => -t / y },
  targets: 'distribution',
} as const satisfies LossSpec;
