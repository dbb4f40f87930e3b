import { BackpropError } from '../errors.js';
import { datasetFromMatrices, describe, readMatrix } from './arrays.js';
import type { FromArraysOptions } from './arrays.js';
import type { Dataset } from './dataset.js';

/**
 * Reads the JSON data format of the core engine (what `backprop train --data DATA.json` takes):
 *
 * ```json
 * { "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]],
 *   "featureNames": ["a", "b"], "classNames": ["false", "true"] }
 * ```
 *
 * `inputs` is N×in and `targets` N×out, rows are samples. The optional `featureNames`, `targetNames`
 * and `classNames` are string arrays, and an optional `task` (`"classification"` or `"regression"`)
 * overrides the detection described in {@link FromArraysOptions.task}. Other keys are ignored.
 * Errors give the JSON path of what is wrong: `targets[3]: expected 2 numbers (like targets[0]), got 3`.
 *
 * @param source the JSON text, or an already parsed value.
 * @param options override the file's `task` or names.
 * @example
 * ```ts
 * const ds = parseDataJson('{"inputs": [[1, 2]], "targets": [[3]]}'); // regression, 1×2 → 1
 * ```
 */
export function parseDataJson(source: string | unknown, options: FromArraysOptions = {}): Dataset {
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (e) {
      throw new BackpropError('data', `data JSON: not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BackpropError('data', `data JSON: expected an object {"inputs": N×in, "targets": N×out}, got ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  for (const key of ['inputs', 'targets']) {
    if (!(key in obj)) {
      throw new BackpropError('data', `${key}: missing; expected an object {"inputs": N×in, "targets": N×out}, got the keys ${JSON.stringify(Object.keys(obj))}`);
    }
  }
  const x = readMatrix(obj['inputs'], 'inputs');
  const y = readMatrix(obj['targets'], 'targets');
  const names = (key: 'featureNames' | 'targetNames' | 'classNames'): readonly string[] | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new BackpropError('data', `${key}: expected an array of strings, got ${describe(v)}`);
    return v as string[];
  };
  const task = obj['task'];
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    throw new BackpropError('data', `task: expected "classification" or "regression", got ${describe(task)}`);
  }
  const featureNames = options.featureNames ?? names('featureNames');
  const targetNames = options.targetNames ?? names('targetNames');
  const classNames = options.classNames ?? names('classNames');
  return datasetFromMatrices(x, y, {
    task: options.task ?? task ?? 'auto',
    ...(featureNames && { featureNames }),
    ...(targetNames && { targetNames }),
    ...(classNames && { classNames }),
    ...(options.name && { name: options.name }),
  });
}
