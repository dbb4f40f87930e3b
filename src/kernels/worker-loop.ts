import { CONTROL_BASE } from './wasm-heap.js';
import type { GemmExports } from './wasm-heap.js';

/** The first (and only) message a matmul worker receives. */
export interface WorkerSetup {
  /** The compiled gemm module, instantiated again inside the worker. */
  module: WebAssembly.Module;
  /** The shared memory every thread works on. */
  memory: WebAssembly.Memory;
  /** Index (in the control view) of this worker's block of {@link SLOTS} int32 slots. */
  self: number;
}

/** Messages a matmul worker posts back. */
export type WorkerReply = { type: 'ready' } | { type: 'done'; seq: number } | { type: 'error'; message: string };

/** Int32 slots per control block. */
export const SLOTS = 64;
/** Int32 slots of the whole control area (between CONTROL_BASE and HEAP_BASE). */
export const CONTROL_INTS = 15360;
/** Most worker threads a pool starts (blocks 1…MAX_WORKERS of the control area). */
export const MAX_WORKERS = 15;
/** Int32 slots per task in the task table. */
export const TASK_INTS = 32;
/** Where the task table starts (an int32 index in the control view), after the workers' blocks. */
export const TASKS_AT = (MAX_WORKERS + 1) * SLOTS;
/** Most tasks one job can hold. */
export const MAX_TASKS = Math.floor((CONTROL_INTS - TASKS_AT) / TASK_INTS);

/**
 * The job block (control slots 0…63): `Count` tasks in the task table, cut into `Chunks` chunks
 * in all (each task's own chunks numbered from its `First`). Every thread takes the next chunk
 * number with `Atomics.add` on `Next` until none is left, so a thread that gets less CPU
 * (another process, a throttled tab) simply does fewer chunks; `Gate` counts the workers inside
 * (see {@link CLOSED}). Tasks of one job are independent: a job is one phase of work between two
 * points where every thread in it has finished.
 */
export const Job = { Count: 0, Chunks: 1, Next: 2, Gate: 3 } as const;

/**
 * The `Gate` slot: the number of workers inside the current job, plus this bit once the calling
 * thread has closed it (it ran out of chunks). A worker joins only an open job (compare-exchange,
 * +1) and leaves it (−1) when no chunk is left; the calling thread waits only for the workers
 * inside — a worker that was not running when the job came (a busy machine) skips it entirely.
 */
export const CLOSED = 1 << 30;

/**
 * Entries per block of a sum of squares (`sumOfSquares` in elementwise.ts adds the blocks' sums in
 * order; a SumSquares task takes a chunk per block). A multiple of 4, the kernel's lanes.
 */
export const SQUARES_BLOCK = 1 << 14;

/** What a task does (the `Kind` slot). */
export const TaskKind = { Gemm: 0, Adam: 1, ColumnSums: 2, SumSquares: 3, Copy: 4, AllFinite: 5, Gather: 6 } as const;

/** After a gemm chunk, on the block of C it wrote (float32 only): nothing, bias, bias + relu, or the relu gradient. */
export const Epilogue = { None: 0, Bias: 1, BiasRelu: 2, ReluGrad: 3 } as const;

