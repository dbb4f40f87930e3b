import { BackpropError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { datasetDType, type Dataset } from './dataset.js';

/** One mini-batch: `rows` consecutive rows of the epoch's order, gathered into flat arrays. */
export interface Batch {
  /** Inputs, `rows × inputSize`, row-major, of the dataset's type. */
  readonly x: FloatArray;
  /** Targets, `rows × outputSize`, row-major, of the dataset's type. */
  readonly y: FloatArray;
  /** Rows in this batch: `batchSize`, except possibly the last. */
  readonly rows: number;
  /** Which dataset rows these are (a view into the epoch's order). */
  readonly indices: Int32Array;
  /** The batch number in the epoch, from 0. */
  readonly index: number;
  /** Classification only: class index of each row. */
  readonly labels?: Int32Array;
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /**
   * Gather every batch into the same two buffers instead of new arrays (default `false`). Then a batch's
   * `x`, `y` and `labels` are only valid until the next batch is taken — for loops that copy them
   * into tensors right away.
   */
  reuse?: boolean;
  /** Skip a last batch smaller than `batchSize` (default `false`). */
  dropLast?: boolean;
}

/** The number of batches of an epoch: ⌈rows / batchSize⌉, or ⌊rows / batchSize⌋ with `dropLast`. */
export function batchCount(rows: number, batchSize: number, dropLast = false): number {
  checkBatchSize(batchSize);
  return dropLast ? Math.floor(rows / batchSize) : Math.ceil(rows / batchSize);
}

/**
 * The order of the rows for one epoch: a fresh seeded permutation, or `0 … rows−1` when `rng` is null.
 *
 * @example
 * ```ts
 * epochOrder(4, null); // Int32Array [0, 1, 2, 3]
 * ```
 */
export function epochOrder(rows: number, rng: Rng | null): Int32Array {
  if (rng) return rng.permutation(rows);
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  return order;
}

/**
 * Copies the rows `indices` of a flat row-major array (`width` numbers per row) into `out`.
 *
 * Shape: `src` N×width, `out` at least indices.length×width.
 * @example
 * ```ts
 * copyRows(new Float64Array([1, 2, 3, 4]), 2, Int32Array.from([1]), new Float64Array(2)); // [3, 4]
 * ```
 */
export function copyRows<T extends FloatArray>(src: FloatArray, width: number, indices: ArrayLike<number>, out: T): T {
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k]! * width;
    const to = k * width;
    for (let j = 0; j < width; j++) out[to + j] = src[from + j]!;
  }
  return out;
}

/**
 * The mini-batches of one epoch: the rows in a seeded random order (or in order when `rng` is null),
 * `batchSize` at a time, the last batch possibly smaller. Only one batch is gathered at a time — the
 * dataset is never copied. The permutation is drawn from `rng` when `batches` is called, not when
 * iteration starts, so the Rng stream does not depend on when the loop begins.
 *
 * @example
 * ```ts
 * for (const b of batches(train, 32, rng)) {
 *   // b.x: b.rows × train.inputSize, b.y: b.rows × train.outputSize
 * }
 * ```
 */
export function batches(ds: Dataset, batchSize: number, rng: Rng | null, options: BatchOptions = {}): IterableIterator<Batch> {
  checkBatchSize(batchSize);
  const order = epochOrder(ds.rows, rng);
  return gather(ds, order, batchSize, options);
}

function* gather(ds: Dataset, order: Int32Array, batchSize: number, options: BatchOptions): Generator<Batch, void, undefined> {
  const { inputSize: a, outputSize: b } = ds;
  const count = batchCount(ds.rows, batchSize, options.dropLast ?? false);
  const full = Math.min(batchSize, ds.rows);
  const dtype = datasetDType(ds);
  const bufX = options.reuse ? allocate(dtype, full * a) : undefined;
  const bufY = options.reuse ? allocate(dtype, full * b) : undefined;
  const bufL = options.reuse && ds.labels ? new Int32Array(full) : undefined;
  for (let index = 0; index < count; index++) {
    const indices = order.subarray(index * batchSize, Math.min((index + 1) * batchSize, ds.rows));
    const rows = indices.length;
    const x = bufX ? bufX.subarray(0, rows * a) : allocate(dtype, rows * a);
    const y = bufY ? bufY.subarray(0, rows * b) : allocate(dtype, rows * b);
    copyRows(ds.x, a, indices, x);
    copyRows(ds.y, b, indices, y);
    let labels: Int32Array | undefined;
    if (ds.labels) {
      labels = bufL ? bufL.subarray(0, rows) : new Int32Array(rows);
      for (let k = 0; k < rows; k++) labels[k] = ds.labels[indices[k]!]!;
    }
    yield { x, y, rows, indices, index, ...(labels && { labels }) };
  }
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new BackpropError('data', `batches: expected the batch size to be a positive integer, got ${batchSize}`);
  }
}
