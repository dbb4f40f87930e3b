import { BackpropError } from '../errors.js';
import type { AdamF32Constants } from './adam.js';
import { StallPolicy } from './stall-policy.js';
import type { WasmHeap } from './wasm-heap.js';
import { CLOSED, Epilogue, Job, MAX_TASKS, MAX_WORKERS, SLOTS, SQUARES_BLOCK, Slot, T, TASKS_AT, TASK_INTS, TaskKind, controlViews, pollUntil, refreshRows, runTasks, type ControlViews } from './worker-loop.js';
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

/** Options of one product in a job (see {@link ThreadPool.gemm}). */
export interface GemmTaskOptions {
  /** Chunks per thread (default: 8 for products of 2²³ multiply-adds or more, else 2). */
  chunksPerThread?: number;
  /** float32 only: what to do to each chunk of C once computed (see {@link Epilogue}). */
  epilogue?: (typeof Epilogue)[keyof typeof Epilogue];
  /** Byte address of the bias b (Bias, BiasRelu). */
  bias?: number;
  /** Byte address of a = relu(z) (BiasRelu), or of the z whose sign gates the gradient (ReluGrad). */
  out?: number;
}

/**
 * How long the calling thread polls for the workers' last chunks before sleeping in
 * `Atomics.wait`, in ms: a worker that finishes within a training step's product is seen at once
 * instead of after a futex wake-up (tens to hundreds of µs on a virtual CPU).
 */
const WAIT_SPIN_MS = 2;

/**
 * Worker threads sharing one WebAssembly memory with the calling thread. A job is a list of
 * independent tasks — products (cut into chunks of rows or columns of C, with an optional
 * elementwise epilogue on each chunk), float32 Adam updates (cut into ranges), column sums, sums
 * of squares, copies — whose chunks every thread (the calling one included, so `threads` =
 * workers + 1) takes one by one until none is left: a thread that gets less CPU does fewer
 * chunks. Tasks and chunks travel through shared-memory control slots with `Atomics`, not
 * messages: a job costs a store and a notify, and a worker that is still polling (see
 * worker-loop.ts) starts within microseconds.
 *
 * Build a job with {@link ThreadPool.begin} and the task methods, then run it with
 * {@link ThreadPool.runSync}, which blocks in `Atomics.wait` (Node's main thread, any worker).
 * {@link ThreadPool.runGemmAsync} runs one product and returns a promise (a browser's main
 * thread, where blocking is forbidden). One job at a time; `busy` tells whether an async one is in flight.
 *
 * Every task splits its output, never a sum: results do not depend on the number of threads.
 */
export class ThreadPool {
  /** True while an async job is in flight (sync callers then use one thread). */
  busy = false;
  private readonly ctl: ControlViews;
  /** Settles an async job once the last worker has left it. */
  private idle: (() => void) | null = null;
  private seq = 0;
  private count = 0;
  private chunks = 0;
  /** Packed op(B) buffers, one per task slot that needed one (grow-only). */
  private readonly packed: Array<{ ptr: number; bytes: number }> = [];
  private tail: Promise<void> = Promise.resolve();
  /** Where a job's SumSquares tasks write their blocks' sums (float64, grow-only; `used` by the job being built). */
  private blockSums = { ptr: 0, capacity: 0, used: 0 };
  /** Outgrown blocks of sums still read by the job being built, released when the next one begins. */
  private readonly stale: number[] = [];
  /** When jobs run on the calling thread alone, after a worker stalled one (see stall-policy.ts). */
  private readonly stalls = new StallPolicy();

