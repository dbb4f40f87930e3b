import { BackpropError } from '../errors.js';
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';

/** Numbers per block of {@link RowBlocks}: 1 Mi (4 MiB of float32, 8 MiB of float64). */
const BLOCK = 1 << 20;

/**
 * The most numbers one dataset array may hold: 2³² − 1, the longest typed array V8 allocates
 * (16 GiB of float32). A reader stops with a clear error when its data would pass it.
 */
export const MAX_DATA_NUMBERS = 2 ** 32 - 1;

/**
 * A row-major matrix of unknown final height, built row by row in blocks of about 1 Mi numbers
 * of `dtype` — never a JavaScript array of rows, never a doubling copy. {@link RowBlocks.finish}
 * copies the blocks into one typed array and drops them, so building `rows × width` numbers
 * peaks at twice their size plus one block.
 *
 * Shape: `width` numbers per row; `finish()` returns `rows × width`, row-major.
 * @example
 * ```ts
 * const m = new RowBlocks('float32', 3);
 * m.row().set([1, 2, 3]);   // or write m.current[m.offset + j]
 * m.finish();               // Float32Array [1, 2, 3]
 * ```
 */
export class RowBlocks {
  /** Rows added so far. */
  rows = 0;
  /** The block being filled; row `rows − 1` starts at `offset` in it after {@link RowBlocks.next}. */
  current: FloatArray;
  /** Where the last row started by {@link RowBlocks.next} begins in `current`. */
  offset = -1;
  private readonly full: FloatArray[] = [];
  private readonly blockRows: number;
  /** Rows the current block holds (more than `blockRows` after {@link RowBlocks.reserve}). */
  private capacity: number;
  private used = 0;

  constructor(
    readonly dtype: DType,
    readonly width: number,
    private readonly limit = MAX_DATA_NUMBERS,
    private readonly what = 'the data',
  ) {
    this.blockRows = Math.max(1, Math.floor(BLOCK / Math.max(1, width)));
    this.capacity = this.blockRows;
    this.current = allocate(dtype, this.capacity * width);
  }

  /** Starts a new row (zero-filled) and returns where it begins in `current`. */
  next(): number {
    if (this.used === this.capacity) {
      this.full.push(this.current);
      this.capacity = this.blockRows;
      this.current = allocate(this.dtype, this.capacity * this.width);
      this.used = 0;
    }
    if ((this.rows + 1) * this.width > this.limit) {
      throw new BackpropError('data', `${this.what}: more than ${this.limit} numbers (${this.rows + 1} rows × ${this.width}), the limit for data read here (one array holds at most 2³² − 1, and twice the data must fit in memory); use fewer rows or columns, or --dtype float32`);
    }
    this.offset = this.used * this.width;
    this.used++;
    this.rows++;
    return this.offset;
  }

  /** Starts a new row and returns it as a view to write into. */
  row(): FloatArray {
    const o = this.next();
    return this.current.subarray(o, o + this.width);
  }

  /** Forgets the last row started (a row left out while reading). */
  dropLast(): void {
    if (this.rows === 0) return;
    this.current.fill(0, this.offset, this.offset + this.width);
    this.used--;
    this.rows--;
    this.offset -= this.width;
  }

  /**
   * Makes room for `rows` rows in one array, when all rows so far are still in the first block
   * (a reader that can estimate the count — from the file's size — calls it early). If the
   * estimate holds, {@link RowBlocks.finish} returns that array without a copy: the data is then
   * held once, not twice. A low estimate only means more blocks after it.
   */
  reserve(rows: number): void {
    if (this.full.length > 0 || rows <= this.capacity || rows * this.width > this.limit) return;
    const big = allocate(this.dtype, rows * this.width);
    big.set(this.current.subarray(0, this.used * this.width));
    this.current = big;
    this.capacity = rows;
  }

  /** All rows in one array (`rows × width`); the builder is empty afterwards. */
  finish(): FloatArray {
    if (this.full.length === 0) {
      const n = this.used * this.width;
      // NOTE: a view when the one array is nearly full (a good reserve); a copy frees a poor one.
      const out = n >= 0.9 * this.current.length ? this.current.subarray(0, n) : this.current.slice(0, n);
      this.current = allocate(this.dtype, 0);
      this.used = 0;
      this.rows = 0;
      return out;
    }
    const out = allocate(this.dtype, this.rows * this.width);
    let at = 0;
    for (const block of this.full) {
      out.set(block, at);
      at += block.length;
    }
    out.set(this.current.subarray(0, this.used * this.width), at);
    this.full.length = 0;
    this.current = allocate(this.dtype, 0);
    this.used = 0;
    this.rows = 0;
    return out;
  }
}

/**
 * A growable `Int32Array` or `Float64Array` (one number per row: labels, codes, target values),
 * doubling as it fills. For one column, the doubling costs little.
 */
export class Growable<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(private data: T) {}

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(Math.max(16, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, v: number): void {
    this.data[i] = v;
  }

  /** The values, trimmed to `length` (a copy). */
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}
