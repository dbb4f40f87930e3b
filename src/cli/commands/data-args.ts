import { BackpropError } from '../../errors.js';
import type { CsvOptions, MissingPolicy } from '../../data/csv.js';
import { encodeFor, withClassNames, type Dataset, type Task } from '../../data/dataset.js';
import { DATA_NAMES, isCsvPath, loadData, type LoadedData } from '../../data/load.node.js';
import { split } from '../../data/split.js';
import { MinMaxScaler, Standardizer, type Scaler } from '../../data/scale.js';
import { SYNTHETIC_NAMES } from '../../data/synthetic.js';
import type { PreprocessingFile } from '../../io/model-file.js';
import type { DType } from '../../tensor/dtype.js';
import type { FlagSpec, ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { shown } from '../escape.js';
import { seedStream, type Rng } from '../../tensor/rng.js';

/** Flags that choose and shape the data, shared by `train` and `eval`. */
export const DATA_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', value: 'DATA', help: `${DATA_NAMES.join('|')}|DIR (IDX files)|FILE.csv[.gz]|FILE.json` },
  target: { type: 'string', value: 'COLUMN', help: "CSV: the target column (default: the model's, else the last column)" },
  features: { type: 'string', value: 'A,B,C', help: 'CSV: the feature columns (default: every other column)' },
  ignore: { type: 'string', value: 'A,B', help: 'CSV: columns to leave out (e.g. an id)' },
  task: { type: 'string', choices: ['classification', 'regression'], help: 'CSV/JSON: what the target is (default: text or few whole numbers ⇒ classes)' },
  'no-header': { type: 'boolean', help: 'CSV: the first line is data; columns are named 1, 2, 3, …' },
  'skip-rows': { type: 'int', value: 'N', min: 0, help: 'CSV: skip N lines before the header' },
  delimiter: { type: 'string', value: 'C', help: 'CSV: the field delimiter: , ; tab or one character (default: detected)' },
  missing: { type: 'string', choices: ['error', 'drop', 'mean'], help: 'CSV: missing cells (empty, NA, NaN, ?): error (default), drop the row, or the column mean' },
  size: { type: 'int', value: 'N', min: 2, max: 1_000_000, help: 'synthetic sets: number of points (default 500, at most 1,000,000)' },
  noise: { type: 'number', value: 'X', min: 0, help: 'synthetic sets: noise, 0 … 0.5 (default 0)' },
  validation: { type: 'number', value: 'F', min: 0, help: 'fraction of the rows held out for validation (default 0)' },
  test: { type: 'number', value: 'F', min: 0, help: 'fraction of the rows held out for testing (default 0; mnist and IDX data have their test files)' },
};

/** `train`'s flags for data in separate files, read like --data with the training file's columns, labels and scaling. */
export const SEPARATE_DATA_FLAGS: Record<string, FlagSpec> = {
  'validation-data': { type: 'string', value: 'FILE', help: 'validation rows from their own file (instead of --validation F)' },
  'test-data': { type: 'string', value: 'FILE', help: 'test rows from their own file (instead of --test F)' },
};

/** What a model (or the training file) fixes about data read for it. */
export interface DataContext {
  /** The element type to read into (the model's). */
  dtype: DType;
  /** Known classes: labels are mapped to these by name, an unknown label is an error. */
  classes?: readonly string[];
  /** Feature columns by name (a model's). */
  features?: readonly string[];
  /** The target column(s) (a model's or the training file's). */
  target?: readonly string[];
  /** The task (a model's or the training file's). */
  task?: Task;
}

/** What a trained model's file fixes about the data it is measured on: its classes, feature and target columns. */
export function modelContext(dtype: DType, pre: PreprocessingFile | undefined): DataContext {
  return {
    dtype,
    ...(pre?.classNames && { classes: pre.classNames, task: 'classification' as const }),
    ...(pre?.featureNames && { features: pre.featureNames }),
    ...(pre?.targetColumns && { target: pre.targetColumns }),
  };
}

const CSV_FLAGS = ['target', 'features', 'ignore', 'no-header', 'skip-rows', 'delimiter', 'missing'];

