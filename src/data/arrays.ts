import { BackpropError } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { classificationDataset, datasetDType, makeDataset } from './dataset.js';
import type { Dataset, Task, TargetEncoding } from './dataset.js';

/** A rectangular matrix read from nested arrays: `rows × cols` numbers, row-major. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Reads nested arrays (`rows × cols` finite numbers) into flat storage, checking every row and cell.
 * Errors name the JSON path of the first bad value, e.g. `targets[3]: expected 2 numbers, got 3` or
 * `inputs[2][1]: expected a finite number, got "abc"`.
 *
 * @param value the nested arrays (e.g. from `JSON.parse`).
 * @param path the name used in error messages, e.g. `"inputs"`.
 * @param cols the required row length; by default the length of the first row.
 * @example
 * ```ts
 * readMatrix([[1, 2], [3, 4]], 'inputs'); // { data: Float64Array [1, 2, 3, 4], rows: 2, cols: 2 }
 * ```
 */
export function readMatrix(value: unknown, path: string, cols?: number): Matrix {
  if (!Array.isArray(value)) throw new BackpropError('data', `${path}: expected an array of rows, got ${describe(value)}`);
  if (value.length === 0) throw new BackpropError('data', `${path}: expected at least one row, got an empty array`);
  const first: unknown = value[0];
  const width = cols ?? (Array.isArray(first) ? first.length : 0);
  if (width === 0) {
    throw new BackpropError('data', `${path}[0]: expected a non-empty array of numbers, got ${describe(first)}`);
  }
  const data = new Float64Array(value.length * width);
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row)) throw new BackpropError('data', `${path}[${i}]: expected an array of ${width} numbers, got ${describe(row)}`);
    if (row.length !== width) {
      throw new BackpropError('data', `${path}[${i}]: expected ${width} numbers (like ${path}[0]), got ${row.length}`);
    }
    for (let j = 0; j < width; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new BackpropError('data', `${path}[${i}][${j}] (row ${i}, column ${j}): expected a finite number, got ${describe(v)}`);
      }
      data[i * width + j] = v;
    }
  }
  return { data, rows: value.length, cols: width };
}

/** Options of {@link datasetFromArrays}. */
export interface FromArraysOptions {
  /**
   * `'auto'` (default): classification when the targets are one-hot rows (two or more columns of 0/1
   * summing to 1), or a single column of only 0/1 (`'binary'`) or only −1/+1 (`'sign'`); otherwise regression.
   */
  task?: Task | 'auto';
  featureNames?: readonly string[];
  targetNames?: readonly string[];
  /** Class names for classification; default `"0"`, `"1"`, … */
  classNames?: readonly string[];
  name?: string;
}

/**
 * Builds a {@link Dataset} from nested arrays — one row per sample — after checking that every row has
 * the same length and every cell is a finite number (the error names the row and column).
 *
 * Shape: `inputs` N×in, `targets` N×out.
 *
 * @example
 * ```ts
 * const xor = datasetFromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]);
 * xor.task;           // 'classification' (a single 0/1 column ⇒ 'binary' encoding)
 * xor.labels;         // Int32Array [0, 1, 1, 0]
 * ```
 */
export function datasetFromArrays(inputs: readonly (readonly number[])[], targets: readonly (readonly number[])[], options: FromArraysOptions = {}): Dataset {
  const x = readMatrix(inputs, 'inputs');
  const y = readMatrix(targets, 'targets');
  return datasetFromMatrices(x, y, options);
}

/** {@link datasetFromArrays} for already-read matrices (used by the JSON and CSV readers). */
export function datasetFromMatrices(x: Matrix, y: Matrix, options: FromArraysOptions = {}): Dataset {
  if (y.rows !== x.rows) throw new BackpropError('data', `targets: expected ${x.rows} rows (one per input row), got ${y.rows}`);
  const task = options.task ?? 'auto';
  if (task !== 'auto' && task !== 'classification' && task !== 'regression') {
    throw new BackpropError('data', `task: expected "auto", "classification" or "regression", got ${JSON.stringify(task)}`);
  }
  const extra = {
    ...(options.featureNames && { featureNames: options.featureNames }),
    ...(options.name && { name: options.name }),
  };
  const encoding = task === 'regression' ? null : detectEncoding(y);
  if (encoding === null) {
    if (task === 'classification') {
      throw new BackpropError(
        'data',
        'targets: a classification dataset needs one-hot rows (0/1, one 1 per row), or one column of 0/1 or of −1/+1; use task "regression" for other numbers',
      );
    }
    return makeDataset({ x: x.data, y: y.data, rows: x.rows, inputSize: x.cols, outputSize: y.cols, task: 'regression', ...extra, ...(options.targetNames && { targetNames: options.targetNames }) });
  }
  const labels = decodeLabels(y, encoding);
  const classes = encoding === 'onehot' ? y.cols : 2;
  const classNames = options.classNames ?? Array.from({ length: classes }, (_, k) => String(k));
  if (classNames.length !== classes) {
    throw new BackpropError('data', `classNames: expected ${classes} names (one per class), got ${classNames.length}`);
  }
  return classificationDataset(x.data, x.cols, labels, classNames, encoding, extra);
}

