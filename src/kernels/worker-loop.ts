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
/** Int32 slots of the whole control area (between CONTROL_BASE and HEAP_BASE: 239 workers). */
export const CONTROL_INTS = 15360;

/**
 * The job block (control slots 0…63): the gemm arguments and how C is cut into chunks — `Chunks`
 * pieces of `Step` rows (`ByRows` = 1) or columns, out of `Len`. Every thread takes the next chunk
 * with `Atomics.add` on `Next` until none is left, so a thread that gets less CPU (another
 * process, a throttled tab) simply does fewer chunks. `PackedB` is 0, or (row chunks only) the
 * address of op(B) packed once for all threads.
 */
export const Job = {
  Fn: 0, A: 1, B: 2, C: 3, M: 4, K: 5, N: 6, TransA: 7, TransB: 8, Accumulate: 9,
  ByRows: 10, Step: 11, Len: 12, Chunks: 13, Next: 14, PackedB: 15,
} as const;

/**
 * A worker's block: the main thread bumps `Seq` and notifies; the worker runs chunks, stores `Seq`
 * into `Done` and notifies back (and posts a message when `PostDone` = 1, for callers that cannot
 * block). `Seq` = −1 asks the worker to stop. `Ws` is its gemm workspace address.
 */
export const Slot = { Seq: 0, Done: 1, Ws: 2, PostDone: 3 } as const;

/** The control area as int32 slots over a shared memory buffer. */
export function controlView(buffer: ArrayBufferLike): Int32Array {
  return new Int32Array(buffer, CONTROL_BASE, CONTROL_INTS);
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

/** Take and compute chunks of the job in `ctl` until none is left (any thread, main included). */
export function runChunks(gemm: GemmExports, ctl: Int32Array, ws: number): void {
  const run = ctl[Job.Fn] === 0 ? gemm.sgemm : gemm.dgemm;
  const a = ctl[Job.A]! >>> 0, b = ctl[Job.B]! >>> 0, c = ctl[Job.C]! >>> 0;
  const m = ctl[Job.M]!, k = ctl[Job.K]!, n = ctl[Job.N]!;
  const tA = ctl[Job.TransA]!, tB = ctl[Job.TransB]!, acc = ctl[Job.Accumulate]!;
  const byRows = ctl[Job.ByRows] === 1;
  const step = ctl[Job.Step]!, len = ctl[Job.Len]!, chunks = ctl[Job.Chunks]!;
  const packedB = ctl[Job.PackedB]! >>> 0;
  for (;;) {
    const chunk = Atomics.add(ctl, Job.Next, 1);
    if (chunk >= chunks) return;
    const lo = chunk * step;
    const hi = Math.min(len, lo + step);
    if (byRows) run(a, b, c, m, k, n, tA, tB, acc, lo, hi, 0, n, ws, packedB);
    else run(a, b, c, m, k, n, tA, tB, acc, 0, m, lo, hi, ws, 0);
  }
}

/**
 * The body of a matmul worker (Node worker thread or Web Worker): instantiate the module on the
 * shared memory, say `ready`, then sleep in `Atomics.wait` until a job arrives, run chunks of it,
 * and report through shared memory. Returns when told to stop.
 */
export function serveMatmul(setup: WorkerSetup, post: (reply: WorkerReply) => void): void {
  let gemm: GemmExports;
  try {
    const instance = new WebAssembly.Instance(setup.module, {
      env: { memory: setup.memory, abort: () => { throw new Error('gemm aborted'); } },
    });
    gemm = instance.exports as unknown as GemmExports;
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const ctl = controlView(setup.memory.buffer);
  const me = setup.self;
  let seen = Atomics.load(ctl, me + Slot.Seq);
  post({ type: 'ready' });
  for (;;) {
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, me + Slot.Seq) === seen && performance.now() < spinUntil) {
      // poll (see SPIN_MS)
    }
    Atomics.wait(ctl, me + Slot.Seq, seen);
    const seq = Atomics.load(ctl, me + Slot.Seq);
    if (seq === seen) continue;
    if (seq < 0) return;
    seen = seq;
    runChunks(gemm, ctl, ctl[me + Slot.Ws]! >>> 0);
    Atomics.store(ctl, me + Slot.Done, seq);
    Atomics.notify(ctl, me + Slot.Done);
    if (ctl[me + Slot.PostDone] === 1) post({ type: 'done', seq });
  }
}
