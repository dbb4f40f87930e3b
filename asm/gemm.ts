// AssemblyScript source of the WebAssembly SIMD matmul (compiled by scripts/build-wasm.mjs).
//
// C (m×n) = op(A)·op(B) (+ C when accumulate), all row-major in linear memory, addresses in bytes.
// op(A) is m×k (A stored m×k, or k×m when transA); op(B) is k×n (B stored k×n, or n×k when transB).
// One call computes the sub-block C[i0..i1, j0..j1] so that threads can share a product.
//
// Blocking (GotoBLAS style): a KC×NC block of op(B) is packed into panels of NR columns, an MC×KC
// block of op(A) into panels of MR rows; the micro-kernel keeps an MR×NR tile of C in 8 SIMD
// registers (4 rows × 2 vectors) while it walks the packed panels. Each tile starts from the
// current C (or from 0), so every C entry is summed in order of p across k-blocks: float64
// results are bit-identical to the plain loop `c += a[i,p]·b[p,j]`.

const MR: i32 = 4;
const KC: i32 = 256;
const MC: i32 = 128;

/** Columns per register tile: two SIMD vectors (8 for f32, 4 for f64). */
// @ts-ignore: decorator
@inline function nr<T>(): i32 {
  return <i32>(32 / sizeof<T>());
}

/** Columns of op(B) per cache block: the packed KC×NC block is 1 MiB for f32, 1 MiB for f64. */
// @ts-ignore: decorator
@inline function ncFor<T>(): i32 {
  return sizeof<T>() == 4 ? 1024 : 512;
}

/** Bytes of workspace one gemm call needs (packed A block, packed B block, one edge tile). */
export function gemmWorkspaceBytes(): i32 {
  return MC * KC * 8 + KC * 1024 * 4 + 4 * 8 * 8 + 64;
}

/**
 * Transposing copy of R rows (`ld` bytes apart, each contiguous over p) into p-major order:
 * dst[p·R + r] = src[r][p] for p < kc. SIMD 4×4 (f32) or 2×2 (f64) transposes in lane groups,
 * scalar for the last kc mod lanes steps. Used for op(A) stored m×k and op(B) stored n×k.
 */
function packTransposed<T>(src: usize, ld: usize, R: i32, kc: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  const stride = <usize>R * sz;
  const G = <i32>(16 / sizeof<T>());
  const kv = kc & ~(G - 1);
  for (let g = 0; g < R; g += G) {
    const s = src + <usize>g * ld;
    const d = dst + <usize>g * sz;
    if (sizeof<T>() == 4) {
      for (let p = 0; p < kv; p += 4) {
        const at = s + <usize>p * 4;
        const r0 = v128.load(at);
        const r1 = v128.load(at + ld);
        const r2 = v128.load(at + 2 * ld);
        const r3 = v128.load(at + 3 * ld);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const o = d + <usize>p * stride;
        v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(o + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
        v128.store(o + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
        v128.store(o + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
      }
    } else {
      for (let p = 0; p < kv; p += 2) {
        const at = s + <usize>p * 8;
        const r0 = v128.load(at);
        const r1 = v128.load(at + ld);
        const o = d + <usize>p * stride;
        v128.store(o, v128.shuffle<f64>(r0, r1, 0, 2));
        v128.store(o + stride, v128.shuffle<f64>(r0, r1, 1, 3));
      }
    }
    for (let p = kv; p < kc; p++) {
      for (let r = 0; r < G; r++) store<T>(d + <usize>p * stride + <usize>r * sz, load<T>(s + <usize>r * ld + <usize>p * sz));
    }
  }
}

/** Pack op(A)[ic..ic+mc, pc..pc+kc] into MR-row panels: dst[panel][p][r], rows past mc are 0. */
function packA<T>(a: usize, m: i32, k: i32, transA: bool, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    if (transA && rows == MR) {
      // A is k×m: the MR entries of one p are contiguous.
      let src = a + (<usize>(pc * m + ic + i)) * sz;
      for (let p = 0; p < kc; p++) {
        if (sz == 4) v128.store(dst, v128.load(src));
        else {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
        }
        src += <usize>m * sz;
        dst += <usize>MR * sz;
      }
    } else if (!transA && rows == MR) {
      packTransposed<T>(a + (<usize>((ic + i) * k + pc)) * sz, <usize>k * sz, MR, kc, dst);
      dst += <usize>(MR * kc) * sz;
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          let v: T = <T>0;
          if (r < rows) {
            const row = ic + i + r;
            const col = pc + p;
            v = load<T>(a + (<usize>(transA ? col * m + row : row * k + col)) * sz);
          }
          store<T>(dst + <usize>r * sz, v);
        }
        dst += <usize>MR * sz;
      }
    }
  }
}

