import { BackpropError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { ACTIVATION_TABLE } from '../../functions/activations/index.js';
import { record } from '../record.js';
import { activation } from './activations.js';

/**
 * softmax over the last axis: yᵢ = e^(xᵢ − m)/Σⱼ e^(xⱼ − m), m = maxⱼ xⱼ (so large logits do not
 * overflow). Backward: ∂L/∂xᵢ = yᵢ·(gᵢ − Σⱼ gⱼ·yⱼ).
 *
 * Shape: any, with at least one axis; each row of the last axis sums to 1.
 *
 * @example
 * ```ts
 * softmax(tensor([[1, 2, 3]])).toArray();   // [[0.090030573, 0.24472847, 0.66524096]] (each row sums to 1)
 * ```
 */
export function softmax(a: Tensor): Tensor {
  return activation(ACTIVATION_TABLE.softmax, a);
}

/**
 * log-softmax over the last axis: xᵢ − m − ln Σⱼ e^(xⱼ − m), exact for large logits.
 * Backward: ∂L/∂xᵢ = gᵢ − softmax(x)ᵢ·Σⱼ gⱼ.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([[1, 2, 3]])).toArray();   // [[−2.4076060, −1.4076060, −0.40760596]]
 * ```
 */
export function logSoftmax(a: Tensor): Tensor {
  const { rows, cols } = rowsOf(a, 'logSoftmax');
  const d = a.data;
  const o = d.slice();
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (d[base + j]! > m) m = d[base + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(d[base + j]! - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) o[base + j] = d[base + j]! - lse;
  }
  const out = new Tensor(o, a.shape);
  return record(out, 'log_softmax', [a], ['x'], (g) => {
    const gd = g.data;
    const r = gd.slice();
    for (let row = 0; row < rows; row++) {
      const base = row * cols;
      let s = 0;
      for (let j = 0; j < cols; j++) s += gd[base + j]!;
      for (let j = 0; j < cols; j++) r[base + j] = gd[base + j]! - Math.exp(o[base + j]!) * s;
    }
    return [new Tensor(r, a.shape)];
  });
}

function rowsOf(a: Tensor, op: string): { rows: number; cols: number } {
  if (a.ndim === 0) throw new BackpropError('shape', `${op}: expected at least one axis, got a scalar`);
  const cols = a.shape[a.ndim - 1]!;
  return { rows: cols === 0 ? 0 : a.size / cols, cols };
}
