import { BackpropError } from '../errors.js';
import type { Dataset } from './dataset.js';

/** Per-column statistics of a flat row-major array. */
export interface ColumnStats {
  /** Column means. */
  mean: number[];
  /** Population standard deviations (divisor n). */
  std: number[];
  min: number[];
  max: number[];
}

/**
 * Rows of each class of a classification dataset, in class order.
 *
 * @example
 * ```ts
 * classCounts(iris()); // [50, 50, 50]
 * ```
 */
export function classCounts(ds: Dataset): number[] {
  if (!ds.labels || !ds.classNames) throw new BackpropError('data', `classCounts: expected a classification dataset, got a ${ds.task} dataset`);
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (const k of ds.labels) counts[k]!++;
  return counts;
}

/**
 * Mean, standard deviation, minimum and maximum of each column — e.g. to tell whether inputs need
 * scaling before training (columns with |mean| or std far from 1).
 *
 * Shape: `data` n×width (n ≥ 1); each result array has `width` entries.
 * @example
 * ```ts
 * columnStats(new Float64Array([1, 10, 3, 30]), 2); // mean [2, 20], std [1, 10], min [1, 10], max [3, 30]
 * ```
 */
export function columnStats(data: Float64Array | Float32Array, width: number): ColumnStats {
  if (!Number.isInteger(width) || width < 1 || data.length === 0 || data.length % width !== 0) {
    throw new BackpropError('data', `columnStats: expected at least one row of ${width} columns, got ${data.length} numbers`);
  }
  const n = data.length / width;
  const stats: ColumnStats = { mean: [], std: [], min: [], max: [] };
  for (let j = 0; j < width; j++) {
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = j; i < data.length; i += width) {
      const v = data[i]!;
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const m = sum / n;
    let sq = 0;
    for (let i = j; i < data.length; i += width) sq += (data[i]! - m) ** 2;
    stats.mean.push(m);
    stats.std.push(Math.sqrt(sq / n));
    stats.min.push(lo);
    stats.max.push(hi);
  }
  return stats;
}

/**
 * One line describing a dataset, for logs and the CLI.
 *
 * @example
 * ```ts
 * describeDataset(iris());
 * // 'iris: 150 rows, 4 inputs → 3 outputs, classification, 3 classes (setosa 50, versicolor 50, virginica 50)'
 * ```
 */
export function describeDataset(ds: Dataset): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const head = `${ds.name ?? 'data'}: ${plural(ds.rows, 'row')}, ${plural(ds.inputSize, 'input')} → ${plural(ds.outputSize, 'output')}, ${ds.task}`;
  if (!ds.labels || !ds.classNames) return head;
  const counts = classCounts(ds);
  const shown = ds.classNames.length <= 10 ? ` (${ds.classNames.map((c, k) => `${c} ${counts[k]}`).join(', ')})` : '';
  return `${head}, ${ds.classNames.length} classes${shown}`;
}
