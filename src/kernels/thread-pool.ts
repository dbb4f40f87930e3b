import { BackpropError } from '../errors.js';
import type { WasmHeap } from './wasm-heap.js';
import { Job, SLOTS, Slot, controlView, runChunks } from './worker-loop.js';
import type { WorkerReply, WorkerSetup } from './worker-loop.js';

/** What the pool needs of a worker, in Node or in a browser. */
export interface WorkerHandle {
  post(setup: WorkerSetup): void;
  onMessage(listener: (reply: WorkerReply) => void): void;
  /** Let the process exit while the worker lives (Node); a no-op in browsers. */
  unref(): void;
  /** Keep the process alive while the worker lives (Node), for the span of an async job. */
  ref(): void;
  terminate(): void;
}

/** Register tile sizes of asm/gemm.ts: row splits align to MR, column splits to 8 (f32 NR). */
const MR = 4;
const NR = 8;

/**
 * Worker threads sharing one WebAssembly memory with the calling thread, splitting one gemm into
 * chunks of rows (or of columns when C is wide and short) that every thread — the calling one
 * included, so `threads` = workers + 1 — takes one by one until none is left: a thread that gets
 * less CPU does fewer chunks. Jobs travel through shared-memory control slots with `Atomics`, not
 * messages: a job costs a futex wake-up (tens of µs), not a structured clone.
 *
 * Two ways to wait: {@link ThreadPool.runSync} blocks in `Atomics.wait` (Node's main thread, any
 * worker) and {@link ThreadPool.runAsync} returns a promise (a browser's main thread, where
 * blocking is forbidden). One job at a time; `busy` tells whether one is in flight.
 */
