import { BackpropError } from '../../errors.js';
import { ACTIVATION_TABLE, type ActivationSpec } from '../../functions/activations/index.js';
import { sigmoidOf } from '../../functions/activations/sigmoid.js';
import { softplusOf } from '../../functions/activations/softplus.js';
import { allocate } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * An activation of the table (src/functions/activations) as an op: a = f(x) by the entry's
 * `forward` loop, and on the way back g ⊙ f′ by its `backward` loop from the saved x and a — the
 * loops the fused kernels run too, so every tier gives the same bits. Elementwise activations
 * take any shape; row-wise ones (softmax) work over the last axis.
 *
 * @example
 * ```ts
 * activation(ACTIVATION_TABLE.tanh, tensor([-2, 0, 2])).toArray();   // [−0.96402758, 0, 0.96402758]
 * ```
 */
export function activation(spec: ActivationSpec, a: Tensor): Tensor {
  if (spec.form === 'rowwise' && a.ndim === 0) throw new BackpropError('shape', `${spec.name}: expected at least one axis, got a scalar`);
  const cols = a.ndim === 0 ? 1 : a.shape[a.ndim - 1]!;
  const rows = cols === 0 ? 0 : a.size / cols;
  const x = a.data;
  const o = allocate(a.dtype, a.size);
  spec.forward(x, o, rows, cols);
  const out = new Tensor(o, a.shape);
  return record(out, spec.name, [a], ['x'], (g) => {
    const r = g.data.slice();
    spec.backward(r, x, o, rows, cols);
    return [new Tensor(r, a.shape)];
  });
}

/**
 * σ(x) = 1/(1 + e^(−x)), computed without overflow for any x (e^x/(1 + e^x) for x < 0).
 * dσ/dx = σ(x)(1 − σ(x)), from the saved output.
 *
 * @example
 * ```ts
 * sigmoid(tensor([-2, 0, 2])).toArray();   // [0.11920292, 0.5, 0.88079708]
 * ```
 */
export function sigmoid(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.sigmoid, a);
}

/**
 * tanh(x). d/dx = 1 − tanh²(x), from the saved output.
 *
 * @example
 * ```ts
 * tanh(tensor([-2, 0, 2])).toArray();   // [−0.96402758, 0, 0.96402758]
 * ```
 */
export function tanh(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.tanh, a);
}

/**
 * max(0, x). d/dx = 1 for x > 0, else 0 (0 at the kink, as PyTorch).
 *
 * @example
 * ```ts
 * relu(tensor([-2, 0, 2])).toArray();   // [0, 0, 2]; relu′(0) = 0 as in PyTorch
 * ```
 */
export function relu(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.relu, a);
}

/**
 * x for x > 0, 0.01·x otherwise (the activation table's slope, PyTorch's default). d/dx = 1
 * or 0.01 (0.01 at 0, as PyTorch).
 *
 * @example
 * ```ts
 * leakyRelu(tensor([-2, 0, 2])).toArray();   // [−0.02, 0, 2] (slope 0.01)
 * ```
 */
export function leakyRelu(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.leaky_relu, a);
}

/**
 * x for x > 0, eˣ − 1 otherwise (α = 1, the activation table's). d/dx = 1 or eˣ (eˣ at 0).
 *
 * @example
 * ```ts
 * elu(tensor([-2, 0, 2])).toArray();   // [−0.86466472, 0, 2] = e^x − 1 below 0 (α = 1)
 * ```
 */
export function elu(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.elu, a);
}

/**
 * GELU, the exact form (PyTorch's default): x·Φ(x) = x·½·(1 + erf(x/√2)).
 * d/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
 *
 * @example
 * ```ts
 * gelu(tensor([-2, 0, 2])).toArray();   // [−0.045500264, 0, 1.9544997] = x·Φ(x), exact erf form
 * ```
 */
export function gelu(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.gelu, a);
}

/**
 * softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^(−|x|)) so it neither overflows nor
 * loses precision. d/dx = σ(x).
 *
 * @example
 * ```ts
 * softplus(tensor([-2, 0, 2])).toArray();   // [0.12692801, 0.69314718, 2.1269280] = ln(1 + e^x)
 * ```
 */
export function softplus(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.softplus, a);
}

/** σ(x) of one number, stable for any x. */
export function sigmoidScalar(x: number): number {
  return sigmoidOf(x);
}

/** ln(1 + e^x) of one number, stable for any x. */
export function softplusScalar(x: number): number {
  return softplusOf(x);
}