/**
 * Slots of a task (int32 index from the task's start; `F` names float32 slots, `D` the float64
 * result slot, read through views of the same memory):
 *
 * - every task: `Kind`, `Chunks`, `First` (number of its first chunk in the job);
 * - Gemm: C = op(A)·op(B) (+ C) cut into `Step` rows (`ByRows` = 1) or columns of `Len`;
 *   `PackedB` 0 or op(B) packed once for row chunks; `Epi` an {@link Epilogue} with `Bias`
 *   (b's address) and `Out` (a = relu(z) for BiasRelu, the z whose sign gates the gradient for ReluGrad);
 * - Adam: the float32 update of N entries of W, G, M, V in `Step`-entry chunks (multiples of 4),
 *   constants in float32 slots F0…F8 (β₁, 1 − β₁, β₂, 1 − β₂, k, r, ε, l2, s: asm/adam.ts); `K`
 *   0 or where the weights before the update go; `D` 1, set to 0 by a chunk whose new weights are not all finite;
 * - ColumnSums: S[j] = Σ_r D[r, j] of a Rows × Cols float32 matrix (one chunk);
 * - SumSquares: Σ X² of N float32 entries in float64, a chunk per block of SQUARES_BLOCK entries,
 *   each block's sum written to the float64 at byte address B + 8·chunk (added in order by the caller);
 * - Copy: N bytes from X to Y (one chunk per `Step` bytes);
 * - AllFinite: whether N float32 entries are all finite, 1 or 0 into the float64 slot `D` (one chunk);
 * - Gather: N rows of K bytes, row k of C from row idx[k] of A (idx: N int32 at B), `Step` rows per chunk.
 */
export const T = {
  Kind: 0, Chunks: 1, First: 2,
  Fn: 3, A: 4, B: 5, C: 6, M: 7, K: 8, N: 9, TransA: 10, TransB: 11, Accumulate: 12,
  ByRows: 13, Step: 14, Len: 15, PackedB: 16, Epi: 17, Bias: 18, Out: 19,
  F0: 20, D: 30,
} as const;

/**
 * A worker's block: the main thread bumps `Seq` and notifies; the worker joins the job if its gate
 * is still open, runs chunks, leaves (notifying the gate when it was the last) and posts a message
 * when `PostDone` = 1 (for callers that cannot block). `Seq` = −1
 * asks the worker to stop. `Ws` is its gemm workspace address.
 */
export const Slot = { Seq: 0, Ws: 2, PostDone: 3 } as const;

/** The control area as int32, float32 and float64 slots over a shared memory buffer. */
export interface ControlViews {
  i32: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
  /** Int32 view of the whole memory for a Gather task's row indices (re-made when the memory grows: see {@link refreshRows}). */
  rows: Int32Array;
  /** Float64 view of the whole memory for a SumSquares task's block sums (re-made with `rows`). */
  wide: Float64Array;
}

/** The control area's views (the area lies below the heap, so the views survive memory growth). */
export function controlViews(buffer: ArrayBufferLike): ControlViews {
  return {
    i32: new Int32Array(buffer, CONTROL_BASE, CONTROL_INTS),
    f32: new Float32Array(buffer, CONTROL_BASE, CONTROL_INTS),
    f64: new Float64Array(buffer, CONTROL_BASE, CONTROL_INTS / 2),
    rows: new Int32Array(buffer),
    wide: new Float64Array(buffer, 0, buffer.byteLength >> 3),
  };
}

/** Makes `ctl.rows` and `ctl.wide` cover all of `memory` again after it grew (a shared memory's old buffers keep their old length). */
export function refreshRows(ctl: ControlViews, memory: WebAssembly.Memory): void {
  if (ctl.rows.byteLength !== memory.buffer.byteLength) {
    ctl.rows = new Int32Array(memory.buffer);
    ctl.wide = new Float64Array(memory.buffer, 0, memory.buffer.byteLength >> 3);
  }
}

/**
 * How long a worker keeps polling for the next job before it sleeps in `Atomics.wait`, in ms.
 * Waking a sleeping worker costs ~100–150 µs on the 2-core VM (an idle virtual CPU must be
 * rescheduled: a 64³ product took 166 µs on two threads after 3 ms idle against 37 µs on one),
 * while training issues its large products a fraction of a millisecond apart. Polling 1 ms after
 * each job keeps the worker awake through a training step (MNIST W2: 0.20–0.21 s per epoch
 * against 0.23) and costs at most 1 ms of the other core after the last job.
 */
const SPIN_MS = 1;

