import { Rng } from '../tensor/rng.js';
import { ThreadPool } from './thread-pool.js';
import type { FloatArray } from './types.js';

/** Matmul shapes the kernel tests sweep: odd sizes around every block edge. */
export const ODD_SHAPES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 1, 1], [1, 3, 17], [3, 1, 5], [17, 63, 3], [63, 17, 129], [129, 3, 63], [5, 129, 17],
  [4, 8, 4], [33, 300, 35], [129, 129, 129], [2, 257, 9],
];

/** The three layouts backprop uses plus Aᵀ·Bᵀ, as [transA, transB]. */
export const TRANSPOSES: ReadonlyArray<readonly [boolean, boolean]> = [
  [false, false], [false, true], [true, false], [true, true],
];

/** A typed array of `len` uniform numbers in [-1, 1) from `rng`. */
export function randomArray(ctor: Float32ArrayConstructor | Float64ArrayConstructor, len: number, rng: Rng): FloatArray {
  const x = new ctor(len);
  for (let i = 0; i < len; i++) x[i] = rng.uniformRange(-1, 1);
  return x;
}

/**
 * Largest error of `got` against `want`, each entry scaled by its own bound `scale[i]`
 * (Σ_p |a_ip·b_pj| + |c_old|, the natural float rounding scale of a dot product).
 */
export function maxScaledError(got: FloatArray, want: FloatArray, scale: FloatArray): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / Math.max(scale[i]!, 1e-30);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

/** Index of the first entry where two arrays differ bit-for-bit (as numbers), or -1. */
export function firstDifference(x: FloatArray, y: FloatArray): number {
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}

/** Runs `fn` and returns how many jobs it ran on the kernels' thread pool (ThreadPool.runSync calls). */
export function countJobs(fn: () => void): number {
  const runSync = ThreadPool.prototype.runSync;
  let jobs = 0;
  ThreadPool.prototype.runSync = function (this: ThreadPool) {
    jobs++;
    runSync.call(this);
  };
  try {
    fn();
  } finally {
    ThreadPool.prototype.runSync = runSync;
  }
  return jobs;
}
