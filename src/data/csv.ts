import { parse } from 'csv-parse/browser/esm/sync';
import { BackpropError } from '../errors.js';
import { classificationDataset, makeDataset } from './dataset.js';
import type { Dataset, Task, TargetEncoding } from './dataset.js';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** The target column, or several (numbers for multi-output regression, or one-hot 0/1 columns). */
  target: string | readonly string[];
  /** The feature columns in the order wanted; default every column that is not a target, in file order. */
  features?: readonly string[];
  /**
   * Default: a single target column of numbers ⇒ `'regression'`; any non-number in it ⇒ `'classification'`;
   * several target columns ⇒ `'regression'`. Force `'classification'` to treat numeric codes (`0`, `1`, `2`)
   * as class labels, or several 0/1 columns as one-hot classes named after the columns.
   */
  task?: Task;
  /**
   * Order of the classes of a label column: `'sorted'` (default: by number when every label is a
   * number, else by code point — the same on every machine and for every row order) or
   * `'first-seen'` (the order the labels first appear in the file).
   */
  classOrder?: 'sorted' | 'first-seen';
  /** How the classes are written in `y`; default `'onehot'` (binary/sign need exactly 2 classes). */
  encoding?: TargetEncoding;
  /** Field delimiter, default `,`. */
  delimiter?: string;
  /** A name for error messages and `Dataset.name` (e.g. the file name). */
  name?: string;
}

/** One parsed CSV record: its fields and the (1-based) line of the file where it ends. */
export interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
}

/**
 * Reads a CSV text with a header row into a {@link Dataset}, choosing feature and target columns by
 * name. Parsing (quotes, embedded newlines, a UTF-8 BOM, CRLF) is done by `csv-parse` (its browser
 * build, so this works in a browser); blank lines are skipped; cells are trimmed.
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
export function parseCsv(text: string, options: CsvOptions): Dataset {
  return datasetFromCsvRecords(parseCsvRecords(text, options), options);
}

/**
 * Splits CSV text into records with their line numbers (csv-parse, browser build).
 *
 * @throws BackpropError `data` with the line of a malformed record (wrong field count, open quote).
 */
export function parseCsvRecords(text: string, options: Pick<CsvOptions, 'delimiter' | 'name'> = {}): CsvRecord[] {
  return csvRecords(parse as CsvParse, text, options);
}

/** The shape of csv-parse's synchronous `parse` (Node and browser builds alike). */
export type CsvParse = (input: string, options: Record<string, unknown>) => unknown[];

