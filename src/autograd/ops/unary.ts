import { Tensor } from '../../tensor/tensor.js';
import { binaryKernel } from '../broadcast.js';
import { record } from '../record.js';

/**
 * eˣ elementwise. d/dx = eˣ (the output is saved for backward).
 *
 * @example
 * ```ts
 * exp(tensor([0, 1])).toArray();   // [1, 2.7182818]
 * ```
 */
export function exp(a: Tensor): Tensor {
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = Math.exp(d[i]!);
  const out = new Tensor(o, a.shape);
  return record(out, 'exp', [a], ['x'], (g) => [binaryKernel('mul', g, out, 'exp')]);
}

/**
 * Natural logarithm elementwise (−Infinity at 0, NaN below). d/dx = 1/x.
 *
 * @example
 * ```ts
 * log(tensor([1, Math.E])).toArray();   // [0, 1]
 * ```
 */
export function log(a: Tensor): Tensor {
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = Math.log(d[i]!);
  const out = new Tensor(o, a.shape);
  return record(out, 'log', [a], ['x'], (g) => [binaryKernel('div', g, a, 'log')]);
}

/**
 * √x elementwise. d/dx = 1/(2√x).
 *
 * @example
 * ```ts
 * sqrt(tensor([4, 9])).toArray();   // [2, 3]
 * ```
 */
export function sqrt(a: Tensor): Tensor {
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(d[i]!);
  const out = new Tensor(o, a.shape);
  return record(out, 'sqrt', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) r[i] = g.data[i]! / (2 * o[i]!);
    return [new Tensor(r, a.shape)];
  });
}

/**
 * |x| elementwise. d/dx = sign(x), taken as 0 at x = 0 (as PyTorch).
 *
 * @example
 * ```ts
 * abs(tensor([-3, 2])).toArray();   // [3, 2]
 * ```
 */
export function abs(a: Tensor): Tensor {
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = Math.abs(d[i]!);
  const out = new Tensor(o, a.shape);
  return record(out, 'abs', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) {
      const x = d[i]!;
      r[i] = x > 0 ? g.data[i]! : x < 0 ? -g.data[i]! : 0;
    }
    return [new Tensor(r, a.shape)];
  });
}
