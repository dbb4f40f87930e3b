import {
  datasetFromArrays, encodeFor, lossSpec, parseCsv, parseCsvRecords, scaleDataset, SEED, seedStream, split, Standardizer, synthetic,
  type ActivationName, type Dataset, type FloatArray, type LossName,
} from 'backprop';
import type { CsvSource, Settings } from './state.js';

/**
 * The data a run trains on, split into a training and a test part (the library's `Dataset`s, as
 * the `Trainer` takes them), with what the output layer must be to fit them. Derived from the
 * settings exactly as `backprop train` derives its data from its flags (see {@link buildData}).
 */
export interface PlayData {
  kind: 'seed' | 'plane' | 'table';
  inputs: number;
  outputs: number;
  outputActivation: ActivationName;
  /** The loss actually used (a regression table cannot use bce / cross_entropy: mse instead). */
  loss: LossName;
  /** The training rows (standardised, for a CSV). */
  train: Dataset;
  /** The held-out rows, scaled with the training rows' statistics (0 rows for the seed's one sample). */
  test: Dataset;
  /** A CSV's input standardiser, fitted on the training rows only (it goes into the model file); else null. */
  scaler: Standardizer | null;
  /** Number of classes, 0 for regression. */
  classes: number;
  /** The plotted square [x0, x1, y0, y1] when there are exactly 2 inputs, else null. */
  domain: [number, number, number, number] | null;
  /** The inputs' names as the page shows them. */
  featureNames: string[];
}

/** Points per synthetic set (TensorFlow Playground's 500, and `backprop train`'s default). */
export const SYNTHETIC_SIZE = 500;

/**
 * The training and test data described by `settings` (and the dropped CSV), drawn the way
 * `backprop train --seed S --test (1 − share)` draws them, so that the same settings train the
 * same weights in both: the synthetic points from the library's seed stream 2, two-class targets
 * encoded for the output layer (`encodeFor`), a stratified split from a fresh stream 2, and a
 * CSV's inputs standardised with statistics of the training rows only (`--scale standardize`).
 */
export function buildData(settings: Settings, csv: CsvSource | null): PlayData {
  if (settings.dataset === 'seed') return seedData(settings);
  if (settings.dataset === 'csv') {
    if (csv === null) return seedData(settings);
    return tableData(settings, csv);
  }
  const loss = settings.loss;
  const outputActivation = classifierOutput(loss);
  const all = synthetic(settings.dataset, { rng: seedStream(settings.seed, 2), size: SYNTHETIC_SIZE, noise: settings.noise });
  const { train, test } = splitByShare(encodeFor(all, outputActivation === 'softmax' ? 2 : 1, outputActivation), settings);
  return {
    kind: 'plane', inputs: 2, outputs: train.outputSize, outputActivation, loss, train, test, scaler: null, classes: 2,
    domain: [-6, 6, -6, 6], featureNames: ['x₁', 'x₂'],
  };
}

/** The seed notebook's one sample: it is the whole training set, and there is no test set. */
function seedData(settings: Settings): PlayData {
  const train = datasetFromArrays(SEED.input, SEED.target, { task: 'regression', name: 'seed' });
  return {
    kind: 'seed', inputs: 3, outputs: 2, outputActivation: 'sigmoid', loss: lossFits({ kind: 'seed', classes: 0 }, settings.loss) ? settings.loss : 'sse',
    train, test: noRows(train), scaler: null, classes: 0, domain: null, featureNames: ['x₁', 'x₂', 'x₃'],
  };
}

/**
 * Whether the cost function `loss` can be chosen for `data`: the seed's sigmoid outputs are not a
 * distribution (no cross_entropy), numbers to predict need mse or sse, and more than two classes
 * need softmax with cross_entropy (bce would treat them as independent yes/no questions).
 */
export function lossFits(data: Pick<PlayData, 'kind' | 'classes'>, loss: LossName): boolean {
  // NOTE: read from the loss table's target rule: any number, numbers in [0, 1], or distributions.
  const targets = lossSpec(loss).targets;
  if (data.kind === 'seed') return targets !== 'distribution';
  if (data.kind === 'table' && data.classes === 0) return targets === 'any';
  if (data.classes > 2) return targets !== 'unit-interval';
  return true;
}

