import type { Dataset } from '../data/dataset.js';
import { shown } from './escape.js';

/**
 * Warnings about training data that trains without error but cannot teach what is asked: a
 * classification training set in which only one class occurs (every prediction of that class is
 * "100 %" right, and nothing is learnt about the others).
 *
 * @example
 * ```ts
 * trainingDataWarnings(onlySetosa);   // ['every training row is of class "setosa" (1 of 3 classes occurs): …']
 * ```
 */
export function trainingDataWarnings(ds: Dataset): string[] {
  const out: string[] = [];
  if (ds.task === 'classification' && ds.labels !== undefined && ds.rows > 0) {
    const first = ds.labels[0]!;
    let single = true;
    for (let i = 1; i < ds.labels.length && single; i++) if (ds.labels[i] !== first) single = false;
    if (single) {
      const classes = ds.classNames?.length ?? 1;
      const name = ds.classNames?.[first] ?? String(first);
      out.push(`every training row is of class ${JSON.stringify(shown(name))}${classes > 1 ? ` (1 of ${classes} classes occurs)` : ''}: the network can only learn to answer that class, and its accuracy says nothing`);
    }
  }
  return out;
}
