import { BackpropError } from '../errors.js';
import { Growable } from './blocks.js';
import { csvNumber } from './csv-scan.js';
import type { Task } from './dataset.js';

/** The most classes a target column may have; past it the column is not class labels. */
export const MAX_CLASSES = 1000;

/** Without a task given, whole-number targets with at most this many distinct values are classes. */
export const AUTO_CLASSES = 20;

/**
 * Cells read as a missing value (pandas' default markers, and `?`): in a number column they are
 * missing, never text and never a class.
 */
export const MISSING_MARKERS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', '-NaN', '-nan', 'null', 'NULL', 'None', '#N/A', '?']);

/** What {@link LabelColumn.finish} decided. */
export type LabelResult =
  | { task: 'regression'; values: Float64Array }
  | { task: 'classification'; labels: Int32Array; classNames: string[]; detected: boolean };

/** Options of {@link LabelColumn}. */
export interface LabelColumnOptions {
  /** The column's name, for messages. */
  column: string;
  /** The file's name, first in messages. */
  where: string;
  /**
   * The classes already known (a trained model's, a training file's): cells map to these by name
   * (or by value, when all are numbers), a cell naming another class is an error.
   */
  classes?: readonly string[];
  /** `'sorted'` (default) or `'first-seen'`: the order of the classes found. */
  classOrder?: 'sorted' | 'first-seen';
}

/**
 * One target column read cell by cell, in one linear pass: the number of each cell (NaN when it
 * is not one) and, up to {@link MAX_CLASSES} distinct cells, a class code — so a column of
 * 200,000 distinct numbers costs no more than its numbers, and the one-hot table is built only
 * after {@link LabelColumn.finish} has decided the task.
 *
 * @example
 * ```ts
 * const col = new LabelColumn({ column: 'y', where: 'iris.csv' });
 * for (const [cell, line] of [['0', 2], ['2', 3], ['1', 4]] as const) col.push(cell, line);
 * col.finish(undefined); // { task: 'classification', classNames: ['0', '1', '2'], labels: [0, 2, 1], detected: true }
 * ```
 */
export class LabelColumn {
  private readonly values = new Growable(new Float64Array(1024));
  private readonly codes = new Growable(new Int32Array(1024));
  private intern: Map<string, number> | null = new Map();
  private readonly seen: string[] = [];
  private firstText: { text: string; line: number } | null = null;
  private allIntegers = true;
  private readonly known: Map<string, number> | null;
  private readonly knownByValue: Map<number, number> | null;

  constructor(private readonly options: LabelColumnOptions) {
    const classes = options.classes;
    this.known = classes ? new Map(classes.map((n, k) => [n, k])) : null;
    const numbers = classes?.map(Number);
    this.knownByValue = numbers && classes!.every((n, k) => n.trim() !== '' && Number.isFinite(numbers[k])) ? new Map(numbers.map((v, k) => [v, k])) : null;
  }

  /** Rows read. */
  get length(): number {
    return this.values.length;
  }

  /** Adds the cell of the next row (`line`: its line in the file, for messages). */
  push(cell: string, line: number): void {
    const parsed = csvNumber(cell);
    const number = parsed !== undefined;
    const v = parsed ?? NaN;
    this.values.push(v);
    if (number && !Number.isInteger(v)) this.allIntegers = false;
    if (!number && this.firstText === null) this.firstText = { text: cell, line };
    if (this.known) {
      let k = this.known.get(cell);
      if (k === undefined && number && this.knownByValue) k = this.knownByValue.get(v);
      if (k === undefined) {
        const list = [...this.known.keys()];
        throw new BackpropError(
          'data',
          `${this.options.where} line ${line}, column "${this.options.column}": the label ${JSON.stringify(cell)} is not one of the model's ${list.length} classes (${list.slice(0, 12).map((n) => JSON.stringify(n)).join(', ')}${list.length > 12 ? ', …' : ''})`,
        );
      }
      this.codes.push(k);
      return;
    }
    if (this.intern === null) return;
    let k = this.intern.get(cell);
    if (k === undefined) {
      if (this.intern.size >= MAX_CLASSES) {
        this.intern = null;
        return;
      }
      k = this.intern.size;
      this.intern.set(cell, k);
      this.seen.push(cell);
    }
    this.codes.push(k);
  }

  /** Forgets the last row (left out for a missing value elsewhere in it). */
  dropLast(): void {
    this.values.length--;
    if (this.codes.length > this.values.length) this.codes.length--;
  }

  /**
   * Decides what the column holds and returns it:
   * - `task` given: that task, or an error saying why the column cannot be it;
   * - else text labels ⇒ classification; whole numbers with at most {@link AUTO_CLASSES} distinct
   *   values (and at least two rows per value) ⇒ classification (`detected: true`, for a notice);
   *   other numbers ⇒ regression.
   *
   * @throws BackpropError `data` naming the column: more than {@link MAX_CLASSES} classes (suggesting
   *   regression), text in a regression target (naming the line).
   */
  finish(task: Task | undefined): LabelResult {
    const { column, where } = this.options;
    const rows = this.values.length;
    const values = this.values.finish();
    if (this.known) return { task: 'classification', labels: this.codes.finish(), classNames: [...this.options.classes!], detected: false };
    const numeric = this.firstText === null;
    if (task === 'regression' || (task === undefined && numeric && !(this.allIntegers && this.fewValues(values, rows)))) {
      if (!numeric) {
        const { text, line } = this.firstText!;
        throw new BackpropError('data', `${where} line ${line}, column "${column}": expected a number (regression target), got ${JSON.stringify(text)}`);
      }
      return { task: 'regression', values };
    }
    if (this.intern === null) {
      const first = this.firstText ? `; it holds text such as ${JSON.stringify(this.firstText.text)} (line ${this.firstText.line})` : '';
      throw new BackpropError(
        'data',
        `${where}: the target column "${column}" has more than ${MAX_CLASSES} distinct values, too many classes${first}; to predict numbers use --task regression`,
      );
    }
    let classNames: string[];
    let codeToClass: Int32Array;
    if (numeric) {
      // NOTE: number labels are classes by value: "1" and "1.0" are one class, named as first written.
      const byValue = new Map<number, string>();
      this.seen.forEach((s) => {
        const v = Number(s);
        if (!byValue.has(v)) byValue.set(v, s);
      });
      const order = this.options.classOrder === 'first-seen' ? [...byValue.keys()] : [...byValue.keys()].sort((a, b) => a - b);
      classNames = order.map((v) => byValue.get(v)!);
      const index = new Map(order.map((v, k) => [v, k]));
      codeToClass = Int32Array.from(this.seen, (s) => index.get(Number(s))!);
    } else {
      classNames = this.options.classOrder === 'first-seen' ? [...this.seen] : [...this.seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const index = new Map(classNames.map((n, k) => [n, k]));
      codeToClass = Int32Array.from(this.seen, (s) => index.get(s)!);
    }
    const codes = this.codes.finish();
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) labels[i] = codeToClass[codes[i]!]!;
    return { task: 'classification', labels, classNames, detected: task === undefined && numeric };
  }

  /** At most {@link AUTO_CLASSES} distinct values, each used by two rows on average. */
  private fewValues(values: Float64Array, rows: number): boolean {
    const distinct = new Set<number>();
    for (let i = 0; i < rows; i++) {
      distinct.add(values[i]!);
      if (distinct.size > AUTO_CLASSES) return false;
    }
    return distinct.size * 2 <= rows;
  }
}
