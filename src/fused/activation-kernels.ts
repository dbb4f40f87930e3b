import type { ActivationSpec } from '../functions/activations/index.js';
import type { FloatArray } from '../kernels/types.js';

/**
 * In place on one layer's buffer: z[r, j] += b[j] (the bias), then a = f(z) by the activation
 * table's loop, for `rows` rows of `cols` entries — or both in one WebAssembly SIMD kernel where
 * the table entry has one and the buffers live in the kernels' memory (float32 relu, linear).
 * `a` may be the same array as `z` only for `linear`.
 *
 * The bias is added with the autograd `add` op's expression and f is the same loop the autograd
 * op runs, so float64 results are bit-identical to the graph's, and float32 results round at the
 * same places (each stored value rounds to float32, sums run in float64 as there).
 *
 * Shape: z and a [rows, cols] (row-major, at least rows·cols long), b [cols].
 *
 * @example
 * ```ts
 * biasActivate(ACTIVATION_TABLE.sigmoid, z, a, bias, 1, 2); // a = σ(z + b)
 * ```
 */
export function biasActivate(act: ActivationSpec, z: FloatArray, a: FloatArray, b: FloatArray, rows: number, cols: number): void {
  if (act.biasForwardKernel !== undefined && act.biasForwardKernel(z, a, b, rows, cols)) return;
  let i = 0;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++, i++) z[i] = z[i]! + b[j]!;
  act.forward(z, a, rows, cols);
}
