// scikit-learn's digits (8×8 images, 1,797 rows, 10 classes) for W5: read from the CSV that Debian's
// python3-sklearn installs, split 1,347 / 450 by one fixed permutation (scikit-learn's default 25 %
// test share), inputs standardized with the training rows' mean and standard deviation (as
// StandardScaler; a constant column is left centred), float32, labels 0–9.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Rng } from '../src/tensor/rng.js';

/** Where Debian's python3-sklearn puts the file. */
export const DIGITS_CSV = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

/** The W5 split: rows × 64 inputs, one-hot targets and labels. */
export interface DigitsSplit {
  trainX: Float32Array;
  trainY: Float32Array;
  trainLabels: Int32Array;
  testX: Float32Array;
  testLabels: Int32Array;
  trainRows: number;
  testRows: number;
}

/** The split, or null when the CSV is not installed. */
export function digitsSplit(path = DIGITS_CSV): DigitsSplit | null {
  if (!existsSync(path)) return null;
  const lines = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
  const rows = lines.map((l) => l.split(',').map(Number));
  const order = new Rng(20261206).permutation(rows.length);
  const testRows = Math.ceil(rows.length * 0.25);
  const trainRows = rows.length - testRows;
  const pick = (from: number, count: number): number[][] => Array.from({ length: count }, (_, i) => rows[order[from + i]!]!);
  const train = pick(0, trainRows);
  const test = pick(trainRows, testRows);
  const mean = new Float64Array(64);
  const sd = new Float64Array(64);
  for (const r of train) for (let j = 0; j < 64; j++) mean[j] = mean[j]! + r[j]! / trainRows;
  for (const r of train) for (let j = 0; j < 64; j++) sd[j] = sd[j]! + (r[j]! - mean[j]!) ** 2 / trainRows;
  for (let j = 0; j < 64; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const inputs = (set: number[][]): Float32Array => Float32Array.from(set.flatMap((r) => r.slice(0, 64).map((v, j) => (v - mean[j]!) / sd[j]!)));
  const labels = (set: number[][]): Int32Array => Int32Array.from(set.map((r) => r[64]!));
  const trainLabels = labels(train);
  const trainY = new Float32Array(trainRows * 10);
  trainLabels.forEach((c, i) => void (trainY[i * 10 + c] = 1));
  return { trainX: inputs(train), trainY, trainLabels, testX: inputs(test), testLabels: labels(test), trainRows, testRows };
}
