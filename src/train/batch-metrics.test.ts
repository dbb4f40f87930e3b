// The running training figures (batch-metrics.ts) against the whole-set metrics of the same
// predictions: batch by batch they must add up to what metrics.ts computes on all rows at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../tensor/rng.js';
import { BatchMetrics } from './batch-metrics.js';
import { classificationMetrics, predictLabels, regressionMetrics } from './metrics.js';

test('classification: accuracy, macro precision and recall over batches equal the metrics of all predictions at once', () => {
  const rng = new Rng(1);
  const rows = 103;
  const classes = 4;
  const y = Float64Array.from({ length: rows * classes }, () => rng.uniform());
  const labels = Int32Array.from({ length: rows }, () => rng.int(classes));
  const order = rng.permutation(rows);
  const running = new BatchMetrics({ classes, encoding: 'onehot' }, classes);
  const predicted = new Int32Array(rows);
  for (let start = 0; start < rows; start += 16) {
    const idx = order.subarray(start, Math.min(rows, start + 16));
    const batch = new Float64Array(idx.length * classes);
    idx.forEach((i, k) => batch.set(y.subarray(i * classes, (i + 1) * classes), k * classes));
    running.addLoss(0.25 * start, idx.length);
    running.addClassified(batch, idx.length, labels, idx);
    predictLabels(batch, idx.length, classes, 'onehot').forEach((p, k) => void (predicted[idx[k]!] = p));
  }
  const want = classificationMetrics(labels, predicted, ['a', 'b', 'c', 'd']);
  const got = running.logs();
  assert.equal(got.accuracy, want.accuracy);
  assert.ok(Math.abs(got.precision! - want.precision.reduce((s, v) => s + v, 0) / classes) < 1e-15);
  assert.ok(Math.abs(got.recall! - want.recall.reduce((s, v) => s + v, 0) / classes) < 1e-15);
  // the loss: row-weighted mean of the batch losses
  let sum = 0;
  for (let start = 0; start < rows; start += 16) sum += 0.25 * start * Math.min(16, rows - start);
  assert.equal(got.loss, sum / rows);
});

test('binary and sign targets: the class is y ≥ ½ or y ≥ 0 on the first output', () => {
  for (const [encoding, y, want] of [['binary', [0.5, 0.49, 0.9], [1, 0, 1]], ['sign', [0, -1e-9, -0.5], [1, 0, 0]]] as const) {
    const running = new BatchMetrics({ classes: 2, encoding }, 1);
    running.addLoss(1, 3);
    running.addClassified(Float64Array.from(y), 3, Int32Array.from(want), Int32Array.from([0, 1, 2]));
    assert.equal(running.accuracy, 1, encoding);
  }
});

test('regression: MSE and R² over batches equal the metrics of all rows at once (R² to 1e-12)', () => {
  const rng = new Rng(2);
  const rows = 77;
  const cols = 3;
  const y = Float64Array.from({ length: rows * cols }, () => rng.normal());
  const t = Float64Array.from({ length: rows * cols }, (_, i) => y[i]! + 0.3 * rng.normal() + (i % cols));
  const running = new BatchMetrics({ outputs: cols }, cols);
  for (let start = 0; start < rows; start += 10) {
    const n = Math.min(10, rows - start);
    running.addLoss(1, n);
    running.addRegression(y.subarray(start * cols, (start + n) * cols), t.subarray(start * cols, (start + n) * cols), n);
  }
  const want = regressionMetrics(y, t, rows, cols);
  const got = running.logs();
  assert.ok(Math.abs(got.mse! - want.mse) <= 1e-15 * want.mse);
  assert.ok(Math.abs(got.r2! - want.r2) < 1e-12, `${got.r2} vs ${want.r2}`);
  running.reset();
  assert.deepEqual(Object.keys(running.logs()), ['loss']);
});
