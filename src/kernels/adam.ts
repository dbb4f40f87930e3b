import { kernelState } from './kernel-state.js';
import type { WasmHeap } from './wasm-heap.js';

/**
 * The constants of one float32 Adam / AdamW update, each rounded to float32 as PyTorch passes
 * its Python-float scalars to a float32 kernel (asm/adam.ts lists where they enter).
 */
export interface AdamF32Constants {
  /** β₁ */
  b1: number;
  /** 1 − β₁ */
  c1: number;
  /** β₂ */
  b2: number;
  /** 1 − β₂ */
  c2: number;
  /** −η/(1 − β₁ᵗ) */
  k: number;
  /** √(1 − β₂ᵗ) */
  r: number;
  /** ε */
  eps: number;
  /** Adam's L2 penalty λ on the gradient (0 for none, and for AdamW). */
  l2: number;
  /** AdamW's decay factor 1 − η·λ on the weights (1 for none, and for Adam). */
  s: number;
}

/**
 * The constants of update number `t` (1 on the first) from the optimizer's settings, written into
 * `into` when given (an optimizer reuses one object, so a step allocates nothing).
 *
 * @example
 * ```ts
 * const c = adamF32Constants(1e-3, 0.9, 0.999, 1e-8, 1, 0, 1);
 * ```
 */
export function adamF32Constants(lr: number, beta1: number, beta2: number, eps: number, t: number, l2: number, decay: number, into?: AdamF32Constants): AdamF32Constants {
  const f = Math.fround;
  const c = into ?? { b1: 0, c1: 0, b2: 0, c2: 0, k: 0, r: 0, eps: 0, l2: 0, s: 0 };
  c.b1 = f(beta1);
  c.c1 = f(1 - beta1);
  c.b2 = f(beta2);
  c.c2 = f(1 - beta2);
  c.k = f(-lr / (1 - beta1 ** t));
  c.r = f(Math.sqrt(1 - beta2 ** t));
  c.eps = f(eps);
  c.l2 = f(l2);
  c.s = f(decay);
  return c;
}

/**
 * One float32 Adam / AdamW update of w (in place) from gradient g and moments m, v (in place),
 * in float32 arithmetic (asm/adam.ts gives the order of operations); with `keep`, the weights from
 * before it copied there. Returns whether every updated weight is finite. Runs the WebAssembly SIMD
 * kernel once the kernels are loaded — arrays in their memory are used in place (see
 * `kernelResident`), others are copied in and out; from 2¹⁴ entries cut into ranges over the
 * worker threads when they run — and {@link adamF32Ts} otherwise: every way gives the same bits.
 *
 * @example
 * ```ts
 * adamF32Update(w, g, m, v, adamF32Constants(1e-3, 0.9, 0.999, 1e-8, t, 0, 1));   // true
 * ```
 */
export function adamF32Update(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamF32Constants, keep: Float32Array | null = null): boolean {
  const n = w.length;
  const state = n >= WASM_MIN ? kernelState(false) : null;
  if (state === null || g.length < n || m.length < n || v.length < n) return adamF32Ts(w, g, m, v, c, keep);
  // NOTE: a keep outside the kernels' memory (or the weights outside it: staged below) is copied here.
  const keepAt = keep !== null && state.heap.owns(keep) && state.heap.owns(w) ? keep.byteOffset : 0;
  if (keep !== null && keepAt === 0) keep.set(w);
  const heap = state.heap;
  const ownW = heap.owns(w);
  const ownG = heap.owns(g);
  const ownM = heap.owns(m);
  const ownV = heap.owns(v);
  const bytes = Math.ceil((n * 4) / 64) * 64;
  const need = bytes * (Number(!ownW) + Number(!ownG) + Number(!ownM) + Number(!ownV));
  if (need > scratchBytes || scratchHeap !== heap) {
    if (scratchBytes > 0 && scratchHeap === heap) heap.release(scratch);
    scratch = heap.alloc(need);
    scratchBytes = need;
    scratchHeap = heap;
  }
  // Each array in place, or copied into the next slot of the scratch block.
  let at = scratch;
  const pw = ownW ? w.byteOffset : copyIn(heap, w, n, at);
  if (!ownW) at += bytes;
  const pg = ownG ? g.byteOffset : copyIn(heap, g, n, at);
  if (!ownG) at += bytes;
  const pm = ownM ? m.byteOffset : copyIn(heap, m, n, at);
  if (!ownM) at += bytes;
  const pv = ownV ? v.byteOffset : copyIn(heap, v, n, at);
  const pool = state.pool;
  let finite: boolean;
  // Large parameters are cut into ranges over the worker threads: the update is elementwise, so the bits are the same.
  if (n >= THREADS_MIN && pool !== null && !pool.busy && state.canBlock) {
    const task = pool.begin().adam(pw, pg, pm, pv, n, c, keepAt);
    pool.runSync();
    finite = pool.result(task) === 1;
  } else finite = heap.exports.adamF32(pw, pg, pm, pv, n, c.b1, c.c1, c.b2, c.c2, c.k, c.r, c.eps, c.l2, c.s, keepAt) === 1;
  // w, m and v were written (g only read): copy the staged ones back.
  if (!ownW) w.set(new Float32Array(heap.buffer, pw, n));
  if (!ownM) m.set(new Float32Array(heap.buffer, pm, n));
  if (!ownV) v.set(new Float32Array(heap.buffer, pv, n));
  return finite;
}

