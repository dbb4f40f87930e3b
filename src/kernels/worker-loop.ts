import type { GemmExports } from './wasm-heap.js';

/** The first (and only) message a matmul worker receives. */
export interface WorkerSetup {
  /** The compiled gemm module, instantiated again inside the worker. */
  module: WebAssembly.Module;
  /** The shared memory every thread works on. */
  memory: WebAssembly.Memory;
  /** Int32 index of this worker's 64 control slots (see {@link Slot}). */
  control: number;
}

/** Messages a matmul worker posts back. */
export type WorkerReply = { type: 'ready' } | { type: 'done'; seq: number } | { type: 'error'; message: string };

/**
 * Control-slot layout, one block of 64 int32 per worker in shared memory. The main thread writes
 * the arguments, bumps `Seq` and notifies; the worker runs the gemm, stores `Seq` into `Done` and
 * notifies back. `Seq = -1` asks the worker to stop.
 */
export const Slot = {
  Seq: 0, Done: 1, Fn: 2, A: 3, B: 4, C: 5, M: 6, K: 7, N: 8, TransA: 9, TransB: 10,
  Accumulate: 11, I0: 12, I1: 13, J0: 14, J1: 15, Ws: 16, PostDone: 17,
} as const;

/** Int32 slots per worker. */
export const SLOTS = 64;

/**
 * The body of a matmul worker (Node worker thread or Web Worker): instantiate the module on the
 * shared memory, say `ready`, then sleep in `Atomics.wait` until a job arrives, run it, and report
 * through shared memory (and by message when the job asks, for callers that cannot block).
 * Returns when told to stop.
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
  const ctl = new Int32Array(setup.memory.buffer, setup.control * 4, SLOTS);
  let seen = Atomics.load(ctl, Slot.Seq);
  post({ type: 'ready' });
  for (;;) {
    // NOTE: no spinning before the wait: on this shared 2-core machine a 2000-poll spin raised the
    // round trip of a tiny job from ~18 µs to ~53 µs (the spinner steals the core it waits for).
    Atomics.wait(ctl, Slot.Seq, seen);
    const seq = Atomics.load(ctl, Slot.Seq);
    if (seq === seen) continue;
    if (seq < 0) return;
    seen = seq;
    const run = ctl[Slot.Fn] === 0 ? gemm.sgemm : gemm.dgemm;
    run(
      ctl[Slot.A]! >>> 0, ctl[Slot.B]! >>> 0, ctl[Slot.C]! >>> 0, ctl[Slot.M]!, ctl[Slot.K]!, ctl[Slot.N]!,
      ctl[Slot.TransA]!, ctl[Slot.TransB]!, ctl[Slot.Accumulate]!,
      ctl[Slot.I0]!, ctl[Slot.I1]!, ctl[Slot.J0]!, ctl[Slot.J1]!, ctl[Slot.Ws]! >>> 0,
    );
    Atomics.store(ctl, Slot.Done, seq);
    Atomics.notify(ctl, Slot.Done);
    if (ctl[Slot.PostDone] === 1) post({ type: 'done', seq });
  }
}