/**
 * Polls `c[at]` while it holds `value`, for at most `ms`; returns what it holds then.
 *
 * Reads the clock once per {@link POLLS} loads: `performance.now()` makes a heap number each call
 * (~20 million a second in a tight loop), and that garbage had a polling matmul worker collect
 * every ~80 ms of training, V8's helper threads taking the cores mid-job.
 */
export function pollWhile(c: Int32Array, at: number, value: number, ms: number): number {
  const until = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < POLLS; i++) {
      const v = Atomics.load(c, at);
      if (v !== value) return v;
    }
    if (performance.now() >= until) return Atomics.load(c, at);
  }
}

/** Polls `c[at]` until it holds `value`, for at most `ms` (see {@link pollWhile}); returns what it holds then. */
export function pollUntil(c: Int32Array, at: number, value: number, ms: number): number {
  const until = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < POLLS; i++) {
      const v = Atomics.load(c, at);
      if (v === value) return v;
    }
    if (performance.now() >= until) return Atomics.load(c, at);
  }
}

/** Loads between two reads of the clock while polling (~1–2 µs). */
const POLLS = 1024;

/** Take and run chunks of the job in `ctl` until none is left (any thread, main included). */
export function runTasks(ex: GemmExports, ctl: ControlViews, ws: number): void {
  const c = ctl.i32;
  const count = c[Job.Count]!;
  const total = c[Job.Chunks]!;
  for (;;) {
    const g = Atomics.add(c, Job.Next, 1);
    if (g >= total) return;
    let t = TASKS_AT;
    for (let i = 1; i < count && c[TASKS_AT + i * TASK_INTS + T.First]! <= g; i++) t += TASK_INTS;
    runChunk(ex, ctl, t, g - c[t + T.First]!, ws);
  }
}

/** Chunk `chunk` of the task whose slots start at index `t` of the control view. */
function runChunk(ex: GemmExports, ctl: ControlViews, t: number, chunk: number, ws: number): void {
  const c = ctl.i32;
  switch (c[t + T.Kind]) {
    case TaskKind.Gemm: {
      const a = c[t + T.A]! >>> 0, b = c[t + T.B]! >>> 0, out = c[t + T.C]! >>> 0;
      const m = c[t + T.M]!, k = c[t + T.K]!, n = c[t + T.N]!;
      const step = c[t + T.Step]!, len = c[t + T.Len]!;
      const lo = chunk * step;
      const hi = Math.min(len, lo + step);
      const byRows = c[t + T.ByRows] === 1;
      const i0 = byRows ? lo : 0, i1 = byRows ? hi : m, j0 = byRows ? 0 : lo, j1 = byRows ? n : hi;
      const packed = byRows ? c[t + T.PackedB]! >>> 0 : 0;
      const epi = c[t + T.Epi]!;
      // NOTE: the epilogue (float32 only) on each register tile as it is stored: no second pass over the chunk.
      if (epi !== Epilogue.None && c[t + T.Fn] === 0) ex.sgemmEpi(a, b, out, m, k, n, c[t + T.TransA]!, c[t + T.TransB]!, c[t + T.Accumulate]!, i0, i1, j0, j1, ws, packed, epi, c[t + T.Bias]! >>> 0, c[t + T.Out]! >>> 0);
      else (c[t + T.Fn] === 0 ? ex.sgemm : ex.dgemm)(a, b, out, m, k, n, c[t + T.TransA]!, c[t + T.TransB]!, c[t + T.Accumulate]!, i0, i1, j0, j1, ws, packed);
      return;
    }
    case TaskKind.Adam: {
      const f = ctl.f32;
      const step = c[t + T.Step]!;
      const lo = chunk * step;
      const len = Math.min(step, c[t + T.N]! - lo);
      const at = lo * 4;
      const F = t + T.F0;
      const keep = c[t + T.K]! >>> 0;
      const finite = ex.adamF32((c[t + T.A]! >>> 0) + at, (c[t + T.B]! >>> 0) + at, (c[t + T.C]! >>> 0) + at, (c[t + T.Out]! >>> 0) + at, len,
        f[F]!, f[F + 1]!, f[F + 2]!, f[F + 3]!, f[F + 4]!, f[F + 5]!, f[F + 6]!, f[F + 7]!, f[F + 8]!, keep === 0 ? 0 : keep + at);
      // NOTE: every chunk that writes, writes 0; the job's end orders it before the caller reads.
      if (finite === 0) ctl.f64[(t + T.D) >> 1] = 0;
      return;
    }
    case TaskKind.ColumnSums:
      ex.columnSums32(c[t + T.A]! >>> 0, c[t + T.C]! >>> 0, c[t + T.M]!, c[t + T.N]!);
      return;
    case TaskKind.SumSquares: {
      const n = c[t + T.N]!;
      const lo = chunk * SQUARES_BLOCK;
      ctl.wide[((c[t + T.B]! >>> 0) >> 3) + chunk] = ex.sumSquares32((c[t + T.A]! >>> 0) + lo * 4, Math.min(SQUARES_BLOCK, n - lo));
      return;
    }
    case TaskKind.AllFinite:
      ctl.f64[(t + T.D) >> 1] = ex.allFinite32(c[t + T.A]! >>> 0, c[t + T.N]!);
      return;
    case TaskKind.Gather: {
      const step = c[t + T.Step]!;
      const width = c[t + T.K]!;
      const src = c[t + T.A]! >>> 0, dst = c[t + T.C]! >>> 0, idx = (c[t + T.B]! >>> 0) >> 2;
      const rows = ctl.rows;
      const hi = Math.min(c[t + T.N]!, (chunk + 1) * step);
      for (let k = chunk * step; k < hi; k++) ex.copyBytes(dst + k * width, src + rows[idx + k]! * width, width);
      return;
    }
    case TaskKind.Copy: {
      const step = c[t + T.Step]!;
      const lo = chunk * step;
      ex.copyBytes((c[t + T.C]! >>> 0) + lo, (c[t + T.A]! >>> 0) + lo, Math.min(step, c[t + T.N]! - lo));
      return;
    }
  }
}