/**
 * The output activation of a classifier trained with `loss`: the one the library computes that
 * loss on the logits of (its table's `onLogits`: softmax for cross_entropy, sigmoid for bce), else
 * sigmoid (squared errors on probabilities).
 */
function classifierOutput(loss: LossName): ActivationName {
  return (lossSpec(loss).onLogits?.activation ?? 'sigmoid') as ActivationName;
}

let header: { text: string; columns: string[] } | null = null;

/**
 * The column names of a CSV (its header, read by the library's CSV tokenizer as `parseCsv` reads
 * it: the delimiter detected, quotes and a BOM handled), or none when its first line is malformed.
 * The last text's answer is kept: the page asks on every frame.
 */
export function csvColumns(text: string): string[] {
  if (header?.text !== text) {
    const end = text.search(/\r?\n/);
    let columns: string[] = [];
    try {
      columns = [...(parseCsvRecords(end < 0 ? text : text.slice(0, end))[0]?.fields ?? [])];
    } catch {
      // NOTE: an open quote; parseCsv says where when the data is built.
    }
    header = { text, columns };
  }
  return header.columns;
}

function tableData(settings: Settings, csv: CsvSource): PlayData {
  const parsed = parseCsv(csv.text, { target: csv.target, name: csv.name });
  const classes = parsed.task === 'classification' ? parsed.classNames!.length : 0;
  let loss = settings.loss;
  if (!lossFits({ kind: 'table', classes }, loss)) loss = classes === 0 ? 'mse' : 'cross_entropy';
  const outputActivation: ActivationName = classes === 0 ? 'linear' : classifierOutput(loss);
  const outputs = classes === 0 ? parsed.outputSize : outputActivation === 'softmax' || classes > 2 ? classes : 1;
  const parts = splitByShare(encodeFor(parsed, outputs, outputActivation), settings);
  // NOTE: the statistics come from the training rows alone; the test rows are scaled with them.
  const scaler = Standardizer.fit(parts.train.x, parts.train.inputSize);
  const train = scaleDataset(parts.train, { inputs: scaler });
  const test = parts.test.rows === 0 ? parts.test : scaleDataset(parts.test, { inputs: scaler });
  return {
    kind: 'table', inputs: train.inputSize, outputs: train.outputSize, outputActivation, loss, train, test, scaler, classes,
    domain: train.inputSize === 2 ? square([train.x, test.x]) : null,
    featureNames: parsed.featureNames ? [...parsed.featureNames] : Array.from({ length: parsed.inputSize }, (_, i) => `x${i + 1}`),
  };
}

/** The training share and the rest, as `backprop train --test (1 − share)` splits them (stratified, seed stream 2). */
function splitByShare(ds: Dataset, settings: Settings): { train: Dataset; test: Dataset } {
  const share = Math.min(0.9, Math.max(0.1, settings.trainRatio));
  const test = 1 - share;
  return split(ds, { train: 1 - test, validation: 0, test }, seedStream(settings.seed, 2));
}

/** `ds` with no rows (the seed preset's empty test set). */
function noRows(ds: Dataset): Dataset {
  return { ...ds, x: new Float64Array(0), y: new Float64Array(0), rows: 0, ...(ds.labels && { labels: new Int32Array(0) }) };
}

/** The square around every point of two-column data, with a 10 % margin. */
function square(parts: FloatArray[]): [number, number, number, number] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const x of parts) {
    for (let i = 0; i < x.length; i += 2) {
      x0 = Math.min(x0, x[i]!); x1 = Math.max(x1, x[i]!);
      y0 = Math.min(y0, x[i + 1]!); y1 = Math.max(y1, x[i + 1]!);
    }
  }
  const m = 0.1 * Math.max(x1 - x0, y1 - y0, 1e-9);
  return [x0 - m, x1 + m, y0 - m, y1 + m];
}