export class ThreadPool {
  /** True while an async job is in flight (sync callers then use one thread). */
  busy = false;
  private readonly ctl: Int32Array;
  private readonly waiters = new Map<number, () => void>();
  private seq = 0;
  private packed = 0;
  private packedBytes = 0;
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    readonly heap: WasmHeap,
    private readonly workers: WorkerHandle[],
    private readonly workspaces: number[],
  ) {
    this.ctl = controlView(heap.buffer);
    workers.forEach((_, t) => {
      this.ctl[(t + 1) * SLOTS + Slot.Ws] = workspaces[t + 1]!;
    });
    workers.forEach((w, t) => {
      w.onMessage((reply) => {
        if (reply.type === 'done') this.waiters.get(t)?.();
      });
      w.unref();
    });
  }

  /** Threads a job is split over (workers + the calling thread). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Start `threads − 1` workers on `heap` (which must be shared) and wait until each has
   * instantiated the module.
   */
  static async create(heap: WasmHeap, threads: number, spawn: () => WorkerHandle): Promise<ThreadPool> {
    if (!heap.shared) throw new BackpropError('unsupported', 'ThreadPool: the WASM heap is not on shared memory');
    const count = Math.max(0, Math.min(15, Math.floor(threads) - 1));
    const workers: WorkerHandle[] = [];
    const ready: Array<Promise<void>> = [];
    const wsBytes = heap.exports.gemmWorkspaceBytes();
    const workspaces = [heap.alloc(wsBytes)];
    for (let t = 0; t < count; t++) {
      const w = spawn();
      workers.push(w);
      workspaces.push(heap.alloc(wsBytes));
      ready.push(new Promise<void>((resolve, reject) => {
        w.onMessage((reply) => {
          if (reply.type === 'ready') resolve();
          else if (reply.type === 'error') reject(new BackpropError('unsupported', `matmul worker ${t}: ${reply.message}`));
        });
      }));
      w.post({ module: heap.module, memory: heap.memory, self: (t + 1) * SLOTS });
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      workers.forEach((w) => w.terminate());
      throw e;
    }
    return new ThreadPool(heap, workers, workspaces);
  }

  /** Run a staged gemm on all threads and block until done (needs `Atomics.wait` on this thread). */
  runSync(fn: 0 | 1, a: number, b: number, c: number, m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean): void {
    const seq = this.dispatch(fn, a, b, c, m, k, n, transA, transB, accumulate, false);
    const ctl = this.ctl;
    for (let t = 0; t < this.workers.length; t++) {
      const at = (t + 1) * SLOTS + Slot.Done;
      let done: number;
      while ((done = Atomics.load(ctl, at)) !== seq) Atomics.wait(ctl, at, done);
    }
  }

  /** Run a staged gemm on all threads; the promise settles when every worker is done. */
  runAsync(fn: 0 | 1, a: number, b: number, c: number, m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean): Promise<void> {
    const job = this.tail.then(async () => {
      this.busy = true;
      // NOTE: an unref'd worker would let Node exit while this promise waits for its message.
      for (const w of this.workers) w.ref();
      try {
        const pending = this.workers.map((_, t) => new Promise<void>((resolve) => this.waiters.set(t, resolve)));
        const seq = this.dispatch(fn, a, b, c, m, k, n, transA, transB, accumulate, true);
        // A worker may have finished before its message listener mattered: check the slots too.
        await Promise.all(pending.map((p, t) => Atomics.load(this.ctl, (t + 1) * SLOTS + Slot.Done) === seq ? undefined : p));
      } finally {
        for (const w of this.workers) w.unref();
        this.waiters.clear();
        this.busy = false;
      }
    });
    this.tail = job.catch(() => undefined);
    return job;
  }

  /** Stop and terminate every worker. The pool is unusable afterwards. */
  terminate(): void {
    for (let t = 0; t < this.workers.length; t++) {
      Atomics.store(this.ctl, (t + 1) * SLOTS + Slot.Seq, -1);
      Atomics.notify(this.ctl, (t + 1) * SLOTS + Slot.Seq);
      this.workers[t]!.terminate();
    }
    this.workers.length = 0;
  }

  /** Pack the whole op(B) into the pool's grow-only buffer; returns its address. */
  private packB(fn: 0 | 1, b: number, k: number, n: number, transB: boolean): number {
    const ex = this.heap.exports;
    const bytes = ex.packedBBytes(k, n, fn === 0 ? 4 : 8);
    if (bytes > this.packedBytes) {
      if (this.packedBytes > 0) this.heap.release(this.packed);
      this.packed = this.heap.alloc(bytes);
      this.packedBytes = bytes;
    }
    (fn === 0 ? ex.spackB : ex.dpackB)(b, k, n, transB ? 1 : 0, this.packed);
    return this.packed;
  }

  /** Post the job, wake the workers, take chunks here too; returns the job's sequence number. */
  private dispatch(fn: 0 | 1, a: number, b: number, c: number, m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean, postDone: boolean): number {
    const threads = this.threads;
    const byRows = m >= n || n < threads * NR;
    const len = byRows ? m : n;
    const unit = byRows ? MR : NR;
    // NOTE: 4 chunks per thread on large products, 2 on smaller ones (column chunks each re-pack
    // all of op(A); row chunks share one packed op(B)).
    const perThread = m * k * n >= 1 << 23 ? 8 : 2;
    const step = Math.max(unit, Math.ceil(len / (threads * perThread) / unit) * unit);
    const ctl = this.ctl;
    ctl[Job.Fn] = fn;
    ctl[Job.A] = a; ctl[Job.B] = b; ctl[Job.C] = c;
    ctl[Job.M] = m; ctl[Job.K] = k; ctl[Job.N] = n;
    ctl[Job.TransA] = transA ? 1 : 0;
    ctl[Job.TransB] = transB ? 1 : 0;
    ctl[Job.Accumulate] = accumulate ? 1 : 0;
    ctl[Job.ByRows] = byRows ? 1 : 0;
    ctl[Job.Step] = step;
    ctl[Job.Len] = len;
    const chunks = Math.ceil(len / step);
    ctl[Job.Chunks] = chunks;
    // Row chunks all need the whole op(B): pack it once here rather than once per chunk.
    ctl[Job.PackedB] = byRows && chunks > 1 && k > 0 ? this.packB(fn, b, k, n, transB) : 0;
    Atomics.store(ctl, Job.Next, 0);
    const seq = ++this.seq;
    for (let t = 0; t < this.workers.length; t++) {
      const base = (t + 1) * SLOTS;
      ctl[base + Slot.PostDone] = postDone ? 1 : 0;
      Atomics.store(ctl, base + Slot.Seq, seq);
      Atomics.notify(ctl, base + Slot.Seq);
    }
    runChunks(this.heap.exports, ctl, this.workspaces[0]!);
    return seq;
  }
}
