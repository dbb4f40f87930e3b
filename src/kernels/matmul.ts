import { BackpropError } from '../errors.js';
import { matmulTs } from './matmul-ts.js';
import { kernelState } from './kernel-state.js';
import type { FloatArray } from './types.js';

/** The ways a matmul can run; `auto` picks by size, dtype and what this engine supports. */
export type MatmulPath = 'auto' | 'ts' | 'wasm' | 'threads';

/**
 * Size thresholds of the `auto` dispatch, in multiply-adds (m·k·n), measured on the 2-core AMD EPYC
 * under Node 20 (bench/kernels.ts; best of several runs on a machine shared with other work):
 *
 * - `wasmMin` 4096 (16³): below it the blocked TypeScript kernel wins — a square 12³ product takes
 *   1.4 µs in TS and 2.2 µs in WASM (staging + call), 16³ takes 3.4 µs and 2.7 µs.
 * - `threadsMin` 2²⁰ (≈ 101³): a job round trip to a worker costs ≈ 15–20 µs; with both cores free
 *   (benchmark at real-time priority) two threads beat one from ≈ 96³ (f32 n = 128: 31.9 against
 *   30.8 GFLOP/s, n = 256: 54.5 against 33.6); on a busy machine the worker may wait for a core
 *   (at 64³, 27 µs on one thread against 41 µs on two, measured under load).
 */
export const MATMUL_THRESHOLDS = { wasmMin: 4096, threadsMin: 1 << 20 };

/**
 * C (m×n) = op(A) · op(B), or C += op(A) · op(B) when `accumulate` is true.
 *
 * op(A) is m×k: A is stored row-major as m×k, or as k×m when `transA` (then op(A) = Aᵀ, read
 * without copying). op(B) is k×n: B is stored as k×n, or as n×k when `transB`.
 * Backprop needs all three forms: X·Wᵀ (forward), G·W (input gradient), Gᵀ·X (weight gradient).
 *
 * All three arrays must have the same element type; C must not alias A or B.
 *
 * Dispatch (`auto`): small products run the blocked TypeScript kernel; larger ones the WebAssembly
 * SIMD kernel (once loaded — loading starts on first use, or `await initKernels()`); large ones
 * are split over worker threads when {@link initKernels} started them and this thread may block
 * (Node, or inside a worker; a browser's main thread uses {@link matmulAsync} for threads).
 * float64 results are bit-identical on every path (each entry summed in order of p from 0, or from
 * the old C); float32 results agree within 1e-5 of Σ|a·b| (the SIMD path rounds each product to
 * float32, or fuses it with the add where relaxed SIMD is available; the TypeScript path sums in
 * float64).
 *
 * @example
 * ```ts
 * const y = new Float32Array(batch * out);
 * matmul(x, w, y, batch, inp, out, false, true); // y = x · wᵀ
 * ```
 */
export function matmul(
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
  matmulVia('auto', a, b, c, m, k, n, transA, transB, accumulate);
}

/**
 * {@link matmul} on a chosen path — for tests and benchmarks. `wasm` and `threads` throw a
 * BackpropError('unsupported') when that path is not available (not loaded, no SIMD, no threads).
 */
export function matmulVia(
  path: MatmulPath,
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
  checkOperands(a, b, c, m, k, n);
  const work = m * k * n;
  if (path === 'ts' || (path === 'auto' && work < MATMUL_THRESHOLDS.wasmMin)) {
    matmulTs(a, b, c, m, k, n, transA, transB, accumulate);
    return;
  }
  const state = kernelState(path !== 'auto');
  if (state === null) {
    if (path !== 'auto') throw new BackpropError('unsupported', `matmul: the '${path}' path is not available here (WebAssembly SIMD kernels not loaded)`);
    matmulTs(a, b, c, m, k, n, transA, transB, accumulate);
    return;
  }
  const pool = state.pool;
  const threaded = pool !== null && !pool.busy && state.canBlock &&
    (path === 'threads' || (path === 'auto' && work >= MATMUL_THRESHOLDS.threadsMin));
  if (path === 'threads' && !threaded) {
    throw new BackpropError('unsupported', 'matmul: the threads path needs initKernels({ threads }) and a thread allowed to block (not a browser main thread)');
  }
  const stage = state.stage;
  stage.load(a, b, c, m, k, n, accumulate);
  const fn = c instanceof Float32Array ? 0 : 1;
  if (threaded) pool.runGemmSync(fn, stage.a, stage.b, stage.c, m, k, n, transA, transB, accumulate);
  else {
    const gemm = fn === 0 ? state.heap.exports.sgemm : state.heap.exports.dgemm;
    gemm(stage.a, stage.b, stage.c, m, k, n, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, 0, m, 0, n, state.workspace, 0);
  }
  stage.store();
}

/**
 * {@link matmul} that may use worker threads from any thread, a browser's main thread included:
 * the calling thread computes its share, then awaits the workers without blocking. C is complete
 * when the promise resolves; do not touch A, B or C before. Below the thread threshold, or without
 * threads, it runs synchronously and resolves at once.
 *
 * @example
 * ```ts
 * await initKernels({ threads: 2 });
 * await matmulAsync(a, b, c, 512, 512, 512);
 * ```
 */
export async function matmulAsync(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
  accumulate = false,
): Promise<void> {
  checkOperands(a, b, c, m, k, n);
  const state = kernelState(false);
  const pool = state?.pool ?? null;
  if (state === null || pool === null || m * k * n < MATMUL_THRESHOLDS.threadsMin) {
    matmulVia('auto', a, b, c, m, k, n, transA, transB, accumulate);
    return;
  }
  const job = asyncTail.then(async () => {
    const stage = state.asyncStage;
    stage.load(a, b, c, m, k, n, accumulate);
    await pool.runGemmAsync(c instanceof Float32Array ? 0 : 1, stage.a, stage.b, stage.c, m, k, n, transA, transB, accumulate);
    stage.store();
  });
  asyncTail = job.catch(() => undefined);
  return job;
}

/** Async jobs share one staging area, so they run one after the other. */
let asyncTail: Promise<void> = Promise.resolve();

function checkOperands(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  if (a.constructor !== c.constructor || b.constructor !== c.constructor) {
    throw new BackpropError('dtype', `matmul: expected A, B and C of one dtype, got ${a.constructor.name}, ${b.constructor.name}, ${c.constructor.name}`);
  }
  if (!(m >= 0 && k >= 0 && n >= 0) || !Number.isInteger(m) || !Number.isInteger(k) || !Number.isInteger(n)) {
    throw new BackpropError('shape', `matmul: expected integer sizes m, k, n ≥ 0, got ${m}, ${k}, ${n}`);
  }
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new BackpropError('shape', `matmul: for m=${m}, k=${k}, n=${n} expected A ≥ ${m * k}, B ≥ ${k * n}, C ≥ ${m * n} entries, got ${a.length}, ${b.length}, ${c.length}`);
  }
}