/** One parameter's float32 Adam / AdamW update for {@link adamF32UpdateAll}. */
export interface AdamF32Job {
  w: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
  c: AdamF32Constants;
  /** Where the weights from before the update go, or null. */
  keep: Float32Array | null;
  /** Set by the update: whether every updated weight is finite. */
  finite: boolean;
}

/**
 * The updates of the first `count` entries of `jobs`, each as {@link adamF32Update} makes it
 * (its `finite` set) — as one job over the worker threads when they run and every array lives in
 * the kernels' memory (the fused path's parameters, gradients, moments and fit's backup), so the
 * threads share all the parameters' updates at once; else one after the other. The same bits either way.
 *
 * @example
 * ```ts
 * adamF32UpdateAll([{ w, g, m, v, c, keep: null, finite: true }], 1);
 * ```
 */
export function adamF32UpdateAll(jobs: readonly AdamF32Job[], count: number): void {
  const state = kernelState(false);
  const pool = state === null ? null : state.pool;
  let entries = 0;
  let inPlace = pool !== null && !pool.busy && state!.canBlock;
  for (let i = 0; i < count && inPlace; i++) {
    const j = jobs[i]!;
    const n = j.w.length;
    const heap = state!.heap;
    entries += n;
    inPlace = j.g.length >= n && j.m.length >= n && j.v.length >= n && heap.owns(j.w) && heap.owns(j.g) && heap.owns(j.m) && heap.owns(j.v) && (j.keep === null || heap.owns(j.keep));
  }
  if (!inPlace || entries < THREADS_MIN) {
    for (let i = 0; i < count; i++) {
      const j = jobs[i]!;
      j.finite = adamF32Update(j.w, j.g, j.m, j.v, j.c, j.keep);
    }
    return;
  }
  pool!.begin();
  for (let i = 0; i < count; i++) {
    const j = jobs[i]!;
    pool!.adam(j.w.byteOffset, j.g.byteOffset, j.m.byteOffset, j.v.byteOffset, j.w.length, j.c, j.keep === null ? 0 : j.keep.byteOffset);
  }
  pool!.runSync();
  // NOTE: the job holds only these tasks, numbered 0, 1, … in order.
  for (let i = 0; i < count; i++) jobs[i]!.finite = pool!.result(i) === 1;
}

/**
 * The TypeScript twin of the WebAssembly kernel: the same float32 operations in the same order,
 * each rounded with Math.fround (float64 +, −, ×, ÷ and √ of float32 values rounded once to
 * float32 give the float32 operation's result exactly), so the two paths agree bit for bit; with
 * `keep`, the weights from before the update copied there. Returns whether every updated weight is finite.
 *
 * @example
 * ```ts
 * adamF32Ts(w, g, m, v, adamF32Constants(1e-3, 0.9, 0.999, 1e-8, 1, 0, 1));   // true
 * ```
 */
export function adamF32Ts(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamF32Constants, keep: Float32Array | null = null): boolean {
  const f = Math.fround;
  const { b1, c1, b2, c2, k, r, eps, l2, s } = c;
  const scale = s !== 1;
  const penalty = l2 !== 0;
  if (keep !== null) keep.set(w);
  let finite = true;
  for (let i = 0; i < w.length; i++) {
    let wi = w[i]!;
    if (scale) wi = f(wi * s);
    let gi = g[i]!;
    if (penalty) gi = f(gi + f(l2 * wi));
    const mi = f(f(b1 * m[i]!) + f(c1 * gi));
    const vi = f(f(b2 * v[i]!) + f(f(c2 * gi) * gi));
    m[i] = mi;
    v[i] = vi;
    const den = f(f(f(Math.sqrt(vi)) / r) + eps);
    const next = f(wi + f(k * f(mi / den)));
    w[i] = next;
    if (!Number.isFinite(next)) finite = false;
  }
  return finite;
}

/** Copies the first n entries of x to byte address ptr of the heap; returns ptr. */
function copyIn(heap: WasmHeap, x: Float32Array, n: number, ptr: number): number {
  new Float32Array(heap.buffer, ptr, n).set(n === x.length ? x : x.subarray(0, n));
  return ptr;
}

/** Below this many entries the TypeScript loop is as fast as a kernel call. */
const WASM_MIN = 256;
/** From this many entries the update is shared with the worker threads (~16 µs of work on one core). */
const THREADS_MIN = 1 << 14;
let scratch = 0;
let scratchBytes = 0;
let scratchHeap: WasmHeap | null = null;
