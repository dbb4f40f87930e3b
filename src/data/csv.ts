import type { DType, FloatArray } from '../tensor/dtype.js';
import { CsvScanner, type CsvSink } from './csv-scan.js';
import { CsvTable } from './csv-table.js';
import type { Dataset, Task, TargetEncoding } from './dataset.js';
import type { DataNotice } from './notice.js';

export { csvNumber } from './csv-scan.js';

/** How missing cells (empty, `NA`, `NaN`, `?`, … — see `MISSING_MARKERS`) are handled. */
export type MissingPolicy = 'error' | 'drop' | 'mean';

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface CsvOptions {
  /** The target column, or several (numbers for multi-output regression, or one-hot 0/1 columns); default the last column. */
  target?: string | readonly string[];
  /** The feature columns in the order wanted; default every column that is neither a target nor ignored, in file order. */
  features?: readonly string[];
  /** Columns to leave out (e.g. an id). */
  ignore?: readonly string[];
  /**
   * Default: a single target column of text ⇒ `'classification'`; whole numbers with at most 20
   * distinct values (two rows per value or more) ⇒ `'classification'` (a `task` notice says so);
   * other numbers, and several target columns ⇒ `'regression'`. Force `'classification'` to treat
   * any numeric codes as classes, or several 0/1 columns as one-hot classes named after the columns.
   */
  task?: Task;
  /** The classes already known (a model's): labels map to these by name, an unknown label is an error. */
  classes?: readonly string[];
  /** `'sorted'` (default: by number when every label is a number, else by code point) or `'first-seen'`. */
  classOrder?: 'sorted' | 'first-seen';
  /** How the classes are written in `y`; default `'onehot'` (binary/sign need exactly 2 classes). */
  encoding?: TargetEncoding;
  /** Field delimiter; default detected from the first line (`,`, `;` or tab). */
  delimiter?: string;
  /** Whether the first line (after `skipRows`) names the columns (default true); without one, columns are named `1`, `2`, … */
  header?: boolean;
  /** Lines to skip before the header (default 0). */
  skipRows?: number;
  /** Missing cells: `'error'` (default, naming line and column), `'drop'` the row, or fill a feature with its column's `'mean'`. */
  missing?: MissingPolicy;
  /** The element type of `x` and `y` (default float64): read straight into it, never through a float64 copy. */
  dtype?: DType;
  /** The most numbers `x` may hold (default 2³² − 1). */
  maxNumbers?: number;
  /**
   * The file's size in bytes, when known (uncompressed): after the first chunk the reader sizes
   * `x` for the rows to come and fills it in place — no final copy, the data held once.
   */
  sizeHint?: number;
  /** Called with what the reader decided or noticed (a detected task, an id-like column, rows dropped). */
  onNotice?: (notice: DataNotice) => void;
  /** A name for error messages and `Dataset.name` (e.g. the file name). */
  name?: string;
}

/** One parsed CSV record: its fields and the (1-based) line of the file where it ends. */
export interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
}

/**
 * Reads CSV text (a string or UTF-8 bytes) into a {@link Dataset}, columns chosen by name. See
 * {@link readCsv} for the streaming reader this wraps, and {@link CsvOptions} for the choices.
 *
 * Errors name the line of the file and the column: `iris.csv line 7, column "sepal width": expected a number, got "abc"`;
 * an unknown column name lists the available ones.
 *
 * @example
 * ```ts
 * const ds = parseCsv('a,b,kind\n1,2,cat\n3,4,dog\n', { target: 'kind' });
 * ds.classNames; // ['cat', 'dog']; ds.y = [1, 0, 0, 1]
 * ```
 */
export function parseCsv(text: string | Uint8Array, options: CsvOptions = {}): Dataset {
  const table = new CsvTable(options);
  const scanner = new CsvScanner(table, { ...options, name: table.where });
  scanner.push(typeof text === 'string' ? new TextEncoder().encode(text) : text);
  scanner.end();
  return table.finish();
}

/**
 * Reads a CSV file streamed as chunks of UTF-8 bytes into a {@link Dataset}: numbers go straight
 * from the bytes into typed arrays of `options.dtype` (no string per cell, no array per row), so
 * memory stays near twice the numbers read, whatever the file's size. Quotes, line breaks inside
 * quotes, a BOM, CRLF, blank lines, `;` or tab delimiters (detected) and header-less files are
 * handled; see {@link CsvScanner}.
 *
 * @throws BackpropError `data` naming the line (and column) of the first problem.
 * @example
 * ```ts
 * const ds = await readCsv(file.stream(), { target: 'species', dtype: 'float32' });
 * ```
 */
export async function readCsv(chunks: AsyncIterable<Uint8Array>, options: CsvOptions = {}): Promise<Dataset> {
  const table = new CsvTable(options);
  const scanner = new CsvScanner(table, { ...options, name: table.where });
  let first = true;
  for await (const chunk of chunks) {
    scanner.push(chunk);
    if (first && options.sizeHint && scanner.consumed > 0) first = !table.reserve(scanner.consumed, options.sizeHint);
  }
  scanner.end();
  return table.finish();
}

/** The inputs read by {@link readCsvInputs}: `rows × inputSize` numbers, row-major, and their column names. */
export interface CsvInputs {
  readonly x: FloatArray;
  readonly rows: number;
  readonly inputSize: number;
  readonly featureNames: readonly string[];
}

/**
 * Reads only input columns from a streamed CSV file — rows to predict, with no target: the
 * `features` columns by name (a model's), or every column. Same reader, errors and options as
 * {@link readCsv} (`target`, `task` and `classes` do not apply).
 *
 * @example
 * ```ts
 * const { x, rows } = await readCsvInputs(chunks, { features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] });
 * ```
 */
export async function readCsvInputs(chunks: AsyncIterable<Uint8Array>, options: Omit<CsvOptions, 'target' | 'task' | 'classes'> = {}): Promise<CsvInputs> {
  const table = new CsvTable(options, true);
  const scanner = new CsvScanner(table, { ...options, name: table.where });
  for await (const chunk of chunks) scanner.push(chunk);
  scanner.end();
  return table.finishInputs();
}

/**
 * Splits CSV text into records of strings with their line numbers — for small inputs (a header,
 * a few rows to predict). Same tokenizer as {@link parseCsv}.
 *
 * @throws BackpropError `data` with the line of a malformed record (an open quote).
 * @example
 * ```ts
 * parseCsvRecords('a,b\n1,2\n'); // [{ fields: ['a', 'b'], line: 1 }, { fields: ['1', '2'], line: 2 }]
 * ```
 */
export function parseCsvRecords(text: string, options: Pick<CsvOptions, 'delimiter' | 'name' | 'skipRows'> = {}): CsvRecord[] {
  const records: CsvRecord[] = [];
  const decoder = new TextDecoder();
  const sink: CsvSink = {
    record: ({ buf, starts, ends, texts, count, line }) => {
      records.push({ fields: Array.from({ length: count }, (_, k) => texts[k] ?? decoder.decode(buf.subarray(starts[k]!, ends[k]!))), line });
    },
  };
  const scanner = new CsvScanner(sink, { ...options, name: options.name ?? 'CSV' });
  scanner.push(new TextEncoder().encode(text));
  scanner.end();
  return records;
}