/** Pack op(B)[pc..pc+kc, jc..jc+nc] into NR-column panels: dst[panel][p][j], columns past nc are 0. */
function packB<T>(b: usize, k: i32, n: i32, transB: bool, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  const NR = nr<T>();
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    if (!transB && cols == NR) {
      // B is k×n: the NR entries of one p are contiguous (two vectors).
      let src = b + (<usize>(pc * n + jc + j)) * sz;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += <usize>n * sz;
        dst += 32;
      }
    } else if (transB && cols == NR) {
      packTransposed<T>(b + (<usize>((jc + j) * k + pc)) * sz, <usize>k * sz, NR, kc, dst);
      dst += <usize>(NR * kc) * sz;
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) {
          let v: T = <T>0;
          if (c < cols) {
            const row = pc + p;
            const col = jc + j + c;
            v = load<T>(b + (<usize>(transB ? col * k + row : row * n + col)) * sz);
          }
          store<T>(dst + <usize>c * sz, v);
        }
        dst += 32;
      }
    }
  }
}

/**
 * What a float32 product does to C once its sums are complete (sgemmEpi): nothing; + bias b[j];
 * + b[j], then a = relu(z) into `out`; or the relu gradient, C ← (z > 0 ? C : 0·C) with z at `out`.
 * The operations of asm/elementwise.ts's biasRelu32 and reluBackward32, in their
 * order, so the same bits — on the tile while it is still in registers instead of a pass over C.
 */
const EPI_NONE: i32 = 0;
const EPI_BIAS: i32 = 1;
const EPI_BIAS_RELU: i32 = 2;
const EPI_RELU_GRAD: i32 = 3;

/**
 * The register tile: C[4 rows × 2 vectors] at `c` (row stride `ldc` bytes) plus Σ_p pa[p]·pb[p]
 * over kc packed steps. `fromZero` starts the sums at 0 instead of the current C. With `epi` (on
 * the last block of p only), the epilogue on the finished sums: `pb0` the bias at the tile's
 * columns, `po` the tile's place in `out` (same row stride).
 */
