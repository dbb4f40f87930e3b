import { BackpropError } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { broadcastIndex, broadcastShapes, sameShape, shapeToString, sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The elementwise binary operations the kernels know. */
export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** Turns a number into a scalar tensor of `like`'s dtype; passes tensors through. */
export function asTensor(x: Tensor | number, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const data = allocate(like.dtype, 1);
  data[0] = x;
  return new Tensor(data, []);
}

/** Throws unless both tensors have the same dtype. */
export function checkSameDType(a: Tensor, b: Tensor, op: string): void {
  if (a.dtype !== b.dtype) {
    throw new BackpropError('dtype', `${op}: both operands must have the same dtype, got ${a.dtype} and ${b.dtype} (convert one with astype())`);
  }
}

/**
 * `a ∘ b` elementwise with numpy broadcasting (no graph). Fast paths for equal shapes and a scalar
 * operand; otherwise each operand is read through a broadcast index map.
 */
export function binaryKernel(kind: BinaryKind, a: Tensor, b: Tensor, op: string): Tensor {
  checkSameDType(a, b, op);
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, op);
  const n = sizeOf(shape);
  const out = allocate(a.dtype, n);
  const x = a.data;
  const y = b.data;
  const ai = x.length === n ? null : x.length === 1 ? new Int32Array(n) : broadcastIndex(a.shape, shape);
  const bi = y.length === n ? null : y.length === 1 ? new Int32Array(n) : broadcastIndex(b.shape, shape);
  // NOTE: one loop per kind keeps the inner loops free of calls.
  switch (kind) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = x[ai ? ai[i]! : i]! + y[bi ? bi[i]! : i]!;
      break;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = x[ai ? ai[i]! : i]! - y[bi ? bi[i]! : i]!;
      break;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = x[ai ? ai[i]! : i]! * y[bi ? bi[i]! : i]!;
      break;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = x[ai ? ai[i]! : i]! / y[bi ? bi[i]! : i]!;
      break;
    case 'pow':
      for (let i = 0; i < n; i++) out[i] = Math.pow(x[ai ? ai[i]! : i]!, y[bi ? bi[i]! : i]!);
      break;
    case 'maximum':
      for (let i = 0; i < n; i++) {
        const p = x[ai ? ai[i]! : i]!;
        const q = y[bi ? bi[i]! : i]!;
        out[i] = p >= q || p !== p ? p : q;
      }
      break;
    case 'minimum':
      for (let i = 0; i < n; i++) {
        const p = x[ai ? ai[i]! : i]!;
        const q = y[bi ? bi[i]! : i]!;
        out[i] = p <= q || p !== p ? p : q;
      }
      break;
  }
  return new Tensor(out, shape);
}

/**
 * Sums `grad` over the axes that broadcasting stretched so that it gets `shape` back — the single
 * place where broadcasting is undone in backward.
 */
export function unbroadcast(grad: Tensor, shape: Shape): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const outSize = sizeOf(shape);
  const out = allocate(grad.dtype, outSize);
  if (outSize === 1) {
    let s = 0;
    const g = grad.data;
    for (let i = 0; i < g.length; i++) s += g[i]!;
    out[0] = s;
    return new Tensor(out, shape);
  }
  if (grad.shape.length < shape.length) {
    throw new BackpropError('shape', `unbroadcast: gradient shape ${shapeToString(grad.shape)} has fewer axes than ${shapeToString(shape)}`);
  }
  const index = broadcastIndex(shape, grad.shape);
  const g = grad.data;
  for (let i = 0; i < g.length; i++) out[index[i]!]! += g[i]!;
  return new Tensor(out, shape);
}

/** Row-major strides (re-exported for ops that walk axes). */
export { stridesOf };
