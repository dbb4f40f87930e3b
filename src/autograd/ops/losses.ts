import { BackpropError } from '../../errors.js';
import { allocate } from '../../tensor/dtype.js';
import { sameShape, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkSameDType } from '../broadcast.js';
import { sigmoidScalar, softplusScalar } from './activations.js';

import { record } from '../record.js';

/**
 * Sum of squared errors with the ½ of the seed notebook: E = ½·Σ (y − t)² over all elements (not
 * averaged over the batch). ∂E/∂y = y − t — the ½ is there to cancel the 2.
 *
 * Shape: y and t the same, any shape. Output: a scalar.
 *
 * @example
 * ```ts
 * const E = sse(tensor([[0.86103399, 0.75879129]]), tensor([[0.5, 0.1]]));
 * E.item();   // 0.28217575 — the seed notebook's cost
 * ```
 */
export function sse(y: Tensor, t: Tensor): Tensor {
  check(y, t, 'sse');
  let s = 0;
  for (let i = 0; i < y.size; i++) {
    const e = y.data[i]! - t.data[i]!;
    s += e * e;
  }
  return scalarLoss(0.5 * s, y, t, 'sse', (i) => y.data[i]! - t.data[i]!);
}

/**
 * Mean squared error: E = (1/M)·Σ (y − t)², M = number of elements (PyTorch's MSELoss).
 * ∂E/∂y = 2(y − t)/M.
 *
 * @example
 * ```ts
 * mse(tensor([[0.86103399, 0.75879129]]), tensor([[0.5, 0.1]])).item();   // 0.28217575 (= sse here: N·k = 2)
 * mse(tensor([[1], [1], [0], [0]]), zeros([4, 1])).item();                 // 0.5, where sse gives 1 (N·k = 4: the ½ trap)
 * ```
 */
export function mse(y: Tensor, t: Tensor): Tensor {
  check(y, t, 'mse');
  let s = 0;
  for (let i = 0; i < y.size; i++) {
    const e = y.data[i]! - t.data[i]!;
    s += e * e;
  }
  const m = y.size;
  return scalarLoss(s / m, y, t, 'mse', (i) => (2 * (y.data[i]! - t.data[i]!)) / m);
}

/**
 * Cross-entropy on probabilities (softmax outputs): E = −(1/N)·Σ t·log y, N = rows.
 * ∂E/∂y = −t/(N·y). Prefer {@link softmaxCrossEntropy} on the logits: it is stable and its
 * gradient is (y − t)/N.
 *
 * @example
 * ```ts
 * crossEntropy(tensor([[0.7, 0.2, 0.1]]), tensor([[1, 0, 0]])).item();   // 0.35667494 = −ln 0.7
 * ```
 */
export function crossEntropy(y: Tensor, t: Tensor): Tensor {
  check(y, t, 'cross_entropy');
  const n = rowsOf(y);
  let s = 0;
  for (let i = 0; i < y.size; i++) if (t.data[i] !== 0) s += t.data[i]! * Math.log(y.data[i]!);
  return scalarLoss(-s / n, y, t, 'cross_entropy', (i) => (t.data[i] === 0 ? 0 : -t.data[i]! / (n * y.data[i]!)));
}

/**
 * Softmax and cross-entropy fused, on the logits z: E = −(1/N)·Σᵢ Σⱼ tᵢⱼ·log softmax(zᵢ)ⱼ.
 * ∂E/∂z = (softmax(z)·Σⱼtⱼ − t)/N, which is (y − t)/N for target rows that sum to 1.
 * Stable for any logits (log-sum-exp with the row maximum subtracted).
 *
 * Shape: z and t [N, classes]. Output: a scalar.
 *
 * @example
 * ```ts
 * const z = tensor([[2, 1, 0]], { requiresGrad: true });
 * softmaxCrossEntropy(z, tensor([[1, 0, 0]])).backward();   // E = 0.40760596
 * z.grad!.toArray();   // [[−0.33527, 0.24473, 0.09003]] = softmax(z) − t
 * ```
 */
