import { matmul, MATMUL_THRESHOLDS } from '../kernels/matmul.js';
import type { FloatArray } from '../kernels/types.js';

/**
 * The three products of a dense layer, each C = … with C overwritten:
 *
 * - {@link gemmABt}: C[m×n] = A[m×k]·B[n×k]ᵀ — forward, z = x·Wᵀ;
 * - {@link gemmAtB}: C[m×n] = A[k×m]ᵀ·B[k×n] — weight gradient, ∂E/∂W = δᵀ·x;
 * - {@link gemmAB}:  C[m×n] = A[m×k]·B[k×n]  — input gradient, ∂E/∂x = δ·W.
 *
 * Large products go to the kernel layer's `matmul` (blocked TypeScript, WASM SIMD or threads,
 * transposes read in place). Products below the kernel's own WASM threshold with k ≤ 256 — where
 * `matmul` would run its TypeScript kernel anyway — run here as plain loops with no dispatch,
 * operand checks or tiling, which is what a tiny network's step is made of. Each entry is summed
 * in order of the inner index from 0 in a float64 register and stored once, exactly as the
 * TypeScript kernel does for k ≤ 256: the results are bit-identical to `matmul` in both dtypes.
 *
 * @example
 * ```ts
 * gemmABt(x, w, z, rows, inputs, units); // z = x·Wᵀ
 * ```
 */
export function gemmABt(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  if (m * k * n >= MATMUL_THRESHOLDS.wasmMin || k > SMALL_DEPTH) {
    matmul(a, b, c, m, k, n, false, true, false);
    return;
  }
  let ic = 0;
  for (let i = 0; i < m; i++) {
    const ia = i * k;
    for (let j = 0; j < n; j++, ic++) {
      const ib = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ia + p]! * b[ib + p]!;
      c[ic] = s;
    }
  }
}

/** C[m×n] = A[k×m]ᵀ·B[k×n] (A stored k×m); see {@link gemmABt}. */
export function gemmAtB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  if (m * k * n >= MATMUL_THRESHOLDS.wasmMin || k > SMALL_DEPTH) {
    matmul(a, b, c, m, k, n, true, false, false);
    return;
  }
  let ic = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++, ic++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[p * m + i]! * b[p * n + j]!;
      c[ic] = s;
    }
  }
}

/** C[m×n] = A[m×k]·B[k×n]; see {@link gemmABt}. */
export function gemmAB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  if (m * k * n >= MATMUL_THRESHOLDS.wasmMin || k > SMALL_DEPTH) {
    matmul(a, b, c, m, k, n, false, false, false);
    return;
  }
  let ic = 0;
  for (let i = 0; i < m; i++) {
    const ia = i * k;
    for (let j = 0; j < n; j++, ic++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ia + p]! * b[p * n + j]!;
      c[ic] = s;
    }
  }
}

/** The TypeScript kernel's cache-block depth: up to it, an entry is summed in one register. */
const SMALL_DEPTH = 256;
