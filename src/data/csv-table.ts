import { BackpropError } from '../errors.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { MAX_DATA_NUMBERS, RowBlocks } from './blocks.js';
import { csvNumber, parseDecimal, type CsvRecordView, type CsvSink } from './csv-scan.js';
import type { CsvInputs, CsvOptions, MissingPolicy } from './csv.js';
import { classificationDataset, makeDataset } from './dataset.js';
import type { Dataset } from './dataset.js';
import { LabelColumn, MISSING_MARKERS } from './labels.js';
import type { DataNotice } from './notice.js';

const IGNORED = -1;
const TARGET = -2;
const ID_NAME = /^(id|index|idx|row|row_?id|rownum|unnamed: ?\d+|.*[_ ]id)$/i;

/** A column name as typed after a flag: as it is when plain, else quoted. */
function flagValue(name: string): string {
  return /^[\w.:-]+$/.test(name) ? name : JSON.stringify(name);
}

/** The CSV reader's state: header, column roles, rows read so far. A {@link CsvSink}. */
export class CsvTable implements CsvSink {
  readonly where: string;
  private names: string[] = [];
  /** Until the first record: it names the columns (or, without a header, counts them). */
  private first = true;
  private roles = new Int32Array(0);
  private line = 0;
  private x: RowBlocks | null = null;
  private label: LabelColumn | null = null;
  private targets: RowBlocks | null = null;
  private targetNames: string[] = [];
  private featureNames: string[] = [];
  private dropped = 0;
  private firstDropped = 0;
  private missingCells = 0;
  private idColumn = -1;
  private idStart = 0;
  private readonly decoder = new TextDecoder();
  private readonly missing: MissingPolicy;

  /** `inputsOnly`: rows to predict, no target column ({@link CsvTable.finishInputs}). */
  constructor(
    private readonly options: CsvOptions,
    private readonly inputsOnly = false,
  ) {
    this.where = options.name ?? 'CSV';
    this.missing = options.missing ?? 'error';
    if (!['error', 'drop', 'mean'].includes(this.missing)) throw new BackpropError('argument', `${this.where}: missing must be "error", "drop" or "mean", got ${JSON.stringify(options.missing)}`);
  }

  record(r: CsvRecordView): void {
    const { buf, starts, ends, texts, count, line } = r;
    this.line = line;
    if (this.first) {
      const cells = Array.from({ length: count }, (_, k) => texts[k] ?? this.decoder.decode(buf.subarray(starts[k]!, ends[k]!)));
      this.first = false;
      if (this.options.header ?? true) {
        this.plan(cells, line);
        return;
      }
      this.plan(cells.map((_, j) => String(j + 1)), line);
      // NOTE: without a header the first record is data: read it again as text cells.
      this.record({ buf: new Uint8Array(0), starts: new Int32Array(count), ends: new Int32Array(count), texts: cells, count, line });
      return;
    }
    const roles = this.roles;
    if (count !== roles.length) {
      throw new BackpropError('data', `${this.where} line ${line}: expected ${roles.length} fields (like the ${this.options.header === false ? 'first row' : 'header'}), got ${count}`);
    }
    const x = this.x!;
    const o = x.next();
    const cur = x.current;
    const t = this.targets;
    const to = t ? t.next() : 0;
    let missing = false;
    let labelPushed = false;
    for (let k = 0; k < count; k++) {
      const role = roles[k]!;
      if (role === IGNORED) continue;
      const text = texts[k]!;
      if (role >= 0) {
        let v = text === null ? parseDecimal(buf, starts[k]!, ends[k]!) : NaN;
        if (v !== v) {
          v = this.notNumber(k, text ?? this.decoder.decode(buf.subarray(starts[k]!, ends[k]!)), false);
          if (v !== v) missing = true;
        }
        cur[o + role] = v;
      } else if (role === TARGET) {
        const cell = text ?? this.decoder.decode(buf.subarray(starts[k]!, ends[k]!));
        if (MISSING_MARKERS.has(cell)) {
          this.missingCell(k, cell, true);
          missing = true;
        } else {
          this.label!.push(cell, line);
          labelPushed = true;
        }
      } else {
        let v = text === null ? parseDecimal(buf, starts[k]!, ends[k]!) : NaN;
        if (v !== v) {
          v = this.notNumber(k, text ?? this.decoder.decode(buf.subarray(starts[k]!, ends[k]!)), true);
          if (v !== v) missing = true;
        }
        t!.current[to + (-3 - role)] = v;
      }
    }
    if (this.idColumn === 0) this.checkId(cur[o + roles[0]!]!, x.rows - 1);
    if (t && this.options.task === 'classification' && !missing) this.checkOneHot(line);
    if (missing && this.missing === 'drop') {
      x.dropLast();
      t?.dropLast();
      if (labelPushed) this.label!.dropLast();
      if (this.dropped++ === 0) this.firstDropped = line;
    }
  }

