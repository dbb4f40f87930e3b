import { BackpropError } from '../../errors.js';
import { allocate } from '../../tensor/dtype.js';
import { sameShape, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkSameDType } from '../broadcast.js';
import { LOSS_TABLE, type LossSpec } from '../../functions/losses/index.js';

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
  return lossOp(LOSS_TABLE.sse, y, t);
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
  return lossOp(LOSS_TABLE.mse, y, t);
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
  return lossOp(LOSS_TABLE.cross_entropy, y, t);
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
  return logitLossOp(LOSS_TABLE.cross_entropy, z, t);
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
  return lossOp(LOSS_TABLE.bce, y, t);
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
  return logitLossOp(LOSS_TABLE.bce, z, t);
}

/**
 * A loss of the table (src/functions/losses) as an op on outputs y: E and ∂E/∂y by the entry's
 * `lossAndGrad` (the loop the fused kernels run), the gradient kept in float64 and scaled by the
 * incoming gradient on the way back.
 */
export function lossOp(spec: LossSpec, y: Tensor, t: Tensor): Tensor {
  check(y, t, spec.name);
  const { rows, cols } = rowsCols(y);
  const g = new Float64Array(y.size);
  return scalarLoss(spec.lossAndGrad(y.data, t.data, g, rows, cols), y, t, spec.name, g, ['y', 't']);
}

/** The loss's fused form on the logits z (softmax + cross_entropy, sigmoid + bce) as an op. */
export function logitLossOp(spec: LossSpec, z: Tensor, t: Tensor): Tensor {
  const form = spec.onLogits;
  if (form === undefined) throw new BackpropError('value', `${spec.name}: this loss has no form on the logits`);
  check(z, t, spec.name);
  const { rows, cols } = rowsCols(z);
  const g = new Float64Array(z.size);
  // NOTE: the outputs (softmax's probabilities) in the tensor's dtype, rounded where the fused path rounds them.
  const probs = allocate(z.dtype, z.size);
  const E = form.lossAndGrad(z.data, probs, t.data, g, new Float64Array(rows), rows, cols);
  return scalarLoss(E, z, t, form.op, g, ['z', 't']);
}

function scalarLoss(value: number, y: Tensor, t: Tensor, op: string, grad: Float64Array, names: [string, string]): Tensor {
  const data = allocate(y.dtype, 1);
  data[0] = value;
  const out = new Tensor(data, []);
  return record(out, op, [y, t], names, (g) => {
    const gv = g.data[0]!;
    const r = allocate(y.dtype, y.size);
    for (let i = 0; i < r.length; i++) r[i] = gv * grad[i]!;
    return [new Tensor(r, y.shape), null];
  });
}

function check(y: Tensor, t: Tensor, op: string): void {
  checkSameDType(y, t, op);
  if (!sameShape(y.shape, t.shape)) {
    throw new BackpropError('shape', `${op}: the output has shape ${shapeToString(y.shape)} but the target has shape ${shapeToString(t.shape)}`);
  }
}

/** Rows (samples) and columns of a loss's input: the last axis is one sample's outputs. */
function rowsCols(y: Tensor): { rows: number; cols: number } {
  const rows = y.ndim <= 1 ? 1 : y.size / y.shape[y.ndim - 1]!;
  return { rows, cols: rows === 0 ? 0 : y.size / rows };
}
