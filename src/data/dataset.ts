import { BackpropError } from '../errors.js';
import { allocate, dtypeOfArray, type FloatArray } from '../tensor/dtype.js';

/** What a dataset's targets mean: class membership (accuracy, confusion matrix) or numbers (MSE, R²). */
export type Task = 'classification' | 'regression';

/**
 * How class labels are written as target numbers:
 * - `'onehot'`: `classes` columns, a 1 in the column of the class (softmax + cross-entropy);
 * - `'binary'`: one column, 0 for class 0 and 1 for class 1 (sigmoid + bce) — two classes only;
 * - `'sign'`: one column, −1 for class 0 and +1 for class 1 (tanh, TensorFlow Playground) — two classes only.
 */
export type TargetEncoding = 'onehot' | 'binary' | 'sign';

/**
 * A dataset in flat row-major typed storage: row `i` of the inputs is
 * `x.subarray(i * inputSize, (i + 1) * inputSize)`, and likewise for `y` with `outputSize`.
 * Nothing is boxed, so the 8,000 MNIST training digits are one `Float64Array` of 6,272,000 numbers.
 *
 * `x` and `y` are `Float64Array`s or `Float32Array`s — the precision the data will be trained in,
 * chosen when it is read (`dtype` of the readers): the 60,000 Fashion-MNIST training images read
 * for a float32 network are one `Float32Array` of 188 MB and are never held as float64. Both
 * arrays of a dataset have the same type; operations on a dataset keep it (see `datasetDType`).
 *
 * Classification datasets also carry `labels` (the class index of each row, whatever the target
 * encoding), `classNames` and `targetEncoding`; metrics, stratified splits and confusion matrices
 * read `labels` instead of decoding targets.
 *
 * Shape: `x` has `rows × inputSize` numbers, `y` has `rows × outputSize`, `labels` has `rows`.
 *
 * @example
 * ```ts
 * const ds = datasetFromArrays([[0, 0], [0, 1]], [[0], [1]]);
 * ds.x;          // Float64Array [0, 0, 0, 1]
 * ds.inputSize;  // 2
 * ```
 */
export interface Dataset {
  /** Inputs, `rows × inputSize`, row-major. */
  readonly x: FloatArray;
  /** Targets, `rows × outputSize`, row-major, of the same type as `x`. */
  readonly y: FloatArray;
  /** Number of samples. */
  readonly rows: number;
  /** Numbers per input row (features). */
  readonly inputSize: number;
  /** Numbers per target row. */
  readonly outputSize: number;
  /** Classification (with `labels`) or regression. */
  readonly task: Task;
  /** Classification only: class index of each row, in `0 … classNames.length − 1`. */
  readonly labels?: Int32Array;
  /** Classification only: the name of each class; class `k` is `classNames[k]`. */
  readonly classNames?: readonly string[];
  /** Classification only: how `labels` are written into `y`. */
  readonly targetEncoding?: TargetEncoding;
  /** Optional names of the `inputSize` input columns. */
  readonly featureNames?: readonly string[];
  /** Optional names of the `outputSize` target columns. */
  readonly targetNames?: readonly string[];
  /** The file columns the targets were read from (CSV), e.g. `["species"]` for a classification set. */
  readonly targetColumns?: readonly string[];
  /** Optional short description, e.g. `"circle"`, `"iris"`, `"mnist-train"`. */
  readonly name?: string;
}

/** The fields of a {@link Dataset} that {@link makeDataset} checks and fills in. */
export type DatasetInit = Omit<Dataset, 'rows'> & { rows?: number };

/**
 * Checks a dataset's invariants and returns it as a {@link Dataset}: sizes agree with the array
 * lengths, every number is finite, and for classification `labels` match `y` under `targetEncoding`.
 * Every constructor in `src/data` goes through here, so a `Dataset` can be trusted downstream.
 *
 * @throws BackpropError `data` naming the first inconsistent field, row and column.
 * @example
 * ```ts
 * makeDataset({ x: new Float64Array([1, 2]), y: new Float64Array([3]), inputSize: 2, outputSize: 1, task: 'regression' });
 * ```
 */