// NOTE: not @inline (inlined twice into gemm it ran slower); B-panel end pointer and constant
// load offsets keep the loop at 6 loads + 16 SIMD ops + 3 scalar ops per step. Unrolling by 2
// measured 25% slower (Binaryen interleaves the steps and V8 spills).
function micro<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, fromZero: bool, epi: i32, pb0: usize, po: usize): void {
  const sz = <usize>sizeof<T>();
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (fromZero) {
    c00 = v128.splat<T>(<T>0); c01 = c00; c10 = c00; c11 = c00;
    c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  } else {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  const end = pb + <usize>kc * 32;
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    if (ASC_FEATURE_RELAXED_SIMD && sizeof<T>() == 4) {
      // One fused (or, at the engine's choice, unfused) multiply-add per product: float32 only.
      let x = v128.load_splat<T>(pa);
      c00 = f32x4.relaxed_madd(x, b0, c00);
      c01 = f32x4.relaxed_madd(x, b1, c01);
      x = v128.load_splat<T>(pa, sizeof<T>());
      c10 = f32x4.relaxed_madd(x, b0, c10);
      c11 = f32x4.relaxed_madd(x, b1, c11);
      x = v128.load_splat<T>(pa, 2 * sizeof<T>());
      c20 = f32x4.relaxed_madd(x, b0, c20);
      c21 = f32x4.relaxed_madd(x, b1, c21);
      x = v128.load_splat<T>(pa, 3 * sizeof<T>());
      c30 = f32x4.relaxed_madd(x, b0, c30);
      c31 = f32x4.relaxed_madd(x, b1, c31);
    } else {
      // Separate multiply and add, each rounded: float64 stays bit-identical to the plain loop.
      let x = v128.load_splat<T>(pa);
      c00 = v128.add<T>(c00, v128.mul<T>(x, b0));
      c01 = v128.add<T>(c01, v128.mul<T>(x, b1));
      x = v128.load_splat<T>(pa, sizeof<T>());
      c10 = v128.add<T>(c10, v128.mul<T>(x, b0));
      c11 = v128.add<T>(c11, v128.mul<T>(x, b1));
      x = v128.load_splat<T>(pa, 2 * sizeof<T>());
      c20 = v128.add<T>(c20, v128.mul<T>(x, b0));
      c21 = v128.add<T>(c21, v128.mul<T>(x, b1));
      x = v128.load_splat<T>(pa, 3 * sizeof<T>());
      c30 = v128.add<T>(c30, v128.mul<T>(x, b0));
      c31 = v128.add<T>(c31, v128.mul<T>(x, b1));
    }
    pa += 4 * sz;
    pb += 32;
  }
  if (sizeof<T>() == 4 && epi != EPI_NONE) {
    const zero = f32x4.splat(0);
    if (epi == EPI_RELU_GRAD) {
      c00 = v128.bitselect(c00, f32x4.mul(zero, c00), f32x4.gt(v128.load(po), zero));
      c01 = v128.bitselect(c01, f32x4.mul(zero, c01), f32x4.gt(v128.load(po, 16), zero));
      c10 = v128.bitselect(c10, f32x4.mul(zero, c10), f32x4.gt(v128.load(po + ldc), zero));
      c11 = v128.bitselect(c11, f32x4.mul(zero, c11), f32x4.gt(v128.load(po + ldc, 16), zero));
      c20 = v128.bitselect(c20, f32x4.mul(zero, c20), f32x4.gt(v128.load(po + 2 * ldc), zero));
      c21 = v128.bitselect(c21, f32x4.mul(zero, c21), f32x4.gt(v128.load(po + 2 * ldc, 16), zero));
      c30 = v128.bitselect(c30, f32x4.mul(zero, c30), f32x4.gt(v128.load(po + 3 * ldc), zero));
      c31 = v128.bitselect(c31, f32x4.mul(zero, c31), f32x4.gt(v128.load(po + 3 * ldc, 16), zero));
    } else {
      const b0 = v128.load(pb0);
      const b1 = v128.load(pb0, 16);
      c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b1);
      c10 = f32x4.add(c10, b0); c11 = f32x4.add(c11, b1);
      c20 = f32x4.add(c20, b0); c21 = f32x4.add(c21, b1);
      c30 = f32x4.add(c30, b0); c31 = f32x4.add(c31, b1);
      if (epi == EPI_BIAS_RELU) {
        v128.store(po, v128.bitselect(c00, f32x4.mul(zero, c00), f32x4.gt(c00, zero)));
        v128.store(po, v128.bitselect(c01, f32x4.mul(zero, c01), f32x4.gt(c01, zero)), 16);
        v128.store(po + ldc, v128.bitselect(c10, f32x4.mul(zero, c10), f32x4.gt(c10, zero)));
        v128.store(po + ldc, v128.bitselect(c11, f32x4.mul(zero, c11), f32x4.gt(c11, zero)), 16);
        v128.store(po + 2 * ldc, v128.bitselect(c20, f32x4.mul(zero, c20), f32x4.gt(c20, zero)));
        v128.store(po + 2 * ldc, v128.bitselect(c21, f32x4.mul(zero, c21), f32x4.gt(c21, zero)), 16);
        v128.store(po + 3 * ldc, v128.bitselect(c30, f32x4.mul(zero, c30), f32x4.gt(c30, zero)));
        v128.store(po + 3 * ldc, v128.bitselect(c31, f32x4.mul(zero, c31), f32x4.gt(c31, zero)), 16);
      }
    }
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** The epilogue of {@link micro} one entry at a time, on rows × cols of C at `c` (its place in `out` at `po`, the bias at `pb0`). */
function epilogueEdge(c: usize, ldc: usize, rows: i32, cols: i32, epi: i32, pb0: usize, po: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const at = <usize>r * ldc + (<usize>q << 2);
      let x = load<f32>(c + at);
      if (epi == EPI_RELU_GRAD) {
        if (!(load<f32>(po + at) > 0)) x = <f32>0 * x;
      } else {
        x = x + load<f32>(pb0 + (<usize>q << 2));
        if (epi == EPI_BIAS_RELU) store<f32>(po + at, x > 0 ? x : <f32>0 * x);
      }
      store<f32>(c + at, x);
    }
  }
}