/** Runs a csv-parse `parse` function and turns its output and errors into {@link CsvRecord}s. */
export function csvRecords(parseFn: CsvParse, text: string, options: Pick<CsvOptions, 'delimiter' | 'name'> = {}): CsvRecord[] {
  const where = options.name ?? 'CSV';
  let raw: unknown[];
  try {
    raw = parseFn(text, { info: true, bom: true, trim: true, skip_empty_lines: true, delimiter: options.delimiter ?? ',' });
  } catch (e) {
    const err = e as { code?: string; lines?: number; message?: string };
    if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      const m = /expect (\d+), got (\d+)/.exec(err.message ?? '');
      const detail = m ? `expected ${m[1]} fields (like the header), got ${m[2]}` : (err.message ?? '');
      throw new BackpropError('data', `${where} line ${err.lines}: ${detail}`);
    }
    throw new BackpropError('data', `${where}${err.lines ? ` line ${err.lines}` : ''}: ${err.message ?? String(e)}`);
  }
  return raw.map((r) => {
    const { record, info } = r as { record: string[]; info: { lines: number } };
    return { fields: record, line: info.lines };
  });
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number in a cell, or `undefined` when the cell is not a plain decimal number. */
export function csvNumber(cell: string): number | undefined {
  if (!NUMBER.test(cell)) return undefined;
  const v = Number(cell);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Builds a {@link Dataset} from parsed records; `records[0]` is the header. See {@link parseCsv}.
 *
 * @example
 * ```ts
 * datasetFromCsvRecords([{ fields: ['a', 'y'], line: 1 }, { fields: ['1', '2'], line: 2 }], { target: 'y' });
 * ```
 */
export function datasetFromCsvRecords(records: readonly CsvRecord[], options: CsvOptions): Dataset {
  const where = options.name ?? 'CSV';
  const header = records[0];
  if (!header) throw new BackpropError('data', `${where}: the file is empty, expected a header row`);
  const columns = header.fields;
  columns.forEach((c, j) => {
    const k = columns.indexOf(c);
    if (k !== j) throw new BackpropError('data', `${where} line ${header.line}: column "${c}" appears twice in the header (columns ${k + 1} and ${j + 1})`);
  });
  const available = columns.map((c) => `"${c}"`).join(', ');
  const find = (name: string, role: string): number => {
    const j = columns.indexOf(name);
    if (j < 0) throw new BackpropError('data', `${where}: unknown ${role} column "${name}"; the columns are ${available}`);
    return j;
  };
  const targetNames = typeof options.target === 'string' ? [options.target] : [...(options.target ?? [])];
  if (targetNames.length === 0) throw new BackpropError('data', `${where}: expected a target column; the columns are ${available}`);
  const targetCols = targetNames.map((n) => find(n, 'target'));
  const featureNames = options.features ? [...options.features] : columns.filter((c) => !targetNames.includes(c));
  const featureCols = featureNames.map((n) => find(n, 'feature'));
  for (const n of featureNames) {
    if (targetNames.includes(n)) throw new BackpropError('data', `${where}: column "${n}" is both a feature and a target`);
  }
  if (featureCols.length === 0) throw new BackpropError('data', `${where}: no feature columns left besides the target; the columns are ${available}`);
  const body = records.slice(1);
  if (body.length === 0) throw new BackpropError('data', `${where}: no data rows after the header`);

  const rows = body.length;
  const inputSize = featureCols.length;
  const x = new Float64Array(rows * inputSize);
  body.forEach((rec, i) => {
    featureCols.forEach((c, j) => {
      const cell = rec.fields[c]!;
      const v = csvNumber(cell);
      if (v === undefined) {
        throw new BackpropError('data', `${where} line ${rec.line}, column "${columns[c]}": expected a number, got ${cell === '' ? 'an empty cell' : JSON.stringify(cell)}`);
      }
      x[i * inputSize + j] = v;
    });
  });
  const extra = { featureNames, ...(options.name && { name: options.name }) };

  const single = targetCols.length === 1;
  const numeric = (c: number): boolean => body.every((rec) => csvNumber(rec.fields[c]!) !== undefined);
  const task: Task = options.task ?? (single && !numeric(targetCols[0]!) ? 'classification' : 'regression');

  if (task === 'regression') {
    const outputSize = targetCols.length;
    const y = new Float64Array(rows * outputSize);
    body.forEach((rec, i) => {
      targetCols.forEach((c, j) => {
        const cell = rec.fields[c]!;
        const v = csvNumber(cell);
        if (v === undefined) {
          throw new BackpropError('data', `${where} line ${rec.line}, column "${columns[c]}": expected a number (regression target), got ${cell === '' ? 'an empty cell' : JSON.stringify(cell)}`);
        }
        y[i * outputSize + j] = v;
      });
    });
    return makeDataset({ x, y, rows, inputSize, outputSize, task, targetNames, ...extra });
  }

  const labels = new Int32Array(rows);
  let classNames: string[];
  if (single) {
    const c = targetCols[0]!;
    const seen: string[] = [];
    body.forEach((rec) => {
      const cell = rec.fields[c]!;
      if (cell === '') throw new BackpropError('data', `${where} line ${rec.line}, column "${columns[c]}": expected a class label, got an empty cell`);
      if (!seen.includes(cell)) seen.push(cell);
    });
    classNames = (options.classOrder ?? 'sorted') === 'first-seen' ? seen : sortLabels(seen);
    const index = new Map(classNames.map((n, k) => [n, k]));
    body.forEach((rec, i) => (labels[i] = index.get(rec.fields[c]!)!));
  } else {
    classNames = targetNames;
    body.forEach((rec, i) => {
      const cells = targetCols.map((c) => rec.fields[c]!);
      const ones = cells.filter((s) => csvNumber(s) === 1).length;
      const zeros = cells.filter((s) => csvNumber(s) === 0).length;
      if (ones !== 1 || zeros !== cells.length - 1) {
        throw new BackpropError('data', `${where} line ${rec.line}: the one-hot target columns ${targetNames.map((n) => `"${n}"`).join(', ')} must hold one 1 and otherwise 0, got ${cells.join(', ')}`);
      }
      labels[i] = cells.findIndex((s) => csvNumber(s) === 1);
    });
  }
  return classificationDataset(x, inputSize, labels, classNames, options.encoding ?? 'onehot', extra);
}

/** Class labels sorted by number when all are numbers, else by code point. */
function sortLabels(labels: string[]): string[] {
  const numbers = labels.map(csvNumber);
  if (numbers.every((v) => v !== undefined)) return [...labels].sort((a, b) => csvNumber(a)! - csvNumber(b)! || (a < b ? -1 : a > b ? 1 : 0));
  return [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
