import { parseCsv, Rng, SEED, splitIndices, synthetic, type ActivationName, type Dataset, type LossName } from 'backprop';
import type { Settings, CsvSource } from './state.js';

/**
 * The numbers a run trains on, in flat row-major arrays (x: rows × inputs, t: rows × outputs),
 * split into a training and a test part, with what the output layer must be to fit them.
 */
export interface PlayData {
  kind: 'seed' | 'plane' | 'table';
  inputs: number;
  outputs: number;
  outputActivation: ActivationName;
  /** The loss actually used (a regression table cannot use bce / cross_entropy: mse instead). */
  loss: LossName;
  xTrain: Float64Array;
  tTrain: Float64Array;
  nTrain: number;
  xTest: Float64Array;
  tTest: Float64Array;
  nTest: number;
  /** Class of each row (classification), for the points' colours. */
  labelsTrain: Int32Array | null;
  labelsTest: Int32Array | null;
  /** Number of classes, 0 for regression. */
  classes: number;
  /** The plotted square [x0, x1, y0, y1] when there are exactly 2 inputs, else null. */
  domain: [number, number, number, number] | null;
  featureNames: string[];
}

/** Distinct seeds for the distinct uses of `settings.seed` (data, split, init, shuffling). */
export function rngFor(seed: number, purpose: 'data' | 'split' | 'init' | 'epoch', epoch = 0): Rng {
  const k = { data: 0, split: 1, init: 2, epoch: 3 }[purpose];
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) + k * 0x632be5ab + epoch * 0x85ebca6b) >>> 0);
}

/** Points per synthetic set (TensorFlow Playground's 500). */
export const SYNTHETIC_SIZE = 500;

/** Builds the training and test data described by `settings` (and the dropped CSV). */
export function buildData(settings: Settings, csv: CsvSource | null): PlayData {
  if (settings.dataset === 'seed') return seedData(settings);
  if (settings.dataset === 'csv') {
    if (csv === null) return seedData(settings);
    return tableData(settings, csv);
  }
  const loss = settings.loss;
  const onehot = loss === 'cross_entropy';
  const ds = synthetic(settings.dataset, { rng: rngFor(settings.seed, 'data'), size: SYNTHETIC_SIZE, noise: settings.noise, targets: onehot ? 'onehot' : 'binary' });
  return splitData(ds, settings, {
    kind: 'plane', outputActivation: onehot ? 'softmax' : 'sigmoid', loss, classes: 2,
    domain: [-6, 6, -6, 6], featureNames: ['x₁', 'x₂'],
  });
}

/** The seed notebook's one sample: it is the whole training set, and there is no test set. */
function seedData(settings: Settings): PlayData {
  const x = Float64Array.from(SEED.input.flat());
  const t = Float64Array.from(SEED.target.flat());
  return {
    kind: 'seed', inputs: 3, outputs: 2, outputActivation: 'sigmoid', loss: settings.loss === 'cross_entropy' ? 'sse' : settings.loss,
    xTrain: x, tTrain: t, nTrain: 1, xTest: new Float64Array(0), tTest: new Float64Array(0), nTest: 0, labelsTrain: null, labelsTest: null, classes: 0,
    domain: null, featureNames: ['x₁', 'x₂', 'x₃'],
  };
}

/**
 * Whether the cost function `loss` can be chosen for `data`: the seed's sigmoid outputs are not a
 * distribution (no cross_entropy), numbers to predict need mse or sse, and more than two classes
 * need softmax with cross_entropy (bce would treat them as independent yes/no questions).
 */
export function lossFits(data: Pick<PlayData, 'kind' | 'classes'>, loss: LossName): boolean {
  if (data.kind === 'seed') return loss !== 'cross_entropy';
  if (data.kind === 'table' && data.classes === 0) return loss === 'mse' || loss === 'sse';
  if (data.classes > 2) return loss !== 'bce';
  return true;
}