/** Columns of op(B) rounded up to whole NR-column panels. */
// @ts-ignore: decorator
@inline function padCols<T>(nc: i32): i32 {
  return (nc + nr<T>() - 1) & ~(nr<T>() - 1);
}

/**
 * Pack all of op(B) (k×n) once, block by block as gemm would: block (jc, pc) starts at element
 * jc·k + pc·padCols(nc). Threads that split C by rows then share it instead of each packing it.
 */
function packBAll<T>(b: usize, k: i32, n: i32, transB: bool, dst: usize): void {
  const NC = ncFor<T>();
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      packB<T>(b, k, n, transB, pc, min(KC, k - pc), jc, nc, dst + (<usize>(jc * k + pc * padCols<T>(nc))) * sizeof<T>());
    }
  }
}

function gemm<T>(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool,
  i0: i32, i1: i32, j0: i32, j1: i32, ws: usize, prepacked: usize,
  epi: i32, bias: usize, out: usize,
): void {
  const sz = <usize>sizeof<T>();
  const NR = nr<T>();
  const NC = ncFor<T>();
  const packedA = ws;
  const packedB = ws + <usize>(MC * KC * 8);
  const tile = (packedB + <usize>(KC * 1024 * 4) + 15) & ~(<usize>15);
  const ldc = <usize>n * sz;
  const tileLd = <usize>NR * sz;
  if (k == 0) {
    if (!accumulate) {
      for (let i = i0; i < i1; i++) memory.fill(c + (<usize>(i * n + j0)) * sz, 0, <usize>(j1 - j0) * sz);
    }
    const at = (<usize>(i0 * n + j0)) * sz;
    if (sizeof<T>() == 4 && epi != EPI_NONE) epilogueEdge(c + at, ldc, i1 - i0, j1 - j0, epi, bias + <usize>j0 * sz, out + at);
    return;
  }
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const fromZero = pc == 0 && !accumulate;
      // The epilogue on the last block of p, where the sums are complete.
      const e = pc + kc == k ? epi : EPI_NONE;
      // NOTE: a prepacked op(B) (packBAll) is only passed for whole rows of C (j0 = 0, j1 = n).
      let blockB = packedB;
      if (prepacked != 0) blockB = prepacked + (<usize>(jc * k + pc * padCols<T>(nc))) * sz;
      else packB<T>(b, k, n, transB, pc, kc, jc, nc, packedB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA<T>(a, m, k, transA, ic, mc, pc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pb = blockB + <usize>(jr * kc) * sz;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const pa = packedA + <usize>(ir * kc) * sz;
            const ct = c + (<usize>((ic + ir) * n + jc + jr)) * sz;
            const col = <usize>(jc + jr);
            const po = out + (<usize>(ic + ir) * ldc) + col * sz;
            const pb0 = bias + col * sz;
            if (rows == MR && cols == NR) {
              micro<T>(kc, pa, pb, ct, ldc, fromZero, e, pb0, po);
            } else {
              // Ragged edge: run the full tile on a scratch copy, write back the valid part.
              for (let r = 0; r < MR; r++) {
                for (let q = 0; q < NR; q++) {
                  const off = tile + <usize>(r * NR + q) * sz;
                  store<T>(off, r < rows && q < cols && !fromZero ? load<T>(ct + <usize>r * ldc + <usize>q * sz) : <T>0);
                }
              }
              micro<T>(kc, pa, pb, tile, tileLd, false, EPI_NONE, 0, 0);
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < cols; q++) {
                  store<T>(ct + <usize>r * ldc + <usize>q * sz, load<T>(tile + <usize>(r * NR + q) * sz));
                }
              }
              if (sizeof<T>() == 4 && e != EPI_NONE) epilogueEdge(ct, ldc, rows, cols, e, pb0, po);
            }
          }
        }
      }
    }
  }
}

