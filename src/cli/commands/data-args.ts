import { BackpropError } from '../../errors.js';
import { parseCsv } from '../../data/csv.js';
import { withTargetEncoding, type Dataset, type TargetEncoding } from '../../data/dataset.js';
import { parseDataJson } from '../../data/json.js';
import { DATA_NAMES, loadData } from '../../data/load.node.js';
import { split } from '../../data/split.js';
import { scaleDataset, type Scaler } from '../../data/scale.js';
import type { FlagSpec, ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { Rng } from '../../tensor/rng.js';

/** Flags that choose and shape the data, shared by `train` and `eval`. */
export const DATA_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', value: 'DATA', help: `${DATA_NAMES.join('|')}|FILE.csv|FILE.json` },
  target: { type: 'string', value: 'COLUMN', help: 'CSV: the target column (required for CSV)' },
  features: { type: 'string', value: 'A,B,C', help: 'CSV: the feature columns (default: every other column)' },
  size: { type: 'int', value: 'N', min: 2, max: 1_000_000, help: 'synthetic sets: number of points (default 500, at most 1,000,000)' },
  noise: { type: 'number', value: 'X', min: 0, help: 'synthetic sets: noise, 0 … 0.5 (default 0)' },
  validation: { type: 'number', value: 'F', min: 0, help: 'fraction of the rows held out for validation (default 0)' },
  test: { type: 'number', value: 'F', min: 0, help: 'fraction of the rows held out for testing (default 0; mnist has its fixed 2,000)' },
};

/** The data named by the flags: all rows, and for MNIST its fixed held-out digits. */
export function readDataFlags(f: ParsedArgs['flags'], io: CliIo, dataRng: Rng, command: string): { data: Dataset; heldOut?: Dataset } {
  if (f.data === undefined) throw new BackpropError('argument', `${command}: missing --data (${DATA_NAMES.join(', ')}, FILE.csv or FILE.json)`);
  const spec = String(f.data);
  const lower = spec.toLowerCase();
  if (f.target !== undefined && !lower.endsWith('.csv')) throw new BackpropError('argument', `${command}: --target is for CSV data, got --data ${spec}`);
  if (f.features !== undefined && !lower.endsWith('.csv')) throw new BackpropError('argument', `${command}: --features is for CSV data, got --data ${spec}`);
  if (lower.endsWith('.csv')) {
    if (f.target === undefined) throw new BackpropError('argument', `${command}: CSV data needs --target COLUMN (the column to predict)`);
    const features = f.features === undefined ? undefined : String(f.features).split(',').map((s) => s.trim());
    return { data: parseCsv(io.readText(spec), { target: String(f.target), ...(features && { features }), name: spec }) };
  }
  if (lower.endsWith('.json')) return { data: parseDataJson(io.readText(spec), { name: spec }) };
  if (!DATA_NAMES.includes(spec)) {
    throw new BackpropError('argument', `${command}: --data must be one of ${DATA_NAMES.join(', ')} or a .csv / .json file, got ${JSON.stringify(spec)}`);
  }
  const isSynthetic = spec !== 'iris' && spec !== 'mnist';
  if (!isSynthetic && (f.size !== undefined || f.noise !== undefined)) throw new BackpropError('argument', `${command}: --size and --noise are for the synthetic sets, not ${spec}`);
  return loadData(spec, {
    rng: dataRng,
    ...(f.size !== undefined && { size: f.size as number }),
    ...(f.noise !== undefined && { noise: f.noise as number }),
  });
}

/** The target encoding a network with `outputs` outputs and output activation `act` needs for two classes. */
export function encodingFor(ds: Dataset, outputs: number, act: string): TargetEncoding | null {
  if (ds.task !== 'classification' || ds.classNames?.length !== 2 || outputs !== 1) return null;
  return act === 'tanh' ? 'sign' : 'binary';
}

/** Rewrites two-class targets for a one-output network (0/1, or ±1 for tanh); other data unchanged. */
export function encodeFor(ds: Dataset, outputs: number, act: string): Dataset {
  const enc = encodingFor(ds, outputs, act);
  return enc ? withTargetEncoding(ds, enc) : ds;
}

/** Train / validation / test parts by the --validation and --test fractions (seeded, stratified). */
export function splitByFlags(f: ParsedArgs['flags'], data: Dataset, heldOut: Dataset | undefined, rng: Rng, command: string): { train: Dataset; validation?: Dataset; test?: Dataset } {
  const v = (f.validation as number | undefined) ?? 0;
  let t = (f.test as number | undefined) ?? 0;
  if (heldOut && t > 0) throw new BackpropError('argument', `${command}: --test: mnist has a fixed held-out set of ${heldOut.rows} digits, which is the test set`);
  if (v + t >= 1) throw new BackpropError('argument', `${command}: --validation ${v} and --test ${t} leave no training rows (they must add up to less than 1)`);
  if (heldOut) t = 0;
  if (v === 0 && t === 0) return { train: data, ...(heldOut && { test: heldOut }) };
  const parts = split(data, { train: 1 - v - t, validation: v, test: t }, rng);
  for (const [name, part] of [['validation', parts.validation], ['test', parts.test]] as const) {
    if ((name === 'validation' ? v : t) > 0 && part.rows === 0) throw new BackpropError('argument', `${command}: --${name} ${name === 'validation' ? v : t} of ${data.rows} rows is no rows`);
  }
  return { train: parts.train, ...(v > 0 && { validation: parts.validation }), ...(t > 0 && { test: parts.test }), ...(heldOut && { test: heldOut }) };
}

/** Applies an input scaler to a dataset (identity when none). */
export function scaled(ds: Dataset, inputs: Scaler | undefined): Dataset {
  return inputs ? scaleDataset(ds, { inputs }) : ds;
}

/**
 * The Rng of one purpose derived from --seed: stream 0 shuffles (exactly `new Rng(seed)`, as the
 * first `backprop train` did), 1 draws initial weights, 2 generates and splits the data.
 */
export function seedStream(seed: number, stream: 0 | 1 | 2): Rng {
  return new Rng(stream === 0 ? seed : (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0);
}
