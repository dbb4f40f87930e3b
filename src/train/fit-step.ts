import { arrayPasses, gatherRowsOf, type RowGather } from '../kernels/array-jobs.js';
import { kernelResident, residentLike } from '../kernels/buffer-pool.js';
import { kernelState } from '../kernels/kernel-state.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorData } from './metrics.js';

/**
 * The per-step pieces of {@link fit} besides the gradient and the optimizer: gathering a batch,
 * the gradient norm, keeping the weights from before the step and checking them after it. Each
 * costs what it must: native copies of whole rows and arrays, and where the fused path keeps the
 * parameters in the kernels' memory, WebAssembly passes shared by the worker threads.
 */

/**
 * The training inputs and targets to gather batches from: on the fused float32 path the float32
 * copies moved into the kernels' memory beside the batch buffer `like` (once per fit; batches are
 * then gathered by the worker threads), else the arrays as they are.
 *
 * @example
 * ```ts
 * const source = batchSource(toTensorData(train, 'float32'), engine.batchBuffers(64).x.data);
 * ```
 */
export function batchSource(td: TensorData, like: FloatArray): { x: FloatArray; t: FloatArray } {
  // NOTE: float32 data is toTensorData's own copy: moved (not copied again), so memory is not doubled.
  if (td.x.data instanceof Float32Array) {
    td.x.moveData(residentLike(td.x.data, like));
    td.t.moveData(residentLike(td.t.data, like));
  }
  return { x: td.x.data, t: td.t.data };
}

/**
 * Rows `idx` of the training inputs and targets into the batch buffers: row k from row idx[k]
 * (a job on the worker threads where all of them live in the kernels' memory, see
 * {@link batchSource}; else one native copy per row, 64 MNIST rows ~10 µs from cache).
 *
 * @example
 * ```ts
 * gatherBatch(source, 784, 10, order.subarray(0, 64), xb.data, tb.data);
 * ```
 */
export function gatherBatch(source: { x: FloatArray; t: FloatArray }, inputs: number, outputs: number, idx: Int32Array, x: FloatArray, t: FloatArray): void {
  const [px, pt] = PARTS;
  px[0] = source.x;
  px[1] = inputs;
  px[2] = x;
  pt[0] = source.t;
  pt[1] = outputs;
  pt[2] = t;
  gatherRowsOf(PARTS, idx);
}

/** gatherBatch's argument to gatherRowsOf, reused (a step allocates nothing). */
const PARTS: Array<[FloatArray, number, FloatArray]> = [[new Float32Array(0), 0, new Float32Array(0)], [new Float32Array(0), 0, new Float32Array(0)]];

/**
 * The batches of a run, from the training data ({@link batchSource}) into the batch buffers — and,
 * on the fused float32 path (data, gradients and buffers in the kernels' memory), the next batch's
 * inputs and targets gathered ahead: {@link ahead} plans them into spare buffers, to ride in the gradient
 * norm's job (whose long sum of squares holds one thread while the other gathers; the W2 step's
 * gather job of ~20 µs goes), and {@link take} hands them out when the rows asked for are the
 * ones gathered. A step that is not the planned one (a trainer moved with `seek`, the first of an
 * epoch) gathers its rows as before: the batch is the same either way.
 *
 * @example
 * ```ts
 * const feed = new BatchFeed(toTensorData(train, 'float32'), engine.batchBuffers(64).x.data, 784, 10, 64);
 * const x = feed.take(rows, xb, tb);                 // this batch
 * const norm = backup.gradNorm(feed.ahead(nextRows)); // the next batch's rows, meanwhile
 * ```
 */
export class BatchFeed {
  /** The training inputs and targets (see {@link batchSource}). */
  readonly source: { x: FloatArray; t: FloatArray };
  /** The inputs gathered ahead ([maxRows, inputs], in the kernels' memory), or null where nothing is gathered ahead. */
  private readonly spare: Tensor | null;
  /** The targets gathered ahead, beside {@link spare}. */
  private readonly spareT: FloatArray;
  /** The rows gathered ahead into `spare` (the first `count` entries), planned by {@link ahead}. */
  private readonly rows: Int32Array;
  private count = -1;
  private readonly plan: RowGather;

  constructor(td: TensorData, like: FloatArray, private readonly inputs: number, private readonly outputs: number, maxRows: number) {
    this.source = batchSource(td, like);
    const x = this.source.x;
    const heap = kernelState(false)?.heap;
    // NOTE: only where the data moved into the kernels' memory (float32 on the fused path) does a job gather them.
    this.spare = x instanceof Float32Array && heap !== undefined && heap.owns(x) ? new Tensor(kernelResident(new Float32Array(maxRows * inputs)), [maxRows, inputs]) : null;
    this.spareT = this.spare === null ? new Float32Array(0) : kernelResident(new Float32Array(maxRows * outputs));
    this.rows = new Int32Array(maxRows);
    // NOTE: the targets too: 64 rows of 10 picked here from all over the data waited on the memory
    // (~10 µs of a W2 step, against ~1 µs from cache); in the job that wait is hidden.
    this.plan = { parts: [[x, inputs, this.spare?.data ?? x], [this.source.t, outputs, this.spareT]], idx: this.rows };
  }

