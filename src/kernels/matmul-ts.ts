import type { FloatArray } from './types.js';

/** Rows of C per register tile. */
const MR = 4;
/** Columns of C per register tile. */
const NR = 4;
/** Depth of one cache block: a 4-row strip of op(A) and a KC×NC block of op(B) stay in cache. */
const KC = 256;
/** Columns of one cache block of op(B) (KC·NC·8 bytes = 256 KiB for float64, inside L2). */
const NC = 128;

/**
 * Cache- and register-blocked matmul in plain TypeScript, for both float dtypes:
 * C (m×n) = op(A)·op(B), or C += op(A)·op(B) when `accumulate` (see {@link matmulRef} for the
 * storage conventions). Operands are read in place through strides — transposes are never copied.
 *
 * Every C entry is summed in order of p, starting from 0 (or the old C), in a float64 register:
 * with Float64Array data the result is bit-identical to the reference loop. Blocks: 4×4 register
 * tiles inside KC×NC cache blocks of op(B); partial sums are carried through C between k-blocks,
 * which keeps the summation order.
 *
 * @example
 * ```ts
 * const c = new Float64Array(m * n);
 * matmulTs(x, w, c, m, k, n, false, true); // c = x · wᵀ
 * ```
 */
export function matmulTs(
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
  if (!accumulate) c.fill(0, 0, m * n);
  if (m === 0 || n === 0 || k === 0) return;
  // Strides of op(A)[i,p] and op(B)[p,j] in the stored arrays.
  const sai = transA ? 1 : k;
  const sap = transA ? m : 1;
  const sbp = transB ? 1 : n;
  const sbj = transB ? k : 1;
  const m4 = m - (m % MR);
  const n4 = n - (n % NR);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(n, j0 + NC);
    const j1f = Math.min(n4, j1);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const p1 = Math.min(k, p0 + KC);
      for (let i = 0; i < m4; i += MR) {
        let j = j0;
        for (; j < j1f; j += NR) tile4x4(a, b, c, n, i, j, p0, p1, sai, sap, sbp, sbj);
        if (j < j1) edge(a, b, c, n, i, i + MR, j, j1, p0, p1, sai, sap, sbp, sbj);
      }
      if (m4 < m) edge(a, b, c, n, m4, m, j0, j1, p0, p1, sai, sap, sbp, sbj);
    }
  }
}

/** One 4×4 tile of C: C[i..i+4, j..j+4] += Σ_{p0 ≤ p < p1} op(A)[·,p]·op(B)[p,·], in order of p. */
function tile4x4(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  n: number,
  i: number,
  j: number,
  p0: number,
  p1: number,
  sai: number,
  sap: number,
  sbp: number,
  sbj: number,
): void {
  const c0 = i * n + j;
  const c1 = c0 + n;
  const c2 = c1 + n;
  const c3 = c2 + n;
  let s00 = c[c0]!, s01 = c[c0 + 1]!, s02 = c[c0 + 2]!, s03 = c[c0 + 3]!;
  let s10 = c[c1]!, s11 = c[c1 + 1]!, s12 = c[c1 + 2]!, s13 = c[c1 + 3]!;
  let s20 = c[c2]!, s21 = c[c2 + 1]!, s22 = c[c2 + 2]!, s23 = c[c2 + 3]!;
  let s30 = c[c3]!, s31 = c[c3 + 1]!, s32 = c[c3 + 2]!, s33 = c[c3 + 3]!;
  let ia = i * sai + p0 * sap;
  let ib = p0 * sbp + j * sbj;
  const a1 = sai, a2 = 2 * sai, a3 = 3 * sai;
  const b1 = sbj, b2 = 2 * sbj, b3 = 3 * sbj;
  for (let p = p0; p < p1; p++) {
    const x0 = a[ia]!, x1 = a[ia + a1]!, x2 = a[ia + a2]!, x3 = a[ia + a3]!;
    const y0 = b[ib]!, y1 = b[ib + b1]!, y2 = b[ib + b2]!, y3 = b[ib + b3]!;
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
    s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
    s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
    ia += sap;
    ib += sbp;
  }
  c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03;
  c[c1] = s10; c[c1 + 1] = s11; c[c1 + 2] = s12; c[c1 + 3] = s13;
  c[c2] = s20; c[c2 + 1] = s21; c[c2 + 2] = s22; c[c2 + 3] = s23;
  c[c3] = s30; c[c3 + 1] = s31; c[c3 + 2] = s32; c[c3 + 3] = s33;
}

/** The ragged border: C[i0..i1, j0..j1] one entry at a time, same summation order as the tiles. */
function edge(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  n: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  p0: number,
  p1: number,
  sai: number,
  sap: number,
  sbp: number,
  sbj: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = c[i * n + j]!;
      let ia = i * sai + p0 * sap;
      let ib = p0 * sbp + j * sbj;
      for (let p = p0; p < p1; p++) {
        s += a[ia]! * b[ib]!;
        ia += sap;
        ib += sbp;
      }
      c[i * n + j] = s;
    }
  }
}