  /** The first feature column stays an id candidate while it counts the rows from 0 or 1. */
  private checkId(v: number, row: number): void {
    if (row === 0 && (v === 0 || v === 1)) this.idStart = v;
    else if (row === 0 || v !== this.idStart + row) this.idColumn = -1;
  }

  /** Several target columns as one-hot classes: one 1, otherwise 0. */
  private checkOneHot(line: number): void {
    const t = this.targets!;
    let ones = 0;
    let zeros = 0;
    for (let j = 0; j < t.width; j++) {
      const v = t.current[t.offset + j]!;
      if (v === 1) ones++;
      else if (v === 0) zeros++;
    }
    if (ones !== 1 || zeros !== t.width - 1) {
      const cells = Array.from(t.current.subarray(t.offset, t.offset + t.width)).join(', ');
      throw new BackpropError('data', `${this.where} line ${line}: the one-hot target columns ${this.targetNames.map((n) => `"${n}"`).join(', ')} must hold one 1 and otherwise 0, got ${cells}`);
    }
  }

  /** A feature (or multi-target) cell that is not a plain number: missing, or an error. */
  private notNumber(c: number, cell: string, target = false): number {
    const v = csvNumber(cell);
    if (v !== undefined) return v;
    if (MISSING_MARKERS.has(cell)) {
      this.missingCell(c, cell, target);
      return NaN;
    }
    const hint = target ? '' : ` (text: leave the column out with --ignore ${flagValue(this.names[c]!)}, or write it as one 0/1 column per value)`;
    throw new BackpropError('data', `${this.where} line ${this.line}, column "${this.names[c]}": expected a number${target ? ' (target)' : ''}, got ${JSON.stringify(cell)}${hint}`);
  }

  private missingCell(c: number, cell: string, target: boolean): void {
    if (this.missing === 'error' || (target && this.missing === 'mean')) {
      const got = cell === '' ? 'an empty cell' : JSON.stringify(cell);
      const how = target && this.missing === 'mean' ? '--missing mean fills feature columns only; --missing drop leaves rows without a target out' : 'a missing value: --missing drop leaves such rows out, --missing mean fills in the column\'s mean';
      const expected = !target ? 'a number' : this.label && this.options.task !== 'regression' ? 'a class label or number (target)' : 'a number (target)';
      throw new BackpropError('data', `${this.where} line ${this.line}, column "${this.names[c]}": expected ${expected}, got ${got} (${how})`);
    }
    this.missingCells++;
  }