export function softmaxCrossEntropy(z: Tensor, t: Tensor): Tensor {
  check(z, t, 'cross_entropy');
  const n = rowsOf(z);
  const cols = z.shape[z.ndim - 1]!;
  const probs = allocate(z.dtype, z.size);
  let s = 0;
  for (let r = 0; r < n; r++) {
    const base = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (z.data[base + j]! > m) m = z.data[base + j]!;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(z.data[base + j]! - m);
    const lse = m + Math.log(sum);
    for (let j = 0; j < cols; j++) {
      const logp = z.data[base + j]! - lse;
      probs[base + j] = Math.exp(logp);
      const tj = t.data[base + j]!;
      if (tj !== 0) s += tj * logp;
    }
  }
  const rowSum = new Float64Array(n);
  for (let r = 0; r < n; r++) for (let j = 0; j < cols; j++) rowSum[r]! += t.data[r * cols + j]!;
  return scalarLoss(-s / n, z, t, 'softmax_cross_entropy', (i) => (probs[i]! * rowSum[Math.floor(i / cols)]! - t.data[i]!) / n, ['z', 't']);
}

/**
 * Binary cross-entropy on probabilities (sigmoid outputs): E = −mean[t·log y + (1−t)·log(1−y)]
 * over all elements; each log is clamped at −100 as PyTorch's BCELoss.
 * ∂E/∂y = (y − t)/(y(1 − y)·M). Prefer {@link sigmoidBinaryCrossEntropy} on the logits.
 *
 * @example
 * ```ts
 * bce(tensor([[0.8, 0.3]]), tensor([[1, 0]])).item();   // 0.28990925 = −(ln 0.8 + ln 0.7)/2
 * ```
 */
export function bce(y: Tensor, t: Tensor): Tensor {
  check(y, t, 'bce');
  const m = y.size;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const p = y.data[i]!;
    const q = t.data[i]!;
    s += q * Math.max(Math.log(p), -100) + (1 - q) * Math.max(Math.log(1 - p), -100);
  }
  const eps = 1e-12;
  return scalarLoss(-s / m, y, t, 'bce', (i) => {
    const p = y.data[i]!;
    return (p - t.data[i]!) / (Math.max(p * (1 - p), eps) * m);
  });
}

/**
 * Sigmoid and binary cross-entropy fused, on the logits z:
 * E = mean[max(z, 0) − z·t + ln(1 + e^(−|z|))], stable for any z. ∂E/∂z = (σ(z) − t)/M.
 *
 * @example
 * ```ts
 * sigmoidBinaryCrossEntropy(tensor([[2, -1]]), tensor([[1, 0]])).item();   // 0.22009485 = bce(σ(z), t)
 * ```
 */
export function sigmoidBinaryCrossEntropy(z: Tensor, t: Tensor): Tensor {
  check(z, t, 'bce');
  const m = z.size;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const x = z.data[i]!;
    s += softplusScalar(x) - x * t.data[i]!;
  }
  return scalarLoss(s / m, z, t, 'sigmoid_bce', (i) => (sigmoidScalar(z.data[i]!) - t.data[i]!) / m, ['z', 't']);
}

function scalarLoss(
  value: number,
  y: Tensor,
  t: Tensor,
  op: string,
  dydi: (i: number) => number,
  names: [string, string] = ['y', 't'],
): Tensor {
  const data = allocate(y.dtype, 1);
  data[0] = value;
  const out = new Tensor(data, []);
  return record(out, op, [y, t], names, (g) => {
    const gv = g.data[0]!;
    const r = allocate(y.dtype, y.size);
    for (let i = 0; i < r.length; i++) r[i] = gv * dydi(i);
    return [new Tensor(r, y.shape), null];
  });
}

function check(y: Tensor, t: Tensor, op: string): void {
  checkSameDType(y, t, op);
  if (!sameShape(y.shape, t.shape)) {
    throw new BackpropError('shape', `${op}: the output has shape ${shapeToString(y.shape)} but the target has shape ${shapeToString(t.shape)}`);
  }
}

function rowsOf(y: Tensor): number {
  if (y.ndim === 0) return 1;
  return y.ndim === 1 ? 1 : y.size / y.shape[y.ndim - 1]!;
}
