import { kernelState } from './kernel-state.js';
import type { WasmHeap } from './wasm-heap.js';
import type { FloatArray } from './types.js';
import { SQUARES_BLOCK } from './worker-loop.js';

/**
 * The float32 elementwise steps of a dense layer on the WebAssembly SIMD kernels
 * (asm/elementwise.ts), for buffers that live in the kernels' memory. Each function returns false,
 * having done nothing, when it cannot run there — kernels not loaded, float64 data, an array
 * outside the kernels' memory, or too little work to pay for the call — and the caller runs its
 * TypeScript loop, which gives the same bits.
 *
 * @example
 * ```ts
 * if (!biasReluF32(z, a, bias, 64, 128, true)) biasActivate(ACTIVATION_TABLE.relu, z, a, bias, 64, 128);
 * ```
 */
export function biasReluF32(z: FloatArray, a: FloatArray, b: FloatArray, rows: number, cols: number, relu: boolean): boolean {
  const heap = heapFor(z, rows * cols);
  if (heap === null || !(b instanceof Float32Array) || b.length < cols || z.length < rows * cols || (relu && !(a instanceof Float32Array && a.length >= rows * cols && heap.owns(a)))) return false;
  heap.exports.biasRelu32(z.byteOffset, relu ? a.byteOffset : z.byteOffset, place(heap, b, cols), rows, cols, relu ? 1 : 0);
  return true;
}

/**
 * g ← g where z > 0, else 0·g, for n float32 entries in the kernels' memory (the gradient through
 * relu); false when it cannot run there (see {@link biasReluF32}).
 *
 * @example
 * ```ts
 * if (!reluBackwardF32(delta, z, 64 * 128)) ACTIVATION_TABLE.relu.backward(delta, z, a, 64, 128);
 * ```
 */
export function reluBackwardF32(g: FloatArray, z: FloatArray, n: number): boolean {
  const heap = heapFor(g, n);
  if (heap === null || !(z instanceof Float32Array) || !heap.owns(z) || g.length < n || z.length < n) return false;
  heap.exports.reluBackward32(g.byteOffset, z.byteOffset, n);
  return true;
}

/**
 * s[j] = 0 + d[0, j] + d[1, j] + … (rows in order) for float32 δ and s in the kernels' memory —
 * a layer's bias gradient; false when it cannot run there (see {@link biasReluF32}).
 *
 * @example
 * ```ts
 * if (!columnSumsF32(delta, gradB, 64, 128)) { gradB.fill(0); … }
 * ```
 */
export function columnSumsF32(d: FloatArray, s: FloatArray, rows: number, cols: number): boolean {
  const heap = heapFor(d, rows * cols);
  if (heap === null || !(s instanceof Float32Array) || !heap.owns(s) || d.length < rows * cols || s.length < cols) return false;
  heap.exports.columnSums32(d.byteOffset, s.byteOffset, rows, cols);
  return true;
}

/**
 * Σ x² in float64, block by block: the sums of the {@link SQUARES_BLOCK}-entry blocks added in
 * order, each block's in four partial sums (its entries i ≡ 0, 1, 2, 3 mod 4) added as
 * (s0 + s1) + (s2 + s3). Blocks fixed by position (not by the number of threads) let the kernels'
 * threads share one long sum and still give these bits — an MNIST layer's 100,352 gradients were
 * one thread's ~20 µs of a training step. The WebAssembly SIMD kernel for float32 entries in the
 * kernels' memory (the fused path's gradients), {@link sumOfSquaresTs} otherwise — the same bits
 * either way.
 *
 * @example
 * ```ts
 * const norm = Math.sqrt(sumOfSquares(weight.grad.data));
 * ```
 */
