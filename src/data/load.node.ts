import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { BackpropError } from '../errors.js';
import { checkFileSize } from '../io/read-checked.node.js';
import type { Rng } from '../tensor/rng.js';
import { parseCsvRecords } from './csv.js';
import type { CsvOptions } from './csv.js';
import { readCsvFile } from './csv.node.js';
import { withTargetEncoding } from './dataset.js';
import type { Dataset, TargetEncoding } from './dataset.js';
import { iris } from './iris.js';
import { parseDataJson } from './json.js';
import { loadMnist } from './mnist.node.js';
import { SYNTHETIC_NAMES, synthetic } from './synthetic.js';
import type { SyntheticName } from './synthetic.js';

/** Options of {@link loadData}. */
export interface LoadDataOptions {
  /** Required for the synthetic sets (they are drawn from it). */
  rng?: Rng;
  /** Synthetic sets: number of points (default 500). */
  size?: number;
  /** Synthetic sets: noise (default 0; see `SyntheticOptions`). */
  noise?: number;
  /** Classification sets with two classes: how to write the targets (default one-hot). */
  targets?: TargetEncoding;
  /** CSV files: the target column(s) — default the last column — and the other CSV options. */
  csv?: Partial<Omit<CsvOptions, 'name'>>;
}

/** The result of {@link loadData}: the data, and for MNIST its fixed held-out part. */
export interface LoadedData {
  data: Dataset;
  /** MNIST only: the 2,000 held-out digits (`data` is then the 8,000 training digits). */
  heldOut?: Dataset;
}

/** Names {@link loadData} understands besides file paths. */
export const DATA_NAMES: readonly string[] = [...SYNTHETIC_NAMES, 'iris', 'mnist'];

/**
 * Loads data named on a command line: `circle`, `xor`, `gauss`, `spiral`, `moons` (drawn from
 * `options.rng`), `iris`, `mnist`, or a path ending in `.csv` or `.json` (the JSON data format).
 *
 * @throws BackpropError `argument` for an unknown name, `io` for an unreadable file, `data` for bad content.
 * @example
 * ```ts
 * const { data, heldOut } = loadData('mnist');
 * const { data: circleData } = loadData('circle', { rng: new Rng(1), noise: 0.1 });
 * const { data: houses } = loadData('houses.csv', { csv: { target: 'price' } });
 * ```
 */
export function loadData(spec: string, options: LoadDataOptions = {}): LoadedData {
  const encode = (ds: Dataset): Dataset => (options.targets && ds.task === 'classification' ? withTargetEncoding(ds, options.targets) : ds);
  if ((SYNTHETIC_NAMES as readonly string[]).includes(spec)) {
    if (!options.rng) throw new BackpropError('argument', `data "${spec}": a synthetic set needs a seeded Rng (options.rng)`);
    return {
      data: synthetic(spec as SyntheticName, {
        rng: options.rng,
        ...(options.size !== undefined && { size: options.size }),
        ...(options.noise !== undefined && { noise: options.noise }),
        ...(options.targets && { targets: options.targets }),
      }),
    };
  }
  if (spec === 'iris') return { data: encode(iris()) };
  if (spec === 'mnist') {
    const { train, test } = loadMnist();
    return { data: train, heldOut: test };
  }
  const ext = extname(spec).toLowerCase();
  if (ext === '.csv') {
    const csv = options.csv ?? {};
    const target = csv.target ?? lastColumn(spec);
    return { data: encode(readCsvFile(spec, { ...csv, target })) };
  }
  if (ext === '.json') return { data: encode(parseDataJson(readText(spec), { name: basename(spec) })) };
  throw new BackpropError('argument', `--data: expected one of ${DATA_NAMES.join(', ')} or a .csv / .json file, got ${JSON.stringify(spec)}`);
}

function readText(path: string): string {
  try {
    checkFileSize(path);
    return readFileSync(path, 'utf8');
  } catch (e) {
    // NOTE: a file above BACKPROP_MAX_FILE_BYTES is refused before it is read.
    if (e instanceof BackpropError) throw e;
    throw new BackpropError('io', `cannot read the data file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The name of the last header column of a CSV file (the default target). */
function lastColumn(path: string): string {
  const text = readText(path);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const header = parseCsvRecords(firstLine, { name: basename(path) })[0];
  const last = header?.fields[header.fields.length - 1];
  if (last === undefined) throw new BackpropError('data', `${basename(path)}: the file is empty, expected a header row`);
  return last;
}
