import { allFinite, sumOfSquares } from './elementwise.js';
import { kernelState } from './kernel-state.js';
import type { ThreadPool } from './thread-pool.js';
import type { FloatArray } from './types.js';

/**
 * Whole-array passes of a training step's bookkeeping (fit's gradient norm, weight backup,
 * finiteness check and batch rows) as jobs on the worker threads when every array is float32 in
 * the kernels' memory — the fused path's gradients and parameters — and the threads run: the
 * pieces are independent, so both threads share them. Elsewhere (float64, ordinary arrays, no threads, too
 * little work) they run one after the other on this thread. The numbers are the same either way:
 * each sum of squares is one kernel call over its whole array, as `sumOfSquares` does.
 */

/** Below this many entries in all, a job costs more than it saves. */
const JOB_MIN = 1 << 15;
/** A gather of fewer entries than this copies on this thread. */
const GATHER_MIN = 1 << 13;
/** The finiteness test cuts an array into pieces of about this many entries (a boolean has no order to keep). */
const PIECE = 1 << 15;

/** Rows to gather in {@link arrayPasses}: row k of each `out` from row idx[k] of its `src` (`width` numbers per row). */
export interface RowGather {
  parts: ReadonlyArray<readonly [src: FloatArray, width: number, out: FloatArray]>;
  idx: Int32Array;
}

/**
 * `sums[i]` = Σ x² over `squares[i]` (0 for null; `sumOfSquares`'s number, bit for bit), each
 * `[from, to]` of `copies` copied (same length and type), and the rows of `gather` gathered — as
 * one job when the threads can take it (every array float32 in the kernels' memory), so that the
 * threads share independent passes: fit gathers the next batch's rows while the threads sum the
 * gradients' squares. Else one after the other on this thread.
 *
 * @example
 * ```ts
 * arrayPasses(params.map((p) => p.grad?.data ?? null), sums, [], { parts: [[trainX, 784, spareX]], idx: nextRows });
 * ```
 */
export function arrayPasses(squares: ReadonlyArray<FloatArray | null>, sums: Float64Array, copies: ReadonlyArray<readonly [FloatArray, FloatArray]>, gather: RowGather | null = null): void {
  let pool = idlePool();
  let entries = 0;
  for (let i = 0; i < squares.length && pool !== null; i++) {
    const x = squares[i]!;
    if (x === null) continue;
    if (!inMemory(x)) pool = null;
    entries += x.length;
  }
  for (let i = 0; i < copies.length && pool !== null; i++) {
    const [from, to] = copies[i]!;
    if (!inMemory(from) || !inMemory(to)) pool = null;
    entries += from.length;
  }
  const rows = gather === null ? 0 : gather.idx.length;
  let gathered = 0;
  for (let i = 0; gather !== null && i < gather.parts.length && pool !== null; i++) {
    const [src, width, out] = gather.parts[i]!;
    if (!inMemory(src) || !inMemory(out)) pool = null;
    gathered += width * rows;
  }
  if (pool === null || (entries + gathered < JOB_MIN && gathered < GATHER_MIN)) {
    for (let i = 0; i < squares.length; i++) sums[i] = squares[i] === null ? 0 : sumOfSquares(squares[i]!);
    for (const [from, to] of copies) to.set(from);
    if (gather !== null) gatherHere(gather);
    return;
  }
  const at = gathered > 0 ? indexBlock(pool, rows) : 0;
  if (gathered > 0) new Int32Array(pool.heap.buffer, at, rows).set(gather!.idx);
  pool.begin();
  // NOTE: the long sums first, so that one thread starts on them while the other takes the rest.
  for (const x of squares) if (x !== null) pool.sumSquares(x.byteOffset, x.length);
  for (const [from, to] of copies) pool.copy(to.byteOffset, from.byteOffset, from.byteLength);
  if (gathered > 0) for (const [src, width, out] of gather!.parts) pool.gather(src.byteOffset, out.byteOffset, at, rows, width * 4);
  pool.runSync();
  // NOTE: the sums are tasks 0, 1, … in the order of the arrays that are not null.
  let task = 0;
  for (let i = 0; i < squares.length; i++) sums[i] = squares[i] === null ? 0 : pool.result(task++);
}