/** Enters the posted job unless the calling thread has closed it already; true when entered. */
function join(c: Int32Array): boolean {
  for (;;) {
    const g = Atomics.load(c, Job.Gate);
    if ((g & CLOSED) !== 0) return false;
    if (Atomics.compareExchange(c, Job.Gate, g, g + 1) === g) return true;
  }
}

/**
 * The body of a matmul worker (Node worker thread or Web Worker): instantiate the module on the
 * shared memory, say `ready`, then sleep in `Atomics.wait` until a job arrives, run chunks of it,
 * and report through shared memory. Returns when told to stop.
 */
export function serveMatmul(setup: WorkerSetup, post: (reply: WorkerReply) => void): void {
  let ex: GemmExports;
  try {
    const instance = new WebAssembly.Instance(setup.module, {
      env: { memory: setup.memory, abort: () => { throw new Error('gemm aborted'); } },
    });
    ex = instance.exports as unknown as GemmExports;
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const ctl = controlViews(setup.memory.buffer);
  const c = ctl.i32;
  const me = setup.self;
  let seen = Atomics.load(c, me + Slot.Seq);
  post({ type: 'ready' });
  for (;;) {
    pollWhile(c, me + Slot.Seq, seen, SPIN_MS);
    Atomics.wait(c, me + Slot.Seq, seen);
    const seq = Atomics.load(c, me + Slot.Seq);
    if (seq === seen) continue;
    if (seq < 0) return;
    seen = seq;
    if (join(c)) {
      refreshRows(ctl, setup.memory);
      runTasks(ex, ctl, c[me + Slot.Ws]! >>> 0);
      if (Atomics.sub(c, Job.Gate, 1) === CLOSED + 1) Atomics.notify(c, Job.Gate);
      if (c[me + Slot.PostDone] === 1) post({ type: 'done', seq });
    }
  }
}