/** The data named by `--data` (or `spec`): all rows, and for MNIST and IDX directories their test part. */
export async function readDataFlags(f: ParsedArgs['flags'], io: CliIo, dataRng: Rng, command: string, ctx: DataContext, spec = f.data as string | undefined): Promise<LoadedData> {
  if (spec === undefined) throw new BackpropError('argument', `${command}: missing --data (${DATA_NAMES.join(', ')}, a directory of IDX files, FILE.csv or FILE.json)`);
  const csv = isCsvPath(spec);
  for (const k of CSV_FLAGS) if (f[k] !== undefined && !csv) throw new BackpropError('argument', `${command}: --${k} is for CSV data, got --data ${spec}`);
  if (f.task !== undefined && !csv && !/\.json$/i.test(spec)) throw new BackpropError('argument', `${command}: --task is for CSV and JSON data, got --data ${spec}`);
  if ((f.size !== undefined || f.noise !== undefined) && !(SYNTHETIC_NAMES as readonly string[]).includes(spec)) {
    throw new BackpropError('argument', `${command}: --size and --noise are for the synthetic sets, not ${spec}`);
  }
  const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : String(v).split(',').map((s) => s.trim()));
  const target = list(f.target) ?? ctx.target;
  const features = list(f.features) ?? ctx.features;
  const task = (f.task as Task | undefined) ?? ctx.task;
  const csvOptions: Omit<CsvOptions, 'name' | 'dtype' | 'onNotice'> = {
    ...(target && { target: target.length === 1 ? target[0]! : target }),
    ...(features && { features }),
    ...(f.ignore !== undefined && { ignore: list(f.ignore)! }),
    ...(task && { task }),
    ...(ctx.classes && task !== 'regression' && { classes: ctx.classes }),
    ...(f['no-header'] === true && { header: false }),
    ...(f['skip-rows'] !== undefined && { skipRows: f['skip-rows'] as number }),
    ...(f.delimiter !== undefined && { delimiter: delimiterArg(String(f.delimiter), command) }),
    ...(f.missing !== undefined && { missing: f.missing as MissingPolicy }),
  };
  const loaded = await loadData(spec, {
    rng: dataRng,
    dtype: ctx.dtype,
    csv: csvOptions,
    onNotice: (n) => io.stderr(`note: ${shown(n.message)}\n`),
    open: (p) => io.readChunks(p),
    readText: (p) => io.readText(p),
    exists: (p) => io.exists(p),
    env: io.env,
    ...(f.size !== undefined && { size: f.size as number }),
    ...(f.noise !== undefined && { noise: f.noise as number }),
  });
  if (!ctx.classes) return loaded;
  const align = (ds: Dataset): Dataset => (ds.task === 'classification' ? withClassNames(ds, ctx.classes!) : ds);
  return { data: align(loaded.data), ...(loaded.heldOut && { heldOut: align(loaded.heldOut) }) };
}

/** The parts `train` fits on, validates on and tests on — split by fraction or read from their own files — scaled by the training rows' statistics; `read` says what was read and how long it took (train prints it with its header). */
export async function trainingParts(
  f: ParsedArgs['flags'],
  io: CliIo,
  seed: number,
  model: { dtype: DType; outputSize: number; outputActivation: string; features?: readonly string[]; classes?: readonly string[] },
  check?: (data: Dataset) => void,
): Promise<{ names: DataNames; train: Dataset; validation?: Dataset; test?: Dataset; scaler?: Scaler; read: string }> {
  const ctx: DataContext = { dtype: model.dtype, ...(model.features && { features: model.features }), ...(model.classes && { classes: model.classes }) };
  const started = io.now();
  const { data, heldOut } = await readDataFlags(f, io, seedStream(seed, 2), 'train', ctx);
  const encode = (ds: Dataset): Dataset => encodeFor(ds, model.outputSize, model.outputActivation);
  check?.(encode(data));
  for (const k of ['validation', 'test'] as const) {
    if (f[`${k}-data`] !== undefined && f[k] !== undefined) throw new BackpropError('argument', `train: give --${k} F or --${k}-data FILE, not both`);
  }
  const parts = splitByFlags(f, encode(data), heldOut && f['test-data'] === undefined ? encode(heldOut) : undefined, seedStream(seed, 2), 'train');
  // NOTE: the other files are read as the training file was: its columns, its classes, its task.
  const fileCtx: DataContext = {
    ...ctx,
    ...(data.featureNames && { features: data.featureNames }),
    ...(data.targetColumns && { target: data.targetColumns }),
    ...(data.classNames && { classes: data.classNames }),
    task: data.task,
  };
  const other = async (flag: 'validation-data' | 'test-data'): Promise<Dataset | undefined> => {
    if (f[flag] === undefined) return undefined;
    const spec = String(f[flag]);
    const read = await readDataFlags({ ...f, data: spec, target: undefined, features: undefined, task: undefined }, io, seedStream(seed, 2), 'train', fileCtx, spec);
    return encode(read.data);
  };
  const validation = (await other('validation-data')) ?? parts.validation;
  const test = (await other('test-data')) ?? parts.test;
  const extra = [validation && `${validation.rows} validation`, test && `${test.rows} test`].filter(Boolean).join(' + ');
  const read = `read ${shown(String(f.data))}: ${data.rows + (heldOut && f['test-data'] === undefined ? heldOut.rows : 0)} rows${extra ? ` (${parts.train.rows} train + ${extra})` : ''}, ${data.inputSize} inputs, ${model.dtype}, in ${((io.now() - started) / 1000).toFixed(2)} s\n`;
  let scaler: Scaler | undefined;
  if (f.scale === 'standardize') scaler = Standardizer.fit(parts.train.x, parts.train.inputSize);
  if (f.scale === 'minmax') scaler = MinMaxScaler.fit(parts.train.x, parts.train.inputSize);
  const names: DataNames = {
    ...(data.featureNames && { featureNames: data.featureNames }),
    ...(data.classNames && { classNames: data.classNames }),
    ...(data.targetColumns && { targetColumns: data.targetColumns }),
  };
  return {
    names,
    read,
    train: scaled(parts.train, scaler),
    ...(validation && { validation: scaled(validation, scaler) }),
    ...(test && { test: scaled(test, scaler) }),
    ...(scaler && { scaler }),
  };
}