  /** Column roles from the header. */
  private plan(names: string[], line: number): void {
    const where = this.where;
    names.forEach((c, j) => {
      const k = names.indexOf(c);
      if (k !== j) throw new BackpropError('data', `${where} line ${line}: column "${c}" appears twice in the header (columns ${k + 1} and ${j + 1})`);
    });
    const available = names.length > 12 ? `${names.slice(0, 12).map((c) => `"${c}"`).join(', ')}, … (${names.length} columns)` : names.map((c) => `"${c}"`).join(', ');
    const find = (name: string, role: string): number => {
      const j = names.indexOf(name);
      if (j < 0) throw new BackpropError('data', `${where}: unknown ${role} column "${name}"; the columns are ${available}`);
      return j;
    };
    const o = this.options;
    const inputsOnly = this.inputsOnly;
    const target = inputsOnly ? [] : (o.target ?? names[names.length - 1]!);
    const targetNames = typeof target === 'string' ? [target] : [...target];
    if (targetNames.length === 0 && !inputsOnly) throw new BackpropError('data', `${where}: expected a target column; the columns are ${available}`);
    const targetCols = targetNames.map((n) => find(n, 'target'));
    if (o.target === undefined && !inputsOnly) this.notice({ kind: 'target', column: targetNames[0]!, message: `target: the last column, "${targetNames[0]}" (choose another with --target)` });
    const ignore = new Set((o.ignore ?? []).map((n) => find(n, 'ignored')));
    for (const n of targetNames) if (ignore.has(names.indexOf(n))) throw new BackpropError('data', `${where}: column "${n}" is both the target and ignored`);
    const featureNames = o.features ? [...o.features] : names.filter((_, j) => !targetCols.includes(j) && !ignore.has(j));
    const featureCols = featureNames.map((n) => find(n, 'feature'));
    for (const n of featureNames) {
      if (targetNames.includes(n)) throw new BackpropError('data', `${where}: column "${n}" is both a feature and a target`);
      if (ignore.has(names.indexOf(n))) throw new BackpropError('data', `${where}: column "${n}" is both a feature and ignored`);
    }
    if (featureCols.length === 0) throw new BackpropError('data', `${where}: no feature columns left${inputsOnly ? '' : ' besides the target'}; the columns are ${available}`);
    this.names = names;
    this.roles = new Int32Array(names.length).fill(IGNORED);
    featureCols.forEach((j, k) => (this.roles[j] = k));
    const dtype = o.dtype ?? 'float64';
    this.x = new RowBlocks(dtype, featureCols.length, o.maxNumbers ?? MAX_DATA_NUMBERS, where);
    this.featureNames = featureNames;
    this.targetNames = targetNames;
    if (targetCols.length === 1) {
      this.roles[targetCols[0]!] = TARGET;
      this.label = new LabelColumn({ column: targetNames[0]!, where, ...(o.classes && { classes: o.classes }), ...(o.classOrder && { classOrder: o.classOrder }) });
    } else if (targetCols.length > 1) {
      targetCols.forEach((j, t) => (this.roles[j] = -3 - t));
      this.targets = new RowBlocks(dtype, targetCols.length, MAX_DATA_NUMBERS, where);
    }
    const idLike = featureCols.find((j) => ID_NAME.test(names[j]!));
    if (idLike !== undefined) this.notice({ kind: 'id-column', column: names[idLike]!, message: `column "${names[idLike]}" looks like a row id and is used as a feature; leave it out with --ignore ${flagValue(names[idLike]!)}` });
    else if (featureCols[0] === 0) this.idColumn = 0;
  }

  private notice(n: DataNotice): void {
    this.options.onNotice?.(n);
  }

  /**
   * Sizes the inputs for the whole file from the rows read in its first `consumed` bytes (2 %
   * spare); true once it could (some rows were read).
   */
  reserve(consumed: number, size: number): boolean {
    const x = this.x;
    if (!x || x.rows === 0) return false;
    x.reserve(Math.ceil((x.rows * size * 1.02) / consumed) + 16);
    return true;
  }

  /** Rows to predict: the inputs only. */
  finishInputs(): CsvInputs {
    const xb = this.x;
    if (!xb) throw new BackpropError('data', `${this.where}: the file is empty, expected a header row`);
    if (xb.rows === 0) throw new BackpropError('data', `${this.where}: no data rows${this.dropped ? ` left after dropping ${this.dropped} with missing values` : ' after the header'}`);
    const inputSize = xb.width;
    const rows = xb.rows;
    const x = xb.finish();
    if (this.missing === 'mean' && this.missingCells > 0) this.fillMeans(x, inputSize);
    return { x, rows, inputSize, featureNames: this.featureNames };
  }

