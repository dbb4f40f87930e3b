import { BackpropError } from '../errors.js';

/** A tensor shape: the length of each axis, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** `[2,3]` → `"[2, 3]"`, for messages. */
export function shapeToString(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** True when both shapes are the same. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The shape of `a ∘ b` under numpy broadcasting: shapes are aligned on the right, and each pair of
 * axis lengths must be equal or one of them 1. `op` names the operation in the error.
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new BackpropError(
        'shape',
        `${op}: shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be broadcast together (axis ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For each element of a tensor of shape `outShape`, the flat index of the element of a tensor of
 * shape `inShape` that broadcasting reads. Used by broadcasting kernels when shapes differ.
 */
export function broadcastIndex(inShape: Shape, outShape: Shape): Int32Array {
  const size = sizeOf(outShape);
  const index = new Int32Array(size);
  const nd = outShape.length;
  const offset = nd - inShape.length;
  const inStrides = stridesOf(inShape);
  // stride 0 on broadcast axes
  const strides = new Array<number>(nd).fill(0);
  for (let i = 0; i < inShape.length; i++) strides[offset + i] = inShape[i] === 1 ? 0 : inStrides[i]!;
  const counter = new Array<number>(nd).fill(0);
  let pos = 0;
  for (let k = 0; k < size; k++) {
    index[k] = pos;
    for (let ax = nd - 1; ax >= 0; ax--) {
      counter[ax]!++;
      pos += strides[ax]!;
      if (counter[ax]! < outShape[ax]!) break;
      pos -= strides[ax]! * outShape[ax]!;
      counter[ax] = 0;
    }
  }
  return index;
}

/** Throws unless `shape` is an array of non-negative integers. */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new BackpropError('shape', `${where}: expected a shape of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape.slice() as number[];
}