/** `tab`, `\t`, or one character. */
function delimiterArg(raw: string, command: string): string {
  if (raw === 'tab' || raw === '\\t') return '\t';
  if (raw.length !== 1) throw new BackpropError('argument', `${command}: --delimiter expects one character or "tab", got ${JSON.stringify(raw)}`);
  return raw;
}

// NOTE: the target encoding and the seed streams are the library's (the playground uses them too).
export { encodeFor, encodingFor } from '../../data/dataset.js';
export { seedStream } from '../../tensor/rng.js';

/** Train / validation / test parts by the --validation and --test fractions (seeded, stratified). */
export function splitByFlags(f: ParsedArgs['flags'], data: Dataset, heldOut: Dataset | undefined, rng: Rng, command: string): { train: Dataset; validation?: Dataset; test?: Dataset } {
  const v = (f.validation as number | undefined) ?? 0;
  let t = (f.test as number | undefined) ?? 0;
  if (heldOut && t > 0) throw new BackpropError('argument', `${command}: --test: ${String(f.data)} has its own test set of ${heldOut.rows} rows, which is the test set`);
  if (v + t >= 1) throw new BackpropError('argument', `${command}: --validation ${v} and --test ${t} leave no training rows (they must add up to less than 1)`);
  if (heldOut) t = 0;
  if (v === 0 && t === 0) return { train: data, ...(heldOut && { test: heldOut }) };
  const parts = split(data, { train: 1 - v - t, validation: v, test: t }, rng);
  for (const [name, part] of [['validation', parts.validation], ['test', parts.test]] as const) {
    if ((name === 'validation' ? v : t) > 0 && part.rows === 0) throw new BackpropError('argument', `${command}: --${name} ${name === 'validation' ? v : t} of ${data.rows} rows is no rows`);
  }
  if (parts.train.rows === 0) throw new BackpropError('argument', `${command}: --validation ${v} and --test ${t} of ${data.rows} rows leave no training rows`);
  return { train: parts.train, ...(v > 0 && { validation: parts.validation }), ...(t > 0 && { test: parts.test }), ...(heldOut && { test: heldOut }) };
}

/**
 * Applies an input scaler to a dataset in place (identity when none): the commands own the data
 * they read, and a second copy of 60,000 images is memory the run does not need.
 */
export function scaled(ds: Dataset, inputs: Scaler | undefined): Dataset {
  if (!inputs) return ds;
  if (inputs.size !== ds.inputSize) throw new BackpropError('data', `the saved input scaling has ${inputs.size} columns, the data ${ds.inputSize}`);
  inputs.transform(ds.x, ds.x);
  return ds;
}

/** The names a model keeps from its training data. */
export type DataNames = Pick<Dataset, 'featureNames' | 'classNames' | 'targetColumns'>;
