import { kernelState } from './kernel-state.js';

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
 * The constants of update number `t` (1 on the first) from the optimizer's settings.
 *
 * @example
 * ```ts
 * const c = adamF32Constants(1e-3, 0.9, 0.999, 1e-8, 1, 0, 1);
 * ```
 */
export function adamF32Constants(lr: number, beta1: number, beta2: number, eps: number, t: number, l2: number, decay: number): AdamF32Constants {
  const f = Math.fround;
  return {
    b1: f(beta1), c1: f(1 - beta1), b2: f(beta2), c2: f(1 - beta2),
    k: f(-lr / (1 - beta1 ** t)), r: f(Math.sqrt(1 - beta2 ** t)), eps: f(eps), l2: f(l2), s: f(decay),
  };
}

/**
 * One float32 Adam / AdamW update of w (in place) from gradient g and moments m, v (in place),
 * in float32 arithmetic (asm/adam.ts gives the order of operations). Runs the WebAssembly SIMD
 * kernel once the kernels are loaded — arrays in their memory are used in place (see
 * `kernelResident`), others are copied in and out — and {@link adamF32Ts} otherwise: both give
 * the same bits.
 *
 * @example
 * ```ts
 * adamF32Update(w, g, m, v, adamF32Constants(1e-3, 0.9, 0.999, 1e-8, t, 0, 1));
 * ```
 */
export function adamF32Update(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamF32Constants): void {
  const n = w.length;
  const state = n >= WASM_MIN ? kernelState(false) : null;
  if (state === null || g.length < n || m.length < n || v.length < n) {
    adamF32Ts(w, g, m, v, c);
    return;
  }
  const heap = state.heap;
  const arrays = [w, g, m, v];
  const bytes = Math.ceil((n * 4) / 64) * 64;
  let need = 0;
  for (const x of arrays) if (!heap.owns(x)) need += bytes;
  if (need > scratchBytes || scratchHeap !== heap) {
    if (scratchBytes > 0 && scratchHeap === heap) heap.release(scratch);
    scratch = heap.alloc(need);
    scratchBytes = need;
    scratchHeap = heap;
  }
  const buffer = heap.buffer;
  const ptrs = [0, 0, 0, 0];
  const staged = [false, false, false, false];
  let at = scratch;
  for (let i = 0; i < 4; i++) {
    const x = arrays[i]!;
    if (heap.owns(x)) ptrs[i] = x.byteOffset;
    else {
      ptrs[i] = at;
      staged[i] = true;
      new Float32Array(buffer, at, n).set(x.subarray(0, n));
      at += bytes;
    }
  }
  heap.exports.adamF32(ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, n, c.b1, c.c1, c.b2, c.c2, c.k, c.r, c.eps, c.l2, c.s);
  // NOTE: w, m and v were written (g only read): copy the staged ones back.
  for (const i of [0, 2, 3]) if (staged[i]) arrays[i]!.set(new Float32Array(buffer, ptrs[i]!, n));
}

/**
 * The TypeScript twin of the WebAssembly kernel: the same float32 operations in the same order,
 * each rounded with Math.fround (float64 +, −, ×, ÷ and √ of float32 values rounded once to
 * float32 give the float32 operation's result exactly), so the two paths agree bit for bit.
 *
 * @example
 * ```ts
 * adamF32Ts(w, g, m, v, adamF32Constants(1e-3, 0.9, 0.999, 1e-8, 1, 0, 1));
 * ```
 */
export function adamF32Ts(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamF32Constants): void {
  const f = Math.fround;
  const { b1, c1, b2, c2, k, r, eps, l2, s } = c;
  const scale = s !== 1;
  const penalty = l2 !== 0;
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
    w[i] = wi + f(k * f(mi / den));
  }
}

/** Below this many entries the TypeScript loop is as fast as a kernel call. */
const WASM_MIN = 256;
let scratch = 0;
let scratchBytes = 0;
let scratchHeap: unknown = null;
