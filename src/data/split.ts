import { BackpropError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';
import { subset } from './arrays.js';
import type { Dataset } from './dataset.js';

/** Fractions of the rows for each part; missing parts are 0; they must add up to 1. */
export interface SplitFractions {
  train: number;
  validation?: number;
  test?: number;
}

/** Options of {@link split}. */
export interface SplitOptions {
  /**
   * Keep each class's share in every part (default `true` for classification datasets, ignored for
   * regression). Each part then holds each class within one or two rows of its exact share (class size × part size / rows).
   */
  stratify?: boolean;
}

/** Row indices of each part of a split. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * Row counts of the three parts for `rows` rows: each `fraction·rows` rounded by the largest remainder
 * (ties to the earlier part), so they add up to `rows` exactly.
 *
 * @example
 * ```ts
 * splitCounts(10, { train: 0.65, validation: 0.2, test: 0.15 }); // [7, 2, 1]
 * ```
 */
export function splitCounts(rows: number, fractions: SplitFractions): [number, number, number] {
  const f = [fractions.train, fractions.validation ?? 0, fractions.test ?? 0];
  const names = ['train', 'validation', 'test'];
  f.forEach((v, k) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new BackpropError('data', `split: expected the ${names[k]} fraction to be a number in [0, 1], got ${String(v)}`);
    }
  });
  const sum = f[0]! + f[1]! + f[2]!;
  if (Math.abs(sum - 1) > 1e-9) {
    throw new BackpropError('data', `split: expected the fractions to add up to 1, got ${+sum.toPrecision(12)} (train ${f[0]} + validation ${f[1]} + test ${f[2]})`);
  }
  const exact = f.map((v) => v * rows);
  const counts = exact.map((e) => Math.floor(e + 1e-9)) as [number, number, number];
  let missing = rows - counts[0] - counts[1] - counts[2];
  // NOTE: remainders within 1e-9 count as ties (0.15 · 10 is 1.5000000000000002 in float64).
  const order = [0, 1, 2].sort((a, b) => {
    const d = exact[b]! - counts[b]! - (exact[a]! - counts[a]!);
    return Math.abs(d) > 1e-9 ? d : a - b;
  });
  for (const k of order) {
    if (missing <= 0) break;
    if (f[k]! > 0) {
      counts[k]++;
      missing--;
    }
  }
  return counts;
}

/**
 * Splits the rows into train / validation / test index sets with a seeded shuffle (see {@link split}).
 * Every row lands in exactly one part; the sizes are `splitCounts` (largest remainder).
 *
 * NOTE on stratification: the shuffled rows are grouped by class and then dealt to the parts by smooth
 * weighted round-robin (weights = part sizes), so every class is spread over the parts in proportion.
 *
 * @example
 * ```ts
 * const { train, test } = splitIndices(iris(), { train: 0.8, test: 0.2 }, new Rng(1));
 * test.length;   // 30 row indices, 10 of each species (stratified)
 * ```
 */
export function splitIndices(ds: Dataset, fractions: SplitFractions, rng: Rng, options: SplitOptions = {}): SplitIndices {
  const counts = splitCounts(ds.rows, fractions);
  const n = ds.rows;
  const perm = rng.permutation(n);
  const stratify = (options.stratify ?? true) && ds.task === 'classification' && ds.labels !== undefined;
  const parts = [new Int32Array(counts[0]), new Int32Array(counts[1]), new Int32Array(counts[2])];
  if (!stratify) {
    parts[0]!.set(perm.subarray(0, counts[0]));
    parts[1]!.set(perm.subarray(counts[0], counts[0] + counts[1]));
    parts[2]!.set(perm.subarray(counts[0] + counts[1]));
  } else {
    const labels = ds.labels!;
    const classes = ds.classNames?.length ?? 0;
    // counting sort of the shuffled rows by class, keeping the shuffled order within a class
    const start = new Int32Array(classes + 1);
    for (let i = 0; i < n; i++) start[labels[i]! + 1]!++;
    for (let k = 0; k < classes; k++) start[k + 1]! += start[k]!;
    const grouped = new Int32Array(n);
    const next = start.slice(0, classes);
    for (let k = 0; k < n; k++) grouped[next[labels[perm[k]!]!]!++] = perm[k]!;
    const current = [0, 0, 0];
    const filled = [0, 0, 0];
    for (let k = 0; k < n; k++) {
      let best = 0;
      for (let p = 0; p < 3; p++) {
        current[p]! += counts[p]!;
        if (current[p]! > current[best]!) best = p;
      }
      current[best]! -= n;
      parts[best]![filled[best]!++] = grouped[k]!;
    }
    for (const part of parts) rng.shuffle(part);
  }
  return { train: parts[0]!, validation: parts[1]!, test: parts[2]! };
}

/**
 * Splits a dataset into train, validation and test datasets (rows copied once) with a seeded shuffle:
 * same seed, same split. Classification sets are stratified unless `stratify: false`.
 * A part with fraction 0 is an empty dataset (0 rows).
 *
 * @example
 * ```ts
 * const { train, validation, test } = split(iris(), { train: 0.7, validation: 0.15, test: 0.15 }, new Rng(1));
 * train.rows; // 105, with 35 of each class
 * ```
 */
export function split(ds: Dataset, fractions: SplitFractions, rng: Rng, options: SplitOptions = {}): { train: Dataset; validation: Dataset; test: Dataset } {
  const idx = splitIndices(ds, fractions, rng, options);
  const base = ds.name ?? 'data';
  return {
    train: subset(ds, idx.train, `${base}-train`),
    validation: subset(ds, idx.validation, `${base}-validation`),
    test: subset(ds, idx.test, `${base}-test`),
  };
}