export function makeDataset(init: DatasetInit): Dataset {
  const { x, y, inputSize, outputSize, task } = init;
  const where = init.name ? `dataset "${init.name}"` : 'dataset';
  if (!Number.isInteger(inputSize) || inputSize < 1 || !Number.isInteger(outputSize) || outputSize < 1) {
    throw new BackpropError('data', `${where}: expected inputSize and outputSize to be positive integers, got ${inputSize} and ${outputSize}`);
  }
  const rows = init.rows ?? x.length / inputSize;
  if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * inputSize || y.length !== rows * outputSize) {
    throw new BackpropError(
      'data',
      `${where}: expected x of ${rows}×${inputSize} = ${rows * inputSize} and y of ${rows}×${outputSize} = ${rows * outputSize} numbers, got ${x.length} and ${y.length}`,
    );
  }
  if (dtypeOfArray(x) !== dtypeOfArray(y)) {
    throw new BackpropError('data', `${where}: expected x and y of one type, got ${x.constructor.name} and ${y.constructor.name}`);
  }
  checkFinite(x, inputSize, `${where} inputs`);
  checkFinite(y, outputSize, `${where} targets`);
  checkNames(init.featureNames, inputSize, `${where}: featureNames`);
  checkNames(init.targetNames, outputSize, `${where}: targetNames`);
  if (task === 'regression') {
    if (init.labels || init.classNames || init.targetEncoding) {
      throw new BackpropError('data', `${where}: a regression dataset has no labels, classNames or targetEncoding`);
    }
    return { ...init, rows };
  }
  if (task !== 'classification') {
    throw new BackpropError('data', `${where}: expected task "classification" or "regression", got ${JSON.stringify(task)}`);
  }
  const { labels, classNames, targetEncoding } = init;
  if (!labels || !classNames || !targetEncoding) {
    throw new BackpropError('data', `${where}: a classification dataset needs labels, classNames and targetEncoding`);
  }
  if (labels.length !== rows) throw new BackpropError('data', `${where}: expected ${rows} labels, got ${labels.length}`);
  const classes = classNames.length;
  const width = targetEncoding === 'onehot' ? classes : 1;
  if (targetEncoding !== 'onehot' && classes !== 2) {
    throw new BackpropError('data', `${where}: the "${targetEncoding}" target encoding needs exactly 2 classes, got ${classes}`);
  }
  if (outputSize !== width) {
    throw new BackpropError('data', `${where}: ${classes} classes in "${targetEncoding}" encoding need ${width} target column(s), got ${outputSize}`);
  }
  for (let i = 0; i < rows; i++) {
    const k = labels[i]!;
    if (k < 0 || k >= classes) throw new BackpropError('data', `${where}: label of row ${i} is ${k}, expected 0 … ${classes - 1}`);
    for (let j = 0; j < width; j++) {
      const expected = encodeLabel(k, j, targetEncoding);
      if (y[i * width + j] !== expected) {
        throw new BackpropError('data', `${where}: targets[${i}][${j}] is ${y[i * width + j]}, but label ${k} in "${targetEncoding}" encoding gives ${expected}`);
      }
    }
  }
  return { ...init, rows };
}

/** The target number in column `column` for class `label` under `encoding`. */
export function encodeLabel(label: number, column: number, encoding: TargetEncoding): number {
  if (encoding === 'onehot') return column === label ? 1 : 0;
  if (encoding === 'binary') return label;
  return label === 1 ? 1 : -1;
}

/**
 * Builds a classification dataset from inputs and class indices, writing the targets in `encoding`.
 *
 * @param x inputs, `labels.length × inputSize`, row-major; `y` is written in the same type.
 * @example
 * ```ts
 * const ds = classificationDataset(new Float64Array([0, 1, 2, 3]), 2, Int32Array.from([0, 1]), ['a', 'b']);
 * ds.y; // Float64Array [1, 0, 0, 1]
 * ```
 */
export function classificationDataset(
  x: FloatArray,
  inputSize: number,
  labels: Int32Array,
  classNames: readonly string[],
  encoding: TargetEncoding = 'onehot',
  extra: { featureNames?: readonly string[]; targetColumns?: readonly string[]; name?: string } = {},
): Dataset {
  const width = encoding === 'onehot' ? classNames.length : 1;
  const y = allocate(dtypeOfArray(x), labels.length * width);
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < width; j++) y[i * width + j] = encodeLabel(labels[i]!, j, encoding);
  }
  return makeDataset({ x, y, rows: labels.length, inputSize, outputSize: width, task: 'classification', labels, classNames, targetEncoding: encoding, ...extra });
}