/**
 * Index of the first array with a NaN or ±∞ entry, or −1 when all are finite; one job (large
 * arrays cut into pieces) when the threads can take it.
 *
 * @example
 * ```ts
 * firstNonFiniteOf(model.parameters().map((p) => p.data));   // −1 after a healthy step
 * ```
 */
export function firstNonFiniteOf(arrays: readonly FloatArray[]): number {
  let pool = idlePool();
  let entries = 0;
  for (let i = 0; i < arrays.length && pool !== null; i++) {
    if (!inMemory(arrays[i]!)) pool = null;
    entries += arrays[i]!.length;
  }
  if (pool === null || entries < JOB_MIN) {
    for (let i = 0; i < arrays.length; i++) if (!allFinite(arrays[i]!)) return i;
    return -1;
  }
  pool.begin();
  for (const x of arrays) for (let at = 0; at < x.length; at += PIECE) pool.allFinite(x.byteOffset + at * 4, Math.min(PIECE, x.length - at));
  pool.runSync();
  // NOTE: the pieces are tasks 0, 1, … array by array, in order.
  let task = 0;
  for (let i = 0; i < arrays.length; i++) {
    for (let at = 0; at < arrays[i]!.length; at += PIECE) if (pool.result(task++) !== 1) return i;
  }
  return -1;
}

/**
 * Rows `idx` of each `[src, width, out]`: row k of `out` from row idx[k] of `src` (`width` numbers
 * per row, same element type) — as one job when the threads can take it (every array float32 in
 * the kernels' memory; the training data there too), the rows shared by the threads, else a
 * native copy per row here.
 *
 * @example
 * ```ts
 * gatherRowsOf([[trainX, 784, xb], [trainT, 10, tb]], order.subarray(0, 64));
 * ```
 */
export function gatherRowsOf(parts: ReadonlyArray<readonly [FloatArray, number, FloatArray]>, idx: Int32Array): void {
  let pool = idlePool();
  let entries = 0;
  for (let i = 0; i < parts.length && pool !== null; i++) {
    const [src, width, out] = parts[i]!;
    if (!inMemory(src) || !inMemory(out)) pool = null;
    entries += width * idx.length;
  }
  ONE.parts = parts;
  ONE.idx = idx;
  if (pool === null || entries < GATHER_MIN) gatherHere(ONE);
  else arrayPasses(NONE, NO_SUMS, NONE, ONE);
}

/** gatherRowsOf's argument to arrayPasses, reused; no sums, no copies. */
const ONE: RowGather = { parts: [], idx: new Int32Array(0) };
const NONE: never[] = [];
const NO_SUMS = new Float64Array(0);

/** The rows of `gather` copied on this thread: a native copy per row, a loop for narrow rows (targets). */
function gatherHere({ parts, idx }: RowGather): void {
  for (const [src, width, out] of parts) {
    for (let k = 0; k < idx.length; k++) {
      const from = idx[k]! * width;
      const to = k * width;
      if (width < 64) for (let j = 0; j < width; j++) out[to + j] = src[from + j]!;
      else out.set(src.subarray(from, from + width), to);
    }
  }
}

let indices = 0;
let indexCapacity = 0;

/** A grow-only block of the heap for `n` row indices. */
function indexBlock(pool: ThreadPool, n: number): number {
  if (n > indexCapacity) {
    if (indexCapacity > 0) pool.heap.release(indices);
    indices = pool.heap.alloc(n * 4);
    indexCapacity = n;
  }
  return indices;
}

/** The thread pool when a job may run on it from this thread now, else null. */
function idlePool(): ThreadPool | null {
  const state = kernelState(false);
  const pool = state === null ? null : state.pool;
  return pool !== null && !pool.busy && state!.canBlock ? pool : null;
}

/** Whether `x` is float32 in the kernels' memory (a task can read or write it in place). */
function inMemory(x: FloatArray): boolean {
  return x instanceof Float32Array && kernelState(false)!.heap.owns(x);
}
