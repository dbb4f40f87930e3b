import { BackpropError } from '../../errors.js';
import { matmul as matmulKernel } from '../../kernels/matmul.js';
import { allocate } from '../../tensor/dtype.js';
import { shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkSameDType } from '../broadcast.js';
import { record } from '../record.js';

/** Which operands {@link matmul} reads transposed (without copying them). */
export interface MatmulOptions {
  /** Use Aᵀ: A is stored k×m. */
  transA?: boolean;
  /** Use Bᵀ: B is stored n×k (a dense layer's X·Wᵀ). */
  transB?: boolean;
}

/**
 * Matrix product of 2-D tensors: C = op(A)·op(B), op(A) m×k, op(B) k×n, C m×n.
 * Transposed operands are read in place, never copied.
 *
 * Backward (for C = A·B): ∂/∂A = G·Bᵀ, ∂/∂B = Aᵀ·G — themselves transposed matmuls.
 *
 * @example
 * ```ts
 * const y = matmul(x, W, { transB: true });   // x [N, in], W [out, in] → y [N, out]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  checkSameDType(a, b, 'matmul');
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new BackpropError('shape', `matmul: expected 2-D operands, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  const m = transA ? a.shape[1]! : a.shape[0]!;
  const k = transA ? a.shape[0]! : a.shape[1]!;
  const kb = transB ? b.shape[1]! : b.shape[0]!;
  const n = transB ? b.shape[0]! : b.shape[1]!;
  if (k !== kb) {
    throw new BackpropError(
      'shape',
      `matmul: inner dimensions differ: ${transA ? 'Aᵀ' : 'A'} is ${m}×${k} and ${transB ? 'Bᵀ' : 'B'} is ${kb}×${n} (A ${shapeToString(a.shape)}, B ${shapeToString(b.shape)})`,
    );
  }
  const c = allocate(a.dtype, m * n);
  matmulKernel(a.data, b.data, c, m, k, n, transA, transB, false);
  const out = new Tensor(c, [m, n]);
  return record(out, 'matmul', [a, b], ['a', 'b'], (g) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      // op(A) = G·op(B)ᵀ; if A was read transposed, its gradient is (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ.
      const buf = allocate(a.dtype, a.size);
      if (!transA) matmulKernel(g.data, b.data, buf, m, n, k, false, !transB, false);
      else matmulKernel(b.data, g.data, buf, k, n, m, transB, true, false);
      ga = new Tensor(buf, a.shape);
    }
    if (b.requiresGrad) {
      // op(B) gradient = op(A)ᵀ·G; if B was read transposed, it is Gᵀ·op(A).
      const buf = allocate(b.dtype, b.size);
      if (!transB) matmulKernel(a.data, g.data, buf, k, m, n, !transA, false, false);
      else matmulKernel(g.data, a.data, buf, n, m, k, true, transA, false);
      gb = new Tensor(buf, b.shape);
    }
    return [ga, gb];
  });
}
