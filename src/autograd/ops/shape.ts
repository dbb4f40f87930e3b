import { BackpropError } from '../../errors.js';
import { allocate } from '../../tensor/dtype.js';
import { checkShape, shapeToString, sizeOf, stridesOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * The same elements with a new shape (no copy: the data is shared). One axis may be −1 and is
 * inferred. Backward reshapes the gradient back.
 *
 * @example
 * ```ts
 * reshape(tensor([[1, 2], [3, 4]]), [4]).toArray();   // [1, 2, 3, 4]
 * ```
 */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  const target = [...shape];
  const infer = target.indexOf(-1);
  if (infer >= 0) {
    const rest = sizeOf(target.filter((_, i) => i !== infer));
    target[infer] = rest === 0 ? 0 : a.size / rest;
  }
  checkShape(target, 'reshape');
  if (sizeOf(target) !== a.size) {
    throw new BackpropError('shape', `reshape: cannot view ${a.size} elements of shape ${shapeToString(a.shape)} as ${shapeToString(shape)}`);
  }
  const out = new Tensor(a.data, target);
  return record(out, 'reshape', [a], ['x'], (g) => [new Tensor(g.data, a.shape)]);
}

/**
 * Permutes the axes (a copy); by default reverses them, so a matrix is transposed.
 * Backward applies the inverse permutation. (matmul reads transposed operands without this copy.)
 *
 * @example
 * ```ts
 * transpose(tensor([[1, 2], [3, 4]])).toArray();   // [[1, 3], [2, 4]]
 * ```
 */
export function transpose(a: Tensor, axes?: readonly number[]): Tensor {
  const nd = a.ndim;
  const perm = axes ? [...axes] : a.shape.map((_, i) => nd - 1 - i);
  if (perm.length !== nd || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) {
    throw new BackpropError('shape', `transpose: ${JSON.stringify(axes)} is not a permutation of the ${nd} axes of ${shapeToString(a.shape)}`);
  }
  const out = permute(a, perm);
  const inverse = new Array<number>(nd);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(out, 'transpose', [a], ['x'], (g) => [permute(g, inverse)]);
}

function permute(a: Tensor, perm: number[]): Tensor {
  const nd = a.ndim;
  const shape = perm.map((p) => a.shape[p]!);
  const inStrides = stridesOf(a.shape);
  const strides = perm.map((p) => inStrides[p]!);
  const out = allocate(a.dtype, a.size);
  const counter = new Array<number>(nd).fill(0);
  let pos = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = a.data[pos]!;
    for (let ax = nd - 1; ax >= 0; ax--) {
      counter[ax]!++;
      pos += strides[ax]!;
      if (counter[ax]! < shape[ax]!) break;
      pos -= strides[ax]! * shape[ax]!;
      counter[ax] = 0;
    }
  }
  return new Tensor(out, shape);
}

/**
 * Rows `start` (inclusive) to `end` (exclusive) along the first axis, as a copy — a mini-batch of a
 * data matrix. Backward scatters the gradient into those rows.
 *
 * @example
 * ```ts
 * sliceRows(tensor([[1], [2], [3]]), 1, 3).toArray();   // [[2], [3]] (rows 1 and 2)
 * ```
 */
export function sliceRows(a: Tensor, start: number, end: number): Tensor {
  if (a.ndim < 1) throw new BackpropError('shape', 'sliceRows: expected at least one axis, got a scalar');
  const rows = a.shape[0]!;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > rows || start > end) {
    throw new BackpropError('shape', `sliceRows: expected 0 ≤ start ≤ end ≤ ${rows}, got start=${start}, end=${end}`);
  }
  const rowSize = rows === 0 ? 0 : a.size / rows;
  const out = new Tensor(a.data.slice(start * rowSize, end * rowSize), [end - start, ...a.shape.slice(1)]);
  return record(out, 'sliceRows', [a], ['x'], (g) => {
    const gi = allocate(a.dtype, a.size);
    gi.set(g.data, start * rowSize);
    return [new Tensor(gi, a.shape)];
  });
}

/**
 * The rows of `a` picked by `indices` (a copy), e.g. a shuffled mini-batch.
 *
 * @example
 * ```ts
 * gatherRows(tensor([[1], [2], [3]]), [2, 0]).toArray();   // [[3], [1]]
 * ```
 */
export function gatherRows(a: Tensor, indices: ArrayLike<number>): Tensor {
  const rows = a.shape[0] ?? 0;
  const rowSize = rows === 0 ? 0 : a.size / rows;
  const out = allocate(a.dtype, indices.length * rowSize);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= rows) throw new BackpropError('shape', `gatherRows: row ${r} is out of range [0, ${rows})`);
    out.set(a.data.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  const result = new Tensor(out, [indices.length, ...a.shape.slice(1)]);
  return record(result, 'gatherRows', [a], ['x'], (g) => {
    const gi = allocate(a.dtype, a.size);
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i]!;
      for (let j = 0; j < rowSize; j++) gi[r * rowSize + j]! += g.data[i * rowSize + j]!;
    }
    return [new Tensor(gi, a.shape)];
  });
}
