import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadMnist, readMnistDigits } from './mnist.node.js';
import { mnistSplit, mnistTrainCounts } from './mnist.js';

const started = performance.now();
const { train, test: heldOut } = loadMnist();
const loadMs = performance.now() - started;

// NOTE: independent figures — the image counts per digit, read here from the package's files
// directly with JSON.parse (784 pixels per image).
const require = createRequire(import.meta.url);
const perDigit = Array.from({ length: 10 }, (_, d) => {
  const { data } = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] };
  return data.length / 784;
});

test('mnist: the package holds 10,000 images', (t) => {
  assert.equal(perDigit.reduce((s, n) => s + n, 0), 10000);
  // NOTE: the load time is reported, not asserted: the test machine is shared and its load varies.
  t.diagnostic(`loadMnist took ${loadMs.toFixed(0)} ms`);
});

test('mnist: 8,000 training and 2,000 held-out rows of 784 pixels and 10 one-hot targets', () => {
  assert.equal(train.rows, 8000);
  assert.equal(heldOut.rows, 2000);
  for (const ds of [train, heldOut]) {
    assert.equal(ds.inputSize, 784);
    assert.equal(ds.outputSize, 10);
    assert.equal(ds.x.length, ds.rows * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
    for (let i = 0; i < ds.rows; i += 97) {
      const row = ds.y.subarray(10 * i, 10 * i + 10);
      assert.equal(Array.from(row).reduce((s, v) => s + v, 0), 1);
      assert.equal(row[ds.labels![i]!], 1);
    }
  }
});

test('mnist: each digit keeps 80 % of its images for training and holds out the rest, in stored order', () => {
  const countsOf = (labels: Int32Array): number[] => {
    const c = new Array<number>(10).fill(0);
    for (const k of labels) c[k]!++;
    return c;
  };
  const trainCounts = countsOf(train.labels!);
  const testCounts = countsOf(heldOut.labels!);
  for (let d = 0; d < 10; d++) {
    assert.equal(trainCounts[d]! + testCounts[d]!, perDigit[d]);
    assert.ok(Math.abs(trainCounts[d]! - 0.8 * perDigit[d]!) < 1, `digit ${d}: ${trainCounts[d]} of ${perDigit[d]}`);
  }
  assert.deepEqual(testCounts, [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
  assert.deepEqual(mnistTrainCounts(perDigit), trainCounts);

  // The first held-out image of digit 3 is image number trainCounts[3] of 3.json.
  const digits = readMnistDigits();
  const firstThree = heldOut.labels!.indexOf(3);
  const k = trainCounts[3]!;
  assert.deepEqual(heldOut.x.subarray(firstThree * 784, firstThree * 784 + 784), digits[3]!.subarray(k * 784, (k + 1) * 784));
  // …and the first training image is image 0 of 0.json.
  assert.deepEqual(train.x.subarray(0, 784), digits[0]!.subarray(0, 784));
});

test('mnist: the split rule and its checks, on small arrays', () => {
  assert.deepEqual(mnistTrainCounts([10, 10, 10]), [8, 8, 8]);
  assert.deepEqual(mnistTrainCounts([3, 3]), [3, 2]); // 2.4 + 2.4 → 5 of 6: the tie goes to digit 0
  assert.throws(() => mnistSplit([new Float64Array(784)]), /expected 10 pixel arrays/);
  const bad = Array.from({ length: 10 }, () => new Float64Array(784 * 5));
  bad[4]![784 * 4 + 2] = 255;
  assert.throws(() => mnistSplit(bad), /mnist: digit 4, image 4, pixel 2 is 255, expected a number in \[0, 1\]/);
  bad[4] = new Float64Array(100);
  assert.throws(() => mnistSplit(bad), /digit 4 has 100 pixels/);
});

test('mnist through loadData: the training digits, and the held-out digits beside them', async () => {
  const { loadData } = await import('./load.node.js');
  const { data, heldOut } = await loadData('mnist');
  assert.deepEqual(data.x, train.x);
  assert.ok(heldOut);
  assert.deepEqual(heldOut.labels, loadMnist().test.labels);
  assert.deepEqual(heldOut.x, loadMnist().test.x);
});
