import type { FloatArray } from './types.js';

/**
 * The plain reference matmul every fast path is tested against:
 * C (m×n) = op(A)·op(B), or C += op(A)·op(B) when `accumulate`.
 *
 * op(A) is m×k (A stored m×k, or k×m when `transA`); op(B) is k×n (B stored k×n, or n×k when
 * `transB`). Each entry is summed as `c = c + a[i,0]·b[0,j] + a[i,1]·b[1,j] + …` in order of p,
 * starting from 0 (or from the old C when accumulating) — the order the fast float64 paths keep,
 * so that their results are bit-identical to this loop.
 *
 * @example
 * ```ts
 * const c = new Float64Array(4);
 * matmulRef(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 0, 0, 1), c, 2, 2, 2); // c = [1,2,3,4]
 * ```
 */
export function matmulRef(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
  accumulate = false,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c[i * n + j]! : 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * m + i]! : a[i * k + p]!;
        const bpj = transB ? b[j * k + p]! : b[p * n + j]!;
        s += aip * bpj;
      }
      c[i * n + j] = s;
    }
  }
}