  /**
   * The batch of rows `idx`: its targets in `tb`, and its inputs — the spare buffer when they were
   * gathered ahead (see {@link ahead}; the targets then copied from theirs), else gathered now into `xb`.
   */
  take(idx: Int32Array, xb: Tensor, tb: Tensor): Tensor {
    const n = idx.length;
    let planned = this.count === n;
    for (let k = 0; planned && k < n; k++) planned = this.rows[k] === idx[k];
    this.count = -1;
    if (!planned) {
      gatherBatch(this.source, this.inputs, this.outputs, idx, xb.data, tb.data);
      return xb;
    }
    // NOTE: the targets are copied out of the spare buffer, which the next plan overwrites while they are still in use.
    tb.data.set(n * this.outputs === this.spareT.length ? this.spareT : this.spareT.subarray(0, n * this.outputs));
    const spare = this.spare!;
    return n === spare.shape[0] ? spare : new Tensor(spare.data.subarray(0, n * this.inputs), [n, this.inputs]);
  }

  /**
   * The gather of rows `next`' inputs and targets into the spare buffers for the caller to run (the gradient
   * norm's job, {@link WeightBackup.gradNorm}), or null: no next batch, or nothing gathered ahead here.
   */
  ahead(next: Int32Array | null): RowGather | null {
    this.count = -1;
    if (next === null || this.spare === null || next.length > this.rows.length) return null;
    this.rows.set(next);
    this.count = next.length;
    this.plan.idx = next.length === this.rows.length ? this.rows : this.rows.subarray(0, next.length);
    return this.plan;
  }
}

/**
 * The parameters' values before a step, to put back when the step turns a weight NaN or ±∞ (so
 * that a failed run leaves the last good weights in the model), and the gradient norm fit reports
 * and clips by. The copies are taken by the optimizer's {@link Optimizer.guardedStep}: Adam's
 * float32 kernel writes them, and checks the new weights, in its own pass over the weights (in the
 * W2 step the copies, the update and the check were jobs of 31, 85 and 12 µs — medians, the copies
 * beside the norm — and are one of ~50); other optimizers copy and check in passes of their own. The norm's sums of squares are one job over the threads where the fused
 * path keeps the gradients in the kernels' memory.
 *
 * @example
 * ```ts
 * const backup = new WeightBackup(model.parameters());
 * const norm = backup.gradNorm();            // gradNorm(params)
 * if (backup.step(optimizer) >= 0) backup.restore();
 * ```
 */
export class WeightBackup {
  private readonly copies: FloatArray[];
  /** Each parameter's array when its copy was made (see {@link step}). */
  private readonly of: FloatArray[];
  private readonly sums: Float64Array;
  private readonly grads: Array<FloatArray | null>;

  constructor(private readonly params: readonly Tensor[]) {
    this.copies = params.map((p) => residentLike(allocate(p.dtype, p.size), p.data));
    this.of = params.map((p) => p.data);
    this.sums = new Float64Array(params.length);
    this.grads = params.map(() => null);
  }

  /**
   * The global gradient norm √(Σₚ ‖∇p‖²) — `gradNorm(params)`'s number, bit for bit — with the
   * rows of `alsoGather` gathered in the same job (the next batch's, see {@link BatchFeed}).
   */
  gradNorm(alsoGather: RowGather | null = null): number {
    const params = this.params;
    const grads = this.grads;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      grads[i] = p.grad === null ? null : p.grad.data;
    }
    arrayPasses(grads, this.sums, NO_COPIES, alsoGather);
    let total = 0;
    for (let i = 0; i < params.length; i++) total += this.sums[i]!;
    return Math.sqrt(total);
  }

  /**
   * One optimizer step with every parameter's values kept here first; returns the index of the
   * first parameter holding a NaN or ±∞ after it, or −1 (see {@link Optimizer.guardedStep}).
   */
  step(optimizer: Optimizer): number {
    const params = this.params;
    for (let i = 0; i < params.length; i++) {
      // NOTE: a parameter moved into the kernels' memory (Tensor.moveData) after this backup was made.
      const data = params[i]!.data;
      if (this.of[i] !== data) {
        this.copies[i] = residentLike(this.copies[i]!, data);
        this.of[i] = data;
      }
    }
    return optimizer.guardedStep(this.copies);
  }

  /** Puts the saved values back. */
  restore(): void {
    this.params.forEach((p, i) => p.data.set(this.copies[i]!));
  }
}

/** The copies gradNorm asks arrayPasses for: none. */
const NO_COPIES: ReadonlyArray<readonly [FloatArray, FloatArray]> = [];
