import { BackpropError } from '../../errors.js';
import { allocate } from '../../tensor/dtype.js';
import { shapeToString, sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/** Axes to reduce: one axis, several, or all (`undefined`). Negative axes count from the end. */
export type Axes = number | readonly number[] | undefined;

/**
 * Sum over `axis` (all elements when omitted). With `keepDims` the reduced axes stay with length 1.
 * Backward copies the gradient back along the reduced axes.
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0);   // [4, 6]
 * sum(tensor([[1, 2], [3, 4]]));      // 10 (shape [])
 * ```
 */
export function sum(a: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduce('sum', a, axis, keepDims);
}

/**
 * Mean over `axis` (all elements when omitted); see {@link sum}.
 *
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);
 * mean(a).item();          // 2.5
 * mean(a, 0).toArray();    // [2, 3] (down the rows)
 * ```
 */
export function mean(a: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduce('mean', a, axis, keepDims);
}

/**
 * Maximum over `axis` (all elements when omitted). The gradient goes to the first element that
 * attains the maximum.
 *
 * @example
 * ```ts
 * max(tensor([[1, 2], [3, 4]]), 1).toArray();   // [2, 4] (along each row)
 * ```
 */
export function max(a: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduce('max', a, axis, keepDims);
}

function reduce(kind: 'sum' | 'mean' | 'max', a: Tensor, axis: Axes, keepDims: boolean): Tensor {
  const axes = normaliseAxes(a.shape, axis, kind);
  const reduced = new Array<boolean>(a.ndim).fill(false);
  for (const ax of axes) reduced[ax] = true;
  const keptShape = a.shape.map((d, i) => (reduced[i] ? 1 : d));
  const outShape = keepDims ? keptShape : a.shape.filter((_, i) => !reduced[i]);
  const outSize = sizeOf(keptShape);
  if (kind === 'max' && a.size === 0) throw new BackpropError('shape', 'max: cannot reduce an empty tensor');
  // map every input element to its output slot
  const slot = outputSlots(a.shape, reduced);
  const out = allocate(a.dtype, outSize);
  const count = outSize === 0 ? 0 : a.size / outSize;
  const arg = kind === 'max' ? new Int32Array(outSize).fill(-1) : null;
  const d = a.data;
  if (kind === 'max') {
    for (let i = 0; i < d.length; i++) {
      const s = slot[i]!;
      if (arg![s] === -1 || d[i]! > out[s]! || (d[i] !== d[i] && out[s] === out[s])) {
        out[s] = d[i]!;
        arg![s] = i;
      }
    }
  } else {
    for (let i = 0; i < d.length; i++) out[slot[i]!]! += d[i]!;
    if (kind === 'mean') for (let s = 0; s < outSize; s++) out[s]! /= count;
  }
  const result = new Tensor(out, outShape);
  return record(result, kind, [a], ['x'], (g) => {
    const gi = allocate(a.dtype, a.size);
    const gd = g.data;
    if (kind === 'max') for (let s = 0; s < outSize; s++) gi[arg![s]!] = gd[s]!;
    else {
      const scale = kind === 'mean' ? 1 / count : 1;
      for (let i = 0; i < gi.length; i++) gi[i] = gd[slot[i]!]! * scale;
    }
    return [new Tensor(gi, a.shape)];
  });
}

function normaliseAxes(shape: readonly number[], axis: Axes, op: string): number[] {
  if (axis === undefined) return shape.map((_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((ax) => {
    const k = ax < 0 ? ax + shape.length : ax;
    if (!Number.isInteger(ax) || k < 0 || k >= shape.length) {
      throw new BackpropError('shape', `${op}: axis ${ax} is out of range for shape ${shapeToString(shape)}`);
    }
    return k;
  });
}

function outputSlots(shape: readonly number[], reduced: boolean[]): Int32Array {
  const size = sizeOf(shape);
  const slot = new Int32Array(size);
  const nd = shape.length;
  const outStride = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    if (!reduced[i]) {
      outStride[i] = s;
      s *= shape[i]!;
    }
  }
  const counter = new Array<number>(nd).fill(0);
  let pos = 0;
  for (let k = 0; k < size; k++) {
    slot[k] = pos;
    for (let ax = nd - 1; ax >= 0; ax--) {
      counter[ax]!++;
      pos += outStride[ax]!;
      if (counter[ax]! < shape[ax]!) break;
      pos -= outStride[ax]! * shape[ax]!;
      counter[ax] = 0;
    }
  }
  return slot;
}
