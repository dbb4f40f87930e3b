import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iris } from './iris.js';

test('iris: 150 rows, 4 features, 3 one-hot classes of 50', () => {
  const ds = iris();
  assert.equal(ds.rows, 150);
  assert.equal(ds.inputSize, 4);
  assert.equal(ds.outputSize, 3);
  assert.deepEqual(ds.classNames, ['setosa', 'versicolor', 'virginica']);
  const counts = [0, 0, 0];
  for (const k of ds.labels!) counts[k]!++;
  assert.deepEqual(counts, [50, 50, 50]);
  for (let i = 0; i < 150; i++) {
    const row = Array.from(ds.y.subarray(3 * i, 3 * i + 3));
    assert.deepEqual(row, [0, 1, 2].map((k) => (k === ds.labels![i] ? 1 : 0)));
  }
});

test('iris: the first row and the column means match the published data set', () => {
  const ds = iris();
  // UCI iris.data, row 1: 5.1, 3.5, 1.4, 0.2, Iris-setosa
  assert.deepEqual(Array.from(ds.x.subarray(0, 4)), [5.1, 3.5, 1.4, 0.2]);
  // Means as printed in the UCI iris.names summary statistics: 5.84, 3.05, 3.76, 1.20
  const means = [0, 1, 2, 3].map((j) => {
    let s = 0;
    for (let i = 0; i < 150; i++) s += ds.x[4 * i + j]!;
    return s / 150;
  });
  [5.84, 3.05, 3.76, 1.2].forEach((m, j) => assert.ok(Math.abs(means[j]! - m) < 0.01, `column ${j}: ${means[j]}`));
});

test('iris: sign encoding is refused (three classes)', () => {
  assert.throws(() => iris('sign'), /needs exactly 2 classes, got 3/);
});
