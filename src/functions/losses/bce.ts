import { sigmoidOf } from '../activations/sigmoid.js';
import { softplusOf } from '../activations/softplus.js';
import type { LossSpec } from './types.js';

/** log clamped at −100, as PyTorch's `BCELoss`. */
const LOG_FLOOR = -100;
/** Smallest y(1 − y) in the gradient's denominator. */
const EPS = 1e-12;

/**
 * Binary cross-entropy E = −(1/M)·Σ[t·log y + (1 − t)·log(1 − y)] on probabilities (PyTorch
 * `BCELoss`, logs clamped at −100). After a sigmoid output it is computed on the logits:
 * E = (1/M)·Σ[softplus(z) − z·t], ∂E/∂z = (σ(z) − t)/M (PyTorch `BCEWithLogitsLoss`).
 */
export const bce = {
  name: 'bce',
  lossAndGrad(y, t, g, rows, cols) {
    const m = rows * cols;
    let s = 0;
    for (let i = 0; i < m; i++) {
      const p = y[i]!;
      const q = t[i]!;
      s += q * Math.max(Math.log(p), LOG_FLOOR) + (1 - q) * Math.max(Math.log(1 - p), LOG_FLOOR);
      g[i] = (p - q) / (Math.max(p * (1 - p), EPS) * m);
    }
    return -s / m;
  },
  onLogits: {
    activation: 'sigmoid',
    op: 'sigmoid_bce',
    writesOutputs: false,
    lossAndGrad(z, _y, t, g, _scratch, rows, cols) {
      const m = rows * cols;
      let s = 0;
      for (let i = 0; i < m; i++) {
        const x = z[i]!;
        s += softplusOf(x) - x * t[i]!;
        g[i] = (sigmoidOf(x) - t[i]!) / m;
      }
      return s / m;
    },
    cas: {
      kind: 'elementwise',
      expr: '-(t * log(1 / (1 + e^(-z))) + (1 - t) * log(1 - 1 / (1 + e^(-z))))',
      identity: { text: 'σ(z) − t = y − t', tex: '\\sigma(z)-t=y-t' },
      identityAt: (z, t) => 1 / (1 + Math.exp(-z)) - t,
    },
  },
  reduction: 'all',
  formula: { text: 'E = −(1/M)·Σ[t·log y + (1 − t)·log(1 − y)]', tex: 'E=-\\frac1M\\sum\\bigl[t\\log y+(1-t)\\log(1-y)\\bigr]' },
  convention: 'the mean over all M numbers of the binary cross-entropy (on the logits after a sigmoid output); PyTorch: BCEWithLogitsLoss() on the logits, BCELoss() on probabilities',
  torch: (y, t) => `F.binary_cross_entropy(${y}, ${t})`,
  cas: {
    expr: '-(t * log(y) + (1 - t) * log(1 - y))',
    identity: { text: '(y − t)/(y·(1 − y))', tex: '\\frac{y-t}{y\\,(1-y)}' },
    identityAt: (y, t) => (y - t) / (y * (1 - y)),
  },
  targets: 'unit-interval',
} as const satisfies LossSpec;