/** The class encoding the targets are written in, or `null` when they are not class labels. */
function detectEncoding(y: Matrix): TargetEncoding | null {
  const { data, rows, cols } = y;
  if (cols >= 2) {
    for (let i = 0; i < rows; i++) {
      let ones = 0;
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j]!;
        if (v === 1) ones++;
        else if (v !== 0) return null;
      }
      if (ones !== 1) return null;
    }
    return 'onehot';
  }
  if (data.every((v) => v === 0 || v === 1)) return 'binary';
  if (data.every((v) => v === -1 || v === 1)) return 'sign';
  return null;
}

function decodeLabels(y: Matrix, encoding: TargetEncoding): Int32Array {
  const labels = new Int32Array(y.rows);
  for (let i = 0; i < y.rows; i++) {
    if (encoding === 'onehot') labels[i] = y.data.subarray(i * y.cols, (i + 1) * y.cols).indexOf(1);
    else labels[i] = y.data[i]! > 0 ? 1 : 0;
  }
  return labels;
}

/**
 * The dataset as nested arrays, the inverse of {@link datasetFromArrays} (and the JSON data format).
 *
 * @example
 * ```ts
 * toArrays(datasetFromArrays([[1, 2]], [[3]])); // { inputs: [[1, 2]], targets: [[3]] }
 * ```
 */
export function toArrays(ds: Dataset): { inputs: number[][]; targets: number[][] } {
  const inputs: number[][] = [];
  const targets: number[][] = [];
  for (let i = 0; i < ds.rows; i++) {
    inputs.push(Array.from(ds.x.subarray(i * ds.inputSize, (i + 1) * ds.inputSize)));
    targets.push(Array.from(ds.y.subarray(i * ds.outputSize, (i + 1) * ds.outputSize)));
  }
  return { inputs, targets };
}

/**
 * A new dataset holding the given rows, in the given order (rows are copied, in the dataset's type; repeats allowed).
 *
 * @example
 * ```ts
 * const firstTen = subset(ds, Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export function subset(ds: Dataset, indices: ArrayLike<number>, name: string | undefined = ds.name): Dataset {
  const n = indices.length;
  const { inputSize: a, outputSize: b } = ds;
  const x = allocate(datasetDType(ds), n * a);
  const y = allocate(datasetDType(ds), n * b);
  const labels = ds.labels ? new Int32Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= ds.rows) {
      throw new BackpropError('data', `subset: indices[${k}] is ${i}, expected a row index in 0 … ${ds.rows - 1}`);
    }
    x.set(ds.x.subarray(i * a, (i + 1) * a), k * a);
    y.set(ds.y.subarray(i * b, (i + 1) * b), k * b);
    if (labels) labels[k] = ds.labels![i]!;
  }
  const { rows: _rows, x: _x, y: _y, labels: _labels, name: _name, ...meta } = ds;
  return { ...meta, x, y, rows: n, ...(labels && { labels }), ...(name !== undefined && { name }) };
}

/**
 * The rows of several datasets one after another. They must agree in sizes, task, target encoding
 * and class names.
 *
 * @example
 * ```ts
 * const all = concat(train, test); // all.rows === train.rows + test.rows
 * ```
 */
export function concat(...parts: Dataset[]): Dataset {
  const first = parts[0];
  if (!first) throw new BackpropError('data', 'concat: expected at least one dataset, got none');
  parts.forEach((p, k) => {
    const same =
      p.inputSize === first.inputSize &&
      p.outputSize === first.outputSize &&
      p.task === first.task &&
      p.targetEncoding === first.targetEncoding &&
      datasetDType(p) === datasetDType(first) &&
      JSON.stringify(p.classNames) === JSON.stringify(first.classNames);
    if (!same) {
      throw new BackpropError(
        'data',
        `concat: dataset ${k} (${p.rows}×${p.inputSize} → ${p.outputSize}, ${p.task}) does not match dataset 0 (${first.rows}×${first.inputSize} → ${first.outputSize}, ${first.task})`,
      );
    }
  });
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const x = allocate(datasetDType(first), rows * first.inputSize);
  const y = allocate(datasetDType(first), rows * first.outputSize);
  const labels = first.labels ? new Int32Array(rows) : undefined;
  let r = 0;
  for (const p of parts) {
    x.set(p.x, r * first.inputSize);
    y.set(p.y, r * first.outputSize);
    if (labels) labels.set(p.labels!, r);
    r += p.rows;
  }
  return { ...first, x, y, rows, ...(labels && { labels }) };
}

/** A short readable description of any value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    // NOTE: JSON.stringify overflows the stack on very deep nesting (and refuses cycles).
    s = typeof value === 'object' && value !== null ? 'an object nested too deeply to print' : String(value);
  }
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
