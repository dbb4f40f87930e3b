import { firstNonFiniteOf, gatherRowsOf, sumSquaresAndCopy } from '../kernels/array-jobs.js';
import { residentLike } from '../kernels/buffer-pool.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorData } from './metrics.js';

/**
 * The per-step pieces of {@link fit} besides the gradient and the optimizer: gathering a batch,
 * keeping the weights from before the step (with the gradient norm), checking them after it. Each
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
 * The parameters' values before a step, to put back when the step turns a weight NaN or ±∞ (so
 * that a failed run leaves the last good weights in the model). {@link saveWithNorm} takes the
 * copies and the global gradient norm in one pass over the threads where the fused path keeps
 * gradients and weights in the kernels' memory (109,386 MNIST weights: ~20 µs for the copies, ~30
 * for the norm, side by side), else one after the other.
 *
 * @example
 * ```ts
 * const backup = new WeightBackup(model.parameters());
 * const norm = backup.saveWithNorm();   // gradNorm(params), and the weights kept
 * optimizer.step();
 * if (firstNonFinite(params) >= 0) backup.restore();
 * ```
 */
export class WeightBackup {
  private readonly copies: FloatArray[];
  private readonly pairs: Array<[FloatArray, FloatArray]>;
  private readonly sums: Float64Array;
  private readonly grads: Array<FloatArray | null>;

  constructor(private readonly params: readonly Tensor[]) {
    this.copies = params.map((p) => residentLike(allocate(p.dtype, p.size), p.data));
    this.pairs = params.map((p, i) => [p.data, this.copies[i]!]);
    this.sums = new Float64Array(params.length);
    this.grads = params.map(() => null);
  }

  /**
   * Copies every parameter's current values and returns the global gradient norm √(Σₚ ‖∇p‖²) —
   * `gradNorm(params)`'s number, bit for bit.
   */
  saveWithNorm(): number {
    const params = this.params;
    const grads = this.grads;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      // NOTE: a parameter moved into the kernels' memory (Tensor.moveData) after this backup was made.
      if (this.pairs[i]![0] !== p.data) this.pairs[i] = [p.data, (this.copies[i] = residentLike(this.copies[i]!, p.data))];
      grads[i] = p.grad === null ? null : p.grad.data;
    }
    sumSquaresAndCopy(grads, this.sums, this.pairs);
    let total = 0;
    for (let i = 0; i < params.length; i++) total += this.sums[i]!;
    return Math.sqrt(total);
  }

  /** Puts the saved values back. */
  restore(): void {
    this.params.forEach((p, i) => p.data.set(this.copies[i]!));
  }
}

/**
 * Index of the first parameter with a NaN or ±∞ entry, or −1 when all are finite.
 *
 * @example
 * ```ts
 * firstNonFinite(model.parameters());   // −1 after a healthy step
 * ```
 */
export function firstNonFinite(params: readonly Tensor[]): number {
  DATA.length = 0;
  for (const p of params) DATA.push(p.data);
  return firstNonFiniteOf(DATA);
}

/** firstNonFinite's argument to firstNonFiniteOf, reused. */
const DATA: FloatArray[] = [];