/**
 * float32 C[i0..i1, j0..j1] = op(A)·op(B) (+ C); pointers in bytes, `ws` from gemmWorkspaceBytes,
 * `prepacked` 0 or the output of spackB for the same B (then j0 = 0 and j1 = n).
 */
export function sgemm(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool,
  i0: i32, i1: i32, j0: i32, j1: i32, ws: usize, prepacked: usize,
): void {
  gemm<f32>(a, b, c, m, k, n, transA, transB, accumulate, i0, i1, j0, j1, ws, prepacked, EPI_NONE, 0, 0);
}

/**
 * {@link sgemm} with an epilogue on C[i0..i1, j0..j1] once its sums are complete (`epi`: 1 + bias
 * b, 2 + b then a = relu(z) into `out`, 3 the relu gradient gated by z at `out`; see EPI_BIAS…),
 * done on each register tile before it is stored: a threaded product's chunk with its epilogue in
 * one pass. `out` has C's shape and row stride; `bias` n entries.
 */
export function sgemmEpi(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool,
  i0: i32, i1: i32, j0: i32, j1: i32, ws: usize, prepacked: usize,
  epi: i32, bias: usize, out: usize,
): void {
  gemm<f32>(a, b, c, m, k, n, transA, transB, accumulate, i0, i1, j0, j1, ws, prepacked, epi, bias, out);
}

/** float64 C[i0..i1, j0..j1] = op(A)·op(B) (+ C); bit-identical to the in-order reference loop. */
export function dgemm(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool,
  i0: i32, i1: i32, j0: i32, j1: i32, ws: usize, prepacked: usize,
): void {
  gemm<f64>(a, b, c, m, k, n, transA, transB, accumulate, i0, i1, j0, j1, ws, prepacked, EPI_NONE, 0, 0);
}

/** Bytes spackB / dpackB write for a k×n op(B) with `bytesPer` 4 or 8. */
export function packedBBytes(k: i32, n: i32, bytesPer: i32): i32 {
  const NR = 32 / bytesPer;
  return k * ((n + NR - 1) & ~(NR - 1)) * bytesPer;
}

/** Pack the whole float32 op(B) for sgemm's `prepacked`. */
export function spackB(b: usize, k: i32, n: i32, transB: bool, dst: usize): void {
  packBAll<f32>(b, k, n, transB, dst);
}

/** Pack the whole float64 op(B) for dgemm's `prepacked`. */
export function dpackB(b: usize, k: i32, n: i32, transB: bool, dst: usize): void {
  packBAll<f64>(b, k, n, transB, dst);
}