  finish(): Dataset {
    const where = this.where;
    const xb = this.x;
    if (!xb) throw new BackpropError('data', `${where}: the file is empty, expected a header row`);
    const rows = xb.rows;
    if (rows === 0) throw new BackpropError('data', `${where}: no data rows${this.dropped ? ` left after dropping ${this.dropped} with missing values` : ' after the header'}`);
    const inputSize = xb.width;
    if (this.idColumn === 0 && rows >= 3) {
      const n = this.names[0]!;
      this.notice({ kind: 'id-column', column: n, message: `column "${n}" counts the rows (${this.idStart}, ${this.idStart + 1}, ${this.idStart + 2}, …) like an id and is used as a feature; leave it out with --ignore ${flagValue(n)}` });
    }
    if (this.dropped) this.notice({ kind: 'dropped', count: this.dropped, message: `left out ${this.dropped} row${this.dropped > 1 ? 's' : ''} with missing values (the first on line ${this.firstDropped})` });
    const x = xb.finish();
    if (this.missing === 'mean' && this.missingCells > 0) this.fillMeans(x, inputSize);
    const extra = { featureNames: this.featureNames, targetColumns: this.targetNames, ...(this.options.name && { name: this.options.name }) };
    const dtype = this.options.dtype ?? 'float64';
    if (this.label) {
      const result = this.label.finish(this.options.task);
      if (result.task === 'regression') {
        const y = allocate(dtype, rows);
        y.set(result.values);
        return makeDataset({ x, y, rows, inputSize, outputSize: 1, task: 'regression', targetNames: this.targetNames, ...extra });
      }
      if (result.detected) {
        const shown = result.classNames.slice(0, 10).join(', ') + (result.classNames.length > 10 ? ', …' : '');
        this.notice({ kind: 'task', column: this.targetNames[0]!, message: `target "${this.targetNames[0]}": ${result.classNames.length} distinct whole numbers (${shown}), taken as class labels; to predict them as numbers use --task regression` });
      }
      return classificationDataset(x, inputSize, result.labels, result.classNames, this.options.encoding ?? 'onehot', extra);
    }
    return this.multiTarget(x, rows, inputSize, extra);
  }

  private multiTarget(x: FloatArray, rows: number, inputSize: number, extra: { featureNames: string[]; targetColumns: string[]; name?: string }): Dataset {
    const y = this.targets!.finish();
    const width = this.targetNames.length;
    if ((this.options.task ?? 'regression') === 'regression') {
      return makeDataset({ x, y, rows, inputSize, outputSize: width, task: 'regression', targetNames: this.targetNames, ...extra });
    }
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < width; j++) if (y[i * width + j] === 1) labels[i] = j;
    }
    return classificationDataset(x, inputSize, labels, this.targetNames, this.options.encoding ?? 'onehot', extra);
  }

  /** Fills missing (NaN) feature cells with their column's mean over the rows that have them. */
  private fillMeans(x: FloatArray, width: number): void {
    const sum = new Float64Array(width);
    const count = new Float64Array(width);
    for (let i = 0; i < x.length; i += width) {
      for (let j = 0; j < width; j++) {
        const v = x[i + j]!;
        if (v === v) {
          sum[j]! += v;
          count[j]!++;
        }
      }
    }
    const filled: string[] = [];
    for (let j = 0; j < width; j++) {
      const rows = x.length / width;
      if (count[j] === rows) continue;
      if (count[j] === 0) throw new BackpropError('data', `${this.where}: column "${this.featureNames[j]}" has no numbers to take a mean of (every cell is missing); leave it out with --ignore`);
      const mean = sum[j]! / count[j]!;
      for (let i = j; i < x.length; i += width) if (x[i] !== x[i]) x[i] = mean;
      filled.push(`"${this.featureNames[j]}" ${rows - count[j]!}`);
    }
    this.notice({ kind: 'filled', count: this.missingCells, message: `filled ${this.missingCells} missing cell${this.missingCells > 1 ? 's' : ''} with the column's mean (${filled.join(', ')})` });
  }
}
