import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.js';
import { datasetFromArrays } from './arrays.js';
import { iris } from './iris.js';
import { classCounts, columnStats, describeDataset } from './summary.js';
import { circle } from './synthetic.js';

test('classCounts and describeDataset', () => {
  assert.deepEqual(classCounts(iris()), [50, 50, 50]);
  assert.deepEqual(classCounts(circle({ size: 11, rng: new Rng(0) })), [5, 6]);
  assert.equal(describeDataset(iris()), 'iris: 150 rows, 4 inputs → 3 outputs, classification, 3 classes (setosa 50, versicolor 50, virginica 50)');
  const reg = datasetFromArrays([[1], [2]], [[0.5], [3]]);
  assert.equal(describeDataset(reg), 'data: 2 rows, 1 input → 1 output, regression');
  assert.throws(() => classCounts(reg), /expected a classification dataset, got a regression dataset/);
});

test('columnStats: mean, population std, min, max per column', () => {
  const s = columnStats(new Float64Array([1, 10, 3, 30, 5, 20]), 2);
  assert.deepEqual(s.mean, [3, 20]);
  assert.deepEqual(s.min, [1, 10]);
  assert.deepEqual(s.max, [5, 30]);
  // population variance of [1, 3, 5] is 8/3, of [10, 30, 20] is 200/3
  assert.ok(Math.abs(s.std[0]! - Math.sqrt(8 / 3)) < 1e-15);
  assert.ok(Math.abs(s.std[1]! - Math.sqrt(200 / 3)) < 1e-13);
  assert.throws(() => columnStats(new Float64Array(3), 2), /at least one row of 2 columns, got 3 numbers/);
});
