import { erf } from '../../kernels/erf.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

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
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = sigmoidScalar(d[i]!);
  const out = new Tensor(o, a.shape);
  return record(out, 'sigmoid', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) r[i] = g.data[i]! * (o[i]! * (1 - o[i]!));
    return [new Tensor(r, a.shape)];
  });
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
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = Math.tanh(d[i]!);
  const out = new Tensor(o, a.shape);
  return record(out, 'tanh', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) r[i] = g.data[i]! * (1 - o[i]! * o[i]!);
    return [new Tensor(r, a.shape)];
  });
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
  return leakyRelu(a, 0, 'relu');
}

/**
 * x for x > 0, slope·x otherwise (default slope 0.01, as PyTorch). d/dx = 1 or slope
 * (slope at 0, as PyTorch).
 *
 * @example
 * ```ts
 * leakyRelu(tensor([-2, 0, 2])).toArray();   // [−0.02, 0, 2] (slope 0.01)
 * ```
 */
export function leakyRelu(a: Tensor, slope = 0.01, op = 'leaky_relu'): Tensor {
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) {
    const x = d[i]!;
    o[i] = x > 0 ? x : slope * x;
  }
  const out = new Tensor(o, a.shape);
  return record(out, op, [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) if (!(d[i]! > 0)) r[i] = slope * g.data[i]!;
    return [new Tensor(r, a.shape)];
  });
}

/**
 * x for x > 0, α(eˣ − 1) otherwise (α = 1). d/dx = 1 or α·eˣ (α·eˣ at 0).
 *
 * @example
 * ```ts
 * elu(tensor([-2, 0, 2])).toArray();   // [−0.86466472, 0, 2] = e^x − 1 below 0 (α = 1)
 * ```
 */
export function elu(a: Tensor, alpha = 1): Tensor {
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) {
    const x = d[i]!;
    o[i] = x > 0 ? x : alpha * Math.expm1(x);
  }
  const out = new Tensor(o, a.shape);
  return record(out, 'elu', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) {
      const x = d[i]!;
      if (!(x > 0)) r[i] = g.data[i]! * (o[i]! + alpha);
    }
    return [new Tensor(r, a.shape)];
  });
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
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) {
    const x = d[i]!;
    o[i] = x * 0.5 * (1 + erf(x * Math.SQRT1_2));
  }
  const out = new Tensor(o, a.shape);
  return record(out, 'gelu', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) {
      const x = d[i]!;
      const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
      const pdf = Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
      r[i] = g.data[i]! * (cdf + x * pdf);
    }
    return [new Tensor(r, a.shape)];
  });
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
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = softplusScalar(d[i]!);
  const out = new Tensor(o, a.shape);
  return record(out, 'softplus', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) r[i] = g.data[i]! * sigmoidScalar(d[i]!);
    return [new Tensor(r, a.shape)];
  });
}

/** σ(x) for one number, stable for any x. */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** ln(1 + eˣ) for one number, stable for any x. */
export function softplusScalar(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

const INV_SQRT_2PI = 0.3989422804014327;