  private constructor(
    readonly heap: WasmHeap,
    private readonly workers: WorkerHandle[],
    private readonly workspaces: number[],
  ) {
    this.ctl = controlViews(heap.buffer);
    workers.forEach((_, t) => {
      this.ctl.i32[(t + 1) * SLOTS + Slot.Ws] = workspaces[t + 1]!;
    });
    workers.forEach((w) => {
      w.onMessage((reply) => {
        if (reply.type === 'done' && Atomics.load(this.ctl.i32, Job.Gate) === CLOSED) this.idle?.();
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
    const count = Math.max(0, Math.min(MAX_WORKERS, Math.floor(threads) - 1));
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

  /** Starts building a job (forgets the tasks of the previous one). */
  begin(): this {
    this.count = 0;
    this.chunks = 0;
    this.blockSums.used = 0;
    for (const ptr of this.stale) this.heap.release(ptr);
    this.stale.length = 0;
    return this;
  }

  /**
   * Adds C (m×n) = op(A)·op(B) (+ C) on byte addresses in the heap (`fn` 0 float32, 1 float64),
   * cut into chunks of rows (C taller than wide, or too narrow to split; op(B) then packed once
   * here for all of them) or of columns. See {@link GemmTaskOptions} for the epilogue.
   */
  gemm(fn: 0 | 1, a: number, b: number, c: number, m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean, options: GemmTaskOptions = {}): this {
    const threads = this.threads;
    const byRows = m >= n || n < threads * NR;
    const len = byRows ? m : n;
    const unit = byRows ? MR : NR;
    // NOTE: several chunks per thread balance the threads when one gets less CPU; column chunks
    // each re-pack all of op(A), row chunks share one packed op(B).
    const perThread = options.chunksPerThread ?? (m * k * n >= 1 << 23 ? 8 : 2);
    const step = Math.max(unit, Math.ceil(len / (threads * perThread) / unit) * unit);
    const chunks = Math.ceil(len / step);
    const t = this.add(TaskKind.Gemm, chunks);
    const s = this.ctl.i32;
    s[t + T.Fn] = fn;
    s[t + T.A] = a; s[t + T.B] = b; s[t + T.C] = c;
    s[t + T.M] = m; s[t + T.K] = k; s[t + T.N] = n;
    s[t + T.TransA] = transA ? 1 : 0;
    s[t + T.TransB] = transB ? 1 : 0;
    s[t + T.Accumulate] = accumulate ? 1 : 0;
    s[t + T.ByRows] = byRows ? 1 : 0;
    s[t + T.Step] = step;
    s[t + T.Len] = len;
    s[t + T.Epi] = options.epilogue ?? Epilogue.None;
    s[t + T.Bias] = options.bias ?? 0;
    s[t + T.Out] = options.out ?? 0;
    // Row chunks all need the whole op(B): pack it once here rather than once per chunk.
    s[t + T.PackedB] = byRows && chunks > 1 && k > 0 ? this.packB(this.count - 1, fn, b, k, n, transB) : 0;
    return this;
  }

  /**
   * Adds the float32 Adam update of n entries (asm/adam.ts) in ranges of whole SIMD vectors; with
   * `keep` (a byte address, 0 for none) the weights from before it are copied there, and
   * {@link result} of the task is 1 when every updated weight is finite, else 0. Returns the task's number.
   */
  adam(w: number, g: number, m: number, v: number, n: number, c: AdamF32Constants, keep = 0): number {
    const step = Math.max(4096, Math.ceil(n / (this.threads * 2) / 4) * 4);
    const t = this.add(TaskKind.Adam, Math.ceil(n / step));
    const s = this.ctl.i32;
    s[t + T.A] = w; s[t + T.B] = g; s[t + T.C] = m; s[t + T.Out] = v; s[t + T.K] = keep;
    s[t + T.N] = n;
    s[t + T.Step] = step;
    this.ctl.f64[(t + T.D) >> 1] = 1;
    const f = this.ctl.f32;
    const F = t + T.F0;
    f[F] = c.b1; f[F + 1] = c.c1; f[F + 2] = c.b2; f[F + 3] = c.c2; f[F + 4] = c.k;
    f[F + 5] = c.r; f[F + 6] = c.eps; f[F + 7] = c.l2; f[F + 8] = c.s;
    return this.count - 1;
  }

  /** Adds s[j] = Σ_r d[r, j] for a rows × cols float32 matrix (one chunk). */
  columnSums(d: number, s: number, rows: number, cols: number): this {
    const t = this.add(TaskKind.ColumnSums, 1);
    const x = this.ctl.i32;
    x[t + T.A] = d; x[t + T.C] = s; x[t + T.M] = rows; x[t + T.N] = cols;
    return this;
  }

  /**
   * Adds Σ x² over n float32 entries, a chunk per block of `sumOfSquares` (so threads share a long
   * sum); {@link result} gives its number, bit for bit, after the run. Returns the task's number.
   */
  sumSquares(x: number, n: number): number {
    const chunks = Math.max(1, Math.ceil(n / SQUARES_BLOCK));
    if (this.blockSums.used + chunks > this.blockSums.capacity) this.growBlockSums(this.blockSums.used + chunks);
    const t = this.add(TaskKind.SumSquares, chunks);
    this.ctl.i32[t + T.A] = x;
    this.ctl.i32[t + T.N] = n;
    this.ctl.i32[t + T.B] = this.blockSums.ptr + this.blockSums.used * 8;
    this.blockSums.used += chunks;
    return this.count - 1;
  }

  /** Adds the test whether n float32 entries are all finite (one chunk); {@link result} is 1 or 0 after the run. Returns the task's number. */
  allFinite(x: number, n: number): number {
    const t = this.add(TaskKind.AllFinite, 1);
    this.ctl.i32[t + T.A] = x;
    this.ctl.i32[t + T.N] = n;
    return this.count - 1;
  }

  /**
   * Adds a gather: `rows` rows of `rowBytes` bytes each, row k of `dst` from row idx[k] of `src`,
   * the indices being `rows` int32 at byte address `idx`; in chunks of at least 8 rows.
   */
  gather(src: number, dst: number, idx: number, rows: number, rowBytes: number): this {
    const step = Math.max(8, Math.ceil(rows / (this.threads * 2)));
    const t = this.add(TaskKind.Gather, Math.ceil(rows / step));
    const s = this.ctl.i32;
    s[t + T.A] = src; s[t + T.C] = dst; s[t + T.B] = idx; s[t + T.N] = rows; s[t + T.K] = rowBytes; s[t + T.Step] = step;
    return this;
  }

  /** Adds a copy of `bytes` bytes from `src` to `dst` (not overlapping), in chunks of at least 64 KiB. */
  copy(dst: number, src: number, bytes: number): this {
    const step = Math.max(65536, Math.ceil(bytes / this.threads / 64) * 64);
    const t = this.add(TaskKind.Copy, Math.max(1, Math.ceil(bytes / step)));
    const s = this.ctl.i32;
    s[t + T.C] = dst; s[t + T.A] = src; s[t + T.N] = bytes; s[t + T.Step] = step;
    return this;
  }

  /** The float64 result of task number `task` of the job just run (a SumSquares, AllFinite or Adam task). */
  result(task: number): number {
    const t = TASKS_AT + task * TASK_INTS;
    const c = this.ctl.i32;
    if (c[t + T.Kind] !== TaskKind.SumSquares) return this.ctl.f64[(t + T.D) >> 1]!;
    // The blocks' sums, added in order as sumOfSquares adds them.
    const at = (c[t + T.B]! >>> 0) >> 3;
    const sums = this.wide();
    let s = sums[at]!;
    for (let b = 1; b < c[t + T.Chunks]!; b++) s += sums[at + b]!;
    return s;
  }

  /**
   * Run the job built since {@link begin} on all threads and block until done (needs
   * `Atomics.wait`). Only workers that joined the job before this thread ran out of chunks are
   * waited for: on a busy machine a worker that is not running costs nothing, the chunks are done here.
   */
  runSync(): void {
    if (this.stalls.alone()) {
      this.runHere();
      return;
    }
    const start = performance.now();
    this.dispatch(false);
    const c = this.ctl.i32;
    let g = Atomics.or(c, Job.Gate, CLOSED) | CLOSED;
    if (g === CLOSED) return;
    const t0 = performance.now();
    pollUntil(c, Job.Gate, CLOSED, WAIT_SPIN_MS);
    while ((g = Atomics.load(c, Job.Gate)) !== CLOSED) Atomics.wait(c, Job.Gate, g);
    // A worker that took a chunk and then lost its CPU (a busy machine) stalled this thread: go on alone for a while.
    this.stalls.ran(performance.now() - t0, t0 - start);
  }

  /** The job on this thread alone (the workers are not told of it; the gate stays closed). */
  private runHere(): void {
    const c = this.ctl.i32;
    c[Job.Count] = this.count;
    c[Job.Chunks] = this.chunks;
    Atomics.store(c, Job.Next, 0);
    refreshRows(this.ctl, this.heap.memory);
    runTasks(this.heap.exports, this.ctl, this.workspaces[0]!);
  }

  /** One product on all threads, blocking until done: {@link begin}, {@link gemm}, {@link runSync}. */
  runGemmSync(fn: 0 | 1, a: number, b: number, c: number, m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean): void {
    this.begin().gemm(fn, a, b, c, m, k, n, transA, transB, accumulate).runSync();
  }

  /** One product on all threads; the promise settles when every worker that joined it is done. */
  runGemmAsync(fn: 0 | 1, a: number, b: number, c: number, m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean): Promise<void> {
    const job = this.tail.then(async () => {
      this.busy = true;
      // NOTE: an unref'd worker would let Node exit while this promise waits for its message.
      for (const w of this.workers) w.ref();
      try {
        this.begin().gemm(fn, a, b, c, m, k, n, transA, transB, accumulate);
        this.dispatch(true);
        const c32 = this.ctl.i32;
        if ((Atomics.or(c32, Job.Gate, CLOSED) | CLOSED) !== CLOSED) {
          // A worker that leaves posts a message; the last one to leave settles this.
          await new Promise<void>((resolve) => {
            this.idle = resolve;
            if (Atomics.load(c32, Job.Gate) === CLOSED) resolve();
          });
        }
      } finally {
        for (const w of this.workers) w.unref();
        this.idle = null;
        this.busy = false;
      }
    });
    this.tail = job.catch(() => undefined);
    return job;
  }

  /** Stop and terminate every worker. The pool is unusable afterwards. */
  terminate(): void {
    const c = this.ctl.i32;
    for (let t = 0; t < this.workers.length; t++) {
      Atomics.store(c, (t + 1) * SLOTS + Slot.Seq, -1);
      Atomics.notify(c, (t + 1) * SLOTS + Slot.Seq);
      this.workers[t]!.terminate();
    }
    this.workers.length = 0;
  }

  /** Room for `n` block sums in the job being built. */
  private growBlockSums(n: number): void {
    const capacity = Math.max(256, 2 * n);
    const ptr = this.heap.alloc(capacity * 8);
    // NOTE: tasks already added to this job point into the old block: it lives until the next begin().
    if (this.blockSums.capacity > 0) this.stale.push(this.blockSums.ptr);
    this.blockSums = { ptr, capacity, used: this.blockSums.used };
  }

  /** A float64 view of the whole memory (re-made after growth). */
  private wide(): Float64Array {
    refreshRows(this.ctl, this.heap.memory);
    return this.ctl.wide;
  }

  /** Appends a task of `chunks` chunks; returns the index of its first slot. */
  private add(kind: number, chunks: number): number {
    if (this.count >= MAX_TASKS) throw new BackpropError('value', `ThreadPool: a job holds at most ${MAX_TASKS} tasks`);
    const t = TASKS_AT + this.count * TASK_INTS;
    const s = this.ctl.i32;
    s[t + T.Kind] = kind;
    s[t + T.Chunks] = chunks;
    s[t + T.First] = this.chunks;
    this.count++;
    this.chunks += chunks;
    return t;
  }

  /** Pack the whole op(B) into task slot `task`'s grow-only buffer; returns its address. */
  private packB(task: number, fn: 0 | 1, b: number, k: number, n: number, transB: boolean): number {
    const ex = this.heap.exports;
    const bytes = ex.packedBBytes(k, n, fn === 0 ? 4 : 8);
    let buf = this.packed[task];
    if (buf === undefined || bytes > buf.bytes) {
      if (buf !== undefined) this.heap.release(buf.ptr);
      buf = { ptr: this.heap.alloc(bytes), bytes };
      this.packed[task] = buf;
    }
    (fn === 0 ? ex.spackB : ex.dpackB)(b, k, n, transB ? 1 : 0, buf.ptr);
    return buf.ptr;
  }

  /** Post the job, open its gate, wake the workers and take chunks here too; returns the job's sequence number. */
  private dispatch(postDone: boolean): number {
    const c = this.ctl.i32;
    c[Job.Count] = this.count;
    c[Job.Chunks] = this.chunks;
    Atomics.store(c, Job.Next, 0);
    Atomics.store(c, Job.Gate, 0);
    const seq = ++this.seq;
    for (let t = 0; t < this.workers.length; t++) {
      const base = (t + 1) * SLOTS;
      c[base + Slot.PostDone] = postDone ? 1 : 0;
      Atomics.store(c, base + Slot.Seq, seq);
      Atomics.notify(c, base + Slot.Seq);
    }
    refreshRows(this.ctl, this.heap.memory);
    runTasks(this.heap.exports, this.ctl, this.workspaces[0]!);
    return seq;
  }
}