export function sumOfSquares(x: FloatArray): number {
  const heap = heapFor(x, x.length);
  if (heap === null) return sumOfSquaresTs(x);
  const n = x.length;
  let s = heap.exports.sumSquares32(x.byteOffset, Math.min(n, SQUARES_BLOCK));
  for (let at = SQUARES_BLOCK; at < n; at += SQUARES_BLOCK) s += heap.exports.sumSquares32(x.byteOffset + at * 4, Math.min(SQUARES_BLOCK, n - at));
  return s;
}

/**
 * The TypeScript loop of {@link sumOfSquares}.
 *
 * @example
 * ```ts
 * sumOfSquaresTs(new Float64Array([3, 4])); // 25
 * ```
 */
export function sumOfSquaresTs(x: FloatArray): number {
  let s = blockSquares(x, 0, Math.min(x.length, SQUARES_BLOCK));
  for (let at = SQUARES_BLOCK; at < x.length; at += SQUARES_BLOCK) s += blockSquares(x, at, Math.min(x.length, at + SQUARES_BLOCK));
  return s;
}

/** Σ x² over entries from..to in four partial sums (i − from ≡ 0, 1, 2, 3 mod 4), as (s0 + s1) + (s2 + s3). */
function blockSquares(x: FloatArray, from: number, to: number): number {
  // NOTE: one running sum waits on the adder's latency at every entry; four independent ones
  // keep it busy (109,000 float32 entries: 223 → 95 µs; the WASM kernel: ~10 µs).
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n4 = from + ((to - from) & ~3);
  let i = from;
  for (; i < n4; i += 4) {
    const a = x[i]!, b = x[i + 1]!, c = x[i + 2]!, d = x[i + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < to; i++) s0 += x[i]! * x[i]!;
  return (s0 + s1) + (s2 + s3);
}

/**
 * True when every entry is finite (no ±∞, no NaN): the WebAssembly SIMD kernel for float32
 * entries in the kernels' memory (the parameters of a model trained on the fused path), the
 * TypeScript loop otherwise. fit checks every weight after every step.
 *
 * @example
 * ```ts
 * allFinite(new Float64Array([1, NaN]));   // false
 * ```
 */
export function allFinite(x: FloatArray): boolean {
  const heap = heapFor(x, x.length);
  if (heap !== null) return heap.exports.allFinite32(x.byteOffset, x.length) === 1;
  // NOTE: x·0 is ±0 for a finite x and NaN for ±∞ or NaN, so the sums below stay 0 exactly when
  // every entry is finite. Branch-free, in four independent sums: ~2.5× faster than a
  // Number.isFinite loop (109,000 float32: 157 → 62 µs; the WASM kernel: ~8 µs).
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n4 = x.length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += x[i]! * 0;
    s1 += x[i + 1]! * 0;
    s2 += x[i + 2]! * 0;
    s3 += x[i + 3]! * 0;
  }
  for (; i < x.length; i++) s0 += x[i]! * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** The loaded heap when `x` is float32 in it and `n` entries are worth a call; null otherwise. */
function heapFor(x: FloatArray, n: number): WasmHeap | null {
  if (!(x instanceof Float32Array) || n < MIN_ENTRIES) return null;
  const state = kernelState(false);
  if (state === null || !state.heap.owns(x)) return null;
  return state.heap;
}

/** Address of `b` (its first n entries) in the heap: in place, or copied into a reusable block. */
function place(heap: WasmHeap, b: Float32Array, n: number): number {
  if (heap.owns(b)) return b.byteOffset;
  if (scratchHeap !== heap || scratchLength < n) {
    if (scratchHeap === heap && scratchLength > 0) heap.release(scratch);
    scratch = heap.alloc(n * 4);
    scratchLength = n;
    scratchHeap = heap;
  }
  new Float32Array(heap.buffer, scratch, n).set(b.subarray(0, n));
  return scratch;
}

/** Below this many entries a TypeScript loop costs less than the call. */
const MIN_ENTRIES = 256;
let scratch = 0;
let scratchLength = 0;
let scratchHeap: WasmHeap | null = null;
