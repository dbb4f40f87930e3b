import type { FloatArray } from '../kernels/types.js';
import type { LossName } from '../nn/losses.js';

/**
 * How the fused path computes a loss:
 * - `softmax_ce`: softmax and cross-entropy fused, on the logits (cross_entropy after softmax);
 * - `sigmoid_bce`: sigmoid and binary cross-entropy fused, on the logits (bce after sigmoid);
 * - otherwise the plain loss on the activated output, its gradient then sent back through the
 *   output activation.
 */
export type LossMode = 'sse' | 'mse' | 'cross_entropy' | 'bce' | 'softmax_ce' | 'sigmoid_bce';

/** The mode for `loss` after an output activation (the same choice as `modelLoss`). */
export function lossMode(loss: LossName, outputActivation: string): LossMode {
  if (loss === 'cross_entropy' && outputActivation === 'softmax') return 'softmax_ce';
  if (loss === 'bce' && outputActivation === 'sigmoid') return 'sigmoid_bce';
  return loss;
}

/** True for the modes computed from the logits (the output activation is folded into the loss). */
export function onLogits(mode: LossMode): boolean {
  return mode === 'softmax_ce' || mode === 'sigmoid_bce';
}

/**
 * The loss of one batch and its gradient, with the formulas (and order of operations) of the
 * autograd ops in src/autograd/ops/losses.ts:
 *
 * - sse  E = ½·Σ(y − t)²,                         g = y − t
 * - mse  E = Σ(y − t)²/M,                         g = 2(y − t)/M
 * - cross_entropy  E = −Σ t·log y / N,            g = −t/(N·y) (0 where t = 0)
 * - bce  E = −Σ[t·max(log y, −100) + (1 − t)·max(log(1 − y), −100)]/M,
 *                                                 g = (y − t)/(max(y(1 − y), 10⁻¹²)·M)
 * - softmax_ce on logits z: p = softmax(z) (written to `y`), E = −Σ t·log p / N,
 *                                                 g = (p·Σⱼtⱼ − t)/N
 * - sigmoid_bce on logits z: E = Σ[softplus(z) − z·t]/M, g = (σ(z) − t)/M
 *
 * N = rows, M = rows·cols. `y` holds the activated outputs, or for the logit modes the logits on
 * entry (`z`) and, for softmax_ce, the probabilities on return. `g` receives ∂E/∂y (∂E/∂z for the
 * logit modes). `rowSum` is scratch of at least `rows` float64s. Returns E as a float64 number.
 *
 * @example
 * ```ts
 * const E = lossAndDelta('sse', y, y, t, delta, rowSum, 1, 2);
 * ```
 */
export function lossAndDelta(
  mode: LossMode,
  z: FloatArray,
  y: FloatArray,
  t: FloatArray,
  g: FloatArray,
  rowSum: Float64Array,
  rows: number,
  cols: number,
): number {
  const m = rows * cols;
  switch (mode) {
    case 'sse': {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const e = y[i]! - t[i]!;
        s += e * e;
        g[i] = e;
      }
      return 0.5 * s;
    }
    case 'mse': {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const e = y[i]! - t[i]!;
        s += e * e;
        g[i] = (2 * e) / m;
      }
      return s / m;
    }
    case 'cross_entropy': {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const ti = t[i]!;
        if (ti !== 0) s += ti * Math.log(y[i]!);
        g[i] = ti === 0 ? 0 : -ti / (rows * y[i]!);
      }
      return -s / rows;
    }
    case 'bce': {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const p = y[i]!;
        const q = t[i]!;
        s += q * Math.max(Math.log(p), -100) + (1 - q) * Math.max(Math.log(1 - p), -100);
        g[i] = (p - q) / (Math.max(p * (1 - p), 1e-12) * m);
      }
      return -s / m;
    }
    case 'softmax_ce':
      return softmaxCrossEntropyDelta(z, y, t, g, rowSum, rows, cols);
    case 'sigmoid_bce': {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const x = z[i]!;
        const q = t[i]!;
        s += (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x))) - x * q;
        let p: number;
        if (x >= 0) p = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          p = e / (1 + e);
        }
        g[i] = (p - q) / m;
      }
      return s / m;
    }
  }
}

/** softmax_ce of {@link lossAndDelta}: log-sum-exp with the row maximum subtracted. */
function softmaxCrossEntropyDelta(
  z: FloatArray,
  probs: FloatArray,
  t: FloatArray,
  g: FloatArray,
  rowSum: Float64Array,
  rows: number,
  cols: number,
): number {
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
}