/**
 * The same classification dataset with its targets rewritten in another encoding — e.g. one column of
 * ±1 for a tanh output, or 0/1 for a sigmoid output (two classes only). Inputs are shared, not copied.
 *
 * @example
 * ```ts
 * const ds = withTargetEncoding(circle({ size: 100, rng }), 'sign'); // ds.y in {−1, +1}, outputSize 1
 * ```
 */
export function withTargetEncoding(ds: Dataset, encoding: TargetEncoding): Dataset {
  if (ds.task !== 'classification' || !ds.labels || !ds.classNames) {
    throw new BackpropError('data', `withTargetEncoding: expected a classification dataset, got a ${ds.task} dataset`);
  }
  if (ds.targetEncoding === encoding) return ds;
  const { x, inputSize, labels, classNames, featureNames, targetColumns, name } = ds;
  return classificationDataset(x, inputSize, labels, classNames, encoding, { ...(featureNames && { featureNames }), ...(targetColumns && { targetColumns }), ...(name && { name }) });
}

/**
 * The element type of a dataset's arrays.
 *
 * @example
 * ```ts
 * datasetDType(iris()); // 'float64'
 * ```
 */
export function datasetDType(ds: Dataset): 'float64' | 'float32' {
  return dtypeOfArray(ds.x);
}

/**
 * The same classification dataset with its labels renumbered to `classNames` (a trained model's
 * classes), matched by name — or by value when both sides are numbers (`"1"` and `"1.0"`) — so a
 * test set lacking some classes, or listing them in another order, is measured against the model's
 * outputs; `y` is rewritten in the dataset's encoding. Inputs are shared, not copied.
 *
 * @throws BackpropError `data` naming the first label the model never saw.
 * @example
 * ```ts
 * const test = withClassNames(parseCsv(text, { target: 'kind' }), ['cat', 'dog', 'fox']); // 'dog'-only file → labels [1, 1, …]
 * ```
 */
export function withClassNames(ds: Dataset, classNames: readonly string[]): Dataset {
  if (ds.task !== 'classification' || !ds.labels || !ds.classNames || !ds.targetEncoding) {
    throw new BackpropError('data', `withClassNames: expected a classification dataset, got a ${ds.task} dataset`);
  }
  const same = ds.classNames.length === classNames.length && ds.classNames.every((n, k) => n === classNames[k]);
  if (same) return ds;
  const byName = new Map(classNames.map((n, k) => [n, k]));
  const numeric = (n: string): number => (n.trim() === '' ? NaN : Number(n));
  const byValue = new Map(classNames.map((n, k) => [numeric(n), k]).filter(([v]) => Number.isFinite(v)) as [number, number][]);
  const used = new Uint8Array(ds.classNames.length);
  for (let i = 0; i < ds.rows; i++) used[ds.labels[i]!] = 1;
  const map = ds.classNames.map((n, j) => {
    const k = byName.get(n) ?? byValue.get(numeric(n));
    if (k === undefined && used[j]) {
      const shown = classNames.slice(0, 12).map((c) => JSON.stringify(c)).join(', ') + (classNames.length > 12 ? ', …' : '');
      throw new BackpropError('data', `${ds.name ?? 'the data'}: the label ${JSON.stringify(n)} is not one of the model's ${classNames.length} classes (${shown})`);
    }
    return k ?? -1;
  });
  const labels = Int32Array.from(ds.labels, (k) => map[k]!);
  const encoding = ds.targetEncoding === 'onehot' || classNames.length !== 2 ? 'onehot' : ds.targetEncoding;
  const { featureNames, targetColumns, name } = ds;
  return classificationDataset(ds.x, ds.inputSize, labels, classNames, encoding, { ...(featureNames && { featureNames }), ...(targetColumns && { targetColumns }), ...(name && { name }) });
}

function checkFinite(data: FloatArray, width: number, what: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const row = Math.floor(i / width);
      throw new BackpropError('data', `${what}[${row}][${i - row * width}] (row ${row}, column ${i - row * width}): expected a finite number, got ${data[i]}`);
    }
  }
}

function checkNames(names: readonly string[] | undefined, n: number, what: string): void {
  if (names === undefined) return;
  if (!Array.isArray(names) || names.length !== n || names.some((s) => typeof s !== 'string')) {
    throw new BackpropError('data', `${what}: expected ${n} strings, got ${JSON.stringify(names)}`);
  }
}
