import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concat, datasetFromArrays, subset, toArrays } from './arrays.js';
import { makeDataset, withTargetEncoding } from './dataset.js';
import { parseDataJson } from './json.js';
import { BackpropError } from '../errors.js';

const dataError = (pattern: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof BackpropError, `not a BackpropError: ${String(e)}`);
  assert.equal(e.code, 'data');
  assert.match(e.message, pattern);
  return true;
};

test('datasetFromArrays stores rows flat and detects the task from the targets', () => {
  const xor = datasetFromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]);
  assert.deepEqual(Array.from(xor.x), [0, 0, 0, 1, 1, 0, 1, 1]);
  assert.equal(xor.task, 'classification');
  assert.equal(xor.targetEncoding, 'binary');
  assert.deepEqual(Array.from(xor.labels!), [0, 1, 1, 0]);

  const onehot = datasetFromArrays([[1], [2], [3]], [[0, 0, 1], [1, 0, 0], [0, 1, 0]], { classNames: ['a', 'b', 'c'] });
  assert.equal(onehot.targetEncoding, 'onehot');
  assert.deepEqual(Array.from(onehot.labels!), [2, 0, 1]);
  assert.deepEqual(onehot.classNames, ['a', 'b', 'c']);

  const sign = datasetFromArrays([[1], [2]], [[-1], [1]]);
  assert.equal(sign.targetEncoding, 'sign');

  const reg = datasetFromArrays([[1, 2], [3, 4]], [[0.5], [1]]);
  assert.equal(reg.task, 'regression');
  assert.equal(reg.labels, undefined);

  const forced = datasetFromArrays([[1], [2]], [[0], [1]], { task: 'regression' });
  assert.equal(forced.task, 'regression');
  assert.throws(() => datasetFromArrays([[1]], [[0.5]], { task: 'classification' }), dataError(/one-hot rows/));
});

test('datasetFromArrays names the row and column of ragged rows and non-numbers', () => {
  assert.throws(() => datasetFromArrays([[1, 2], [3]], [[1], [2]]), dataError(/^inputs\[1\]: expected 2 numbers \(like inputs\[0\]\), got 1$/));
  assert.throws(() => datasetFromArrays([[1, 2], [3, NaN]], [[1], [2]]), dataError(/^inputs\[1\]\[1\] \(row 1, column 1\): expected a finite number, got NaN$/));
  assert.throws(() => datasetFromArrays([[1, 2]], [[Infinity]]), dataError(/^targets\[0\]\[0\] \(row 0, column 0\): expected a finite number, got Infinity$/));
  assert.throws(() => datasetFromArrays([[1, '2' as unknown as number]], [[1]]), dataError(/inputs\[0\]\[1\].*got "2"/));
  assert.throws(() => datasetFromArrays([[1], [2]], [[1]]), dataError(/^targets: expected 2 rows \(one per input row\), got 1$/));
  assert.throws(() => datasetFromArrays([], []), dataError(/^inputs: expected at least one row/));
});

test('toArrays inverts datasetFromArrays', () => {
  const inputs = [[1.5, -2], [3, 4e-9]];
  const targets = [[0.25], [7]];
  assert.deepEqual(toArrays(datasetFromArrays(inputs, targets)), { inputs, targets });
});

test('subset picks rows in the given order; concat appends; both keep labels', () => {
  const ds = datasetFromArrays([[0], [1], [2], [3]], [[1, 0], [0, 1], [1, 0], [0, 1]]);
  const s = subset(ds, [3, 0, 3]);
  assert.deepEqual(Array.from(s.x), [3, 0, 3]);
  assert.deepEqual(Array.from(s.labels!), [1, 0, 1]);
  assert.equal(s.rows, 3);
  assert.throws(() => subset(ds, [4]), dataError(/indices\[0\] is 4, expected a row index in 0 … 3/));
  const c = concat(s, ds);
  assert.equal(c.rows, 7);
  assert.deepEqual(Array.from(c.x), [3, 0, 3, 0, 1, 2, 3]);
  assert.deepEqual(Array.from(c.labels!), [1, 0, 1, 0, 1, 0, 1]);
  assert.throws(() => concat(ds, datasetFromArrays([[0, 1]], [[1, 0]])), dataError(/concat: dataset 1/));
  // a subset result is a valid dataset
  assert.doesNotThrow(() => makeDataset(s));
});

test('withTargetEncoding rewrites two-class targets', () => {
  const ds = datasetFromArrays([[0], [1]], [[1, 0], [0, 1]]);
  assert.deepEqual(Array.from(withTargetEncoding(ds, 'sign').y), [-1, 1]);
  assert.deepEqual(Array.from(withTargetEncoding(ds, 'binary').y), [0, 1]);
  const three = datasetFromArrays([[0], [1], [2]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.throws(() => withTargetEncoding(three, 'sign'), dataError(/needs exactly 2 classes, got 3/));
});

test('makeDataset rejects inconsistent fields', () => {
  const x = new Float64Array([1, 2, 3, 4]);
  assert.throws(() => makeDataset({ x, y: new Float64Array(3), inputSize: 2, outputSize: 1, task: 'regression' }), dataError(/expected x of 2×2 = 4 and y of 2×1 = 2 numbers, got 4 and 3/));
  assert.throws(
    () => makeDataset({ x, y: new Float64Array([1, 0, 1, 0]), inputSize: 2, outputSize: 2, task: 'classification', labels: Int32Array.from([0, 1]), classNames: ['a', 'b'], targetEncoding: 'onehot' }),
    dataError(/targets\[1\]\[0\] is 1, but label 1 in "onehot" encoding gives 0/),
  );
});

test('JSON data format: happy path with names, and JSON-path errors', () => {
  const ds = parseDataJson('{"inputs": [[0, 0], [1, 1]], "targets": [[1, 0], [0, 1]], "featureNames": ["a", "b"], "classNames": ["no", "yes"]}');
  assert.equal(ds.rows, 2);
  assert.deepEqual(ds.featureNames, ['a', 'b']);
  assert.deepEqual(ds.classNames, ['no', 'yes']);
  assert.equal(parseDataJson({ inputs: [[0]], targets: [[1]], task: 'regression' }).task, 'regression');

  const bad = '{"inputs": [[1], [2], [3], [4]], "targets": [[1, 0], [0, 1], [1, 0], [0, 1, 0]]}';
  assert.throws(() => parseDataJson(bad), dataError(/^targets\[3\]: expected 2 numbers \(like targets\[0\]\), got 3$/));
  assert.throws(() => parseDataJson('{"inputs": [[1], ["x"]], "targets": [[1], [2]]}'), dataError(/^inputs\[1\]\[0\] \(row 1, column 0\): expected a finite number, got "x"$/));
  assert.throws(() => parseDataJson('{"input": [[1]], "targets": [[1]]}'), dataError(/^inputs: missing; .* got the keys \["input","targets"\]$/));
  assert.throws(() => parseDataJson('{"inputs": [[1]], "targets": 3}'), dataError(/^targets: expected an array of rows, got 3$/));
  assert.throws(() => parseDataJson('[1, 2]'), dataError(/expected an object/));
  assert.throws(() => parseDataJson('{"inputs": '), dataError(/^data JSON: not valid JSON/));
  assert.throws(() => parseDataJson('{"inputs": [[1]], "targets": [[1]], "task": "ranking"}'), dataError(/^task: expected "classification" or "regression", got "ranking"$/));
});