function tableData(settings: Settings, csv: CsvSource): PlayData {
  const probe = parseCsv(csv.text, { target: csv.target, name: csv.name });
  const classes = probe.task === 'classification' ? probe.classNames!.length : 0;
  let loss = settings.loss;
  let outputActivation: ActivationName;
  let ds: Dataset;
  if (!lossFits({ kind: 'table', classes }, loss)) loss = classes === 0 ? 'mse' : 'cross_entropy';
  if (classes === 0) {
    outputActivation = 'linear';
    ds = probe;
  } else {
    const onehot = loss === 'cross_entropy' || classes > 2;
    outputActivation = loss === 'cross_entropy' ? 'softmax' : 'sigmoid';
    ds = parseCsv(csv.text, { target: csv.target, name: csv.name, encoding: onehot ? 'onehot' : 'binary' });
  }
  const x = standardize(ds.x, ds.rows, ds.inputSize);
  const scaled: Dataset = { ...ds, x };
  let domain: PlayData['domain'] = null;
  if (ds.inputSize === 2) {
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < ds.rows; i++) {
      x0 = Math.min(x0, x[2 * i]!); x1 = Math.max(x1, x[2 * i]!);
      y0 = Math.min(y0, x[2 * i + 1]!); y1 = Math.max(y1, x[2 * i + 1]!);
    }
    const m = 0.1 * Math.max(x1 - x0, y1 - y0, 1e-9);
    domain = [x0 - m, x1 + m, y0 - m, y1 + m];
  }
  return splitData(scaled, settings, {
    kind: 'table', outputActivation, loss, classes, domain,
    featureNames: ds.featureNames ? [...ds.featureNames] : Array.from({ length: ds.inputSize }, (_, i) => `x${i + 1}`),
  });
}

/** Each column shifted to mean 0 and scaled to standard deviation 1 (constant columns left at 0). */
function standardize(x: Float64Array | Float32Array, rows: number, width: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let j = 0; j < width; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += x[i * width + j]!;
    mean /= rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (x[i * width + j]! - mean) ** 2;
    const sd = Math.sqrt(v / rows) || 1;
    for (let i = 0; i < rows; i++) out[i * width + j] = (x[i * width + j]! - mean) / sd;
  }
  return out;
}

type Head = Pick<PlayData, 'kind' | 'outputActivation' | 'loss' | 'classes' | 'domain' | 'featureNames'>;

function splitData(ds: Dataset, settings: Settings, head: Head): PlayData {
  const ratio = Math.min(0.9, Math.max(0.1, settings.trainRatio));
  const idx = splitIndices(ds, { train: ratio, validation: 0, test: 1 - ratio }, rngFor(settings.seed, 'split'));
  const take = (rows: Int32Array, src: Float64Array | Float32Array, w: number): Float64Array => {
    const out = new Float64Array(rows.length * w);
    rows.forEach((r, i) => out.set(src.subarray(r * w, (r + 1) * w), i * w));
    return out;
  };
  const labels = (rows: Int32Array): Int32Array | null => (ds.labels ? Int32Array.from(rows, (r) => ds.labels![r]!) : null);
  return {
    ...head, inputs: ds.inputSize, outputs: ds.outputSize,
    xTrain: take(idx.train, ds.x, ds.inputSize), tTrain: take(idx.train, ds.y, ds.outputSize), nTrain: idx.train.length,
    xTest: take(idx.test, ds.x, ds.inputSize), tTest: take(idx.test, ds.y, ds.outputSize), nTest: idx.test.length,
    labelsTrain: labels(idx.train), labelsTest: labels(idx.test),
  };
}

/**
 * The training rows of step `step` (from 0): the rows are shuffled once per epoch with a seeded
 * permutation, then cut into batches of `batch`. The same step gives the same rows on the page
 * and in the training worker, so stepping by hand and playing follow one trajectory.
 */
export function batchRows(step: number, nTrain: number, batch: number, seed: number): Int32Array {
  const size = Math.max(1, Math.min(batch, nTrain));
  const perEpoch = Math.ceil(nTrain / size);
  const epoch = Math.floor(step / perEpoch);
  const j = step % perEpoch;
  const order = nTrain === 1 ? Int32Array.of(0) : rngFor(seed, 'epoch', epoch).permutation(nTrain);
  return order.subarray(j * size, Math.min(nTrain, (j + 1) * size));
}

/** Copies rows `rows` of a flat array of width `w`. */
export function gather(src: Float64Array, w: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * w);
  for (let i = 0; i < rows.length; i++) out.set(src.subarray(rows[i]! * w, (rows[i]! + 1) * w), i * w);
  return out;
}
