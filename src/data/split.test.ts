import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.js';
import { datasetFromArrays } from './arrays.js';
import { batchCount, batches, epochOrder, copyRows } from './batch.js';
import { iris } from './iris.js';
import { split, splitCounts, splitIndices } from './split.js';
import { circle } from './synthetic.js';
import { BackpropError } from '../errors.js';

const classCounts = (labels: Int32Array, classes: number): number[] => {
  const c = new Array<number>(classes).fill(0);
  for (const k of labels) c[k]!++;
  return c;
};

test('splitCounts: largest remainder, exact total, ties to the earlier part', () => {
  assert.deepEqual(splitCounts(10, { train: 0.65, validation: 0.2, test: 0.15 }), [7, 2, 1]);
  assert.deepEqual(splitCounts(150, { train: 0.7, validation: 0.15, test: 0.15 }), [105, 23, 22]);
  assert.deepEqual(splitCounts(3, { train: 0.5, test: 0.5 }), [2, 0, 1]);
  assert.deepEqual(splitCounts(7, { train: 1 }), [7, 0, 0]);
  assert.throws(() => splitCounts(10, { train: 0.7, test: 0.2 }), (e: unknown) => e instanceof BackpropError && /add up to 1, got 0\.9/.test(e.message));
  assert.throws(() => splitCounts(10, { train: 1.2, test: -0.2 }), /train fraction to be a number in \[0, 1\], got 1.2/);
});

test('split partitions the rows exactly (every row once), same seed same split', () => {
  for (const stratify of [true, false]) {
    const ds = iris();
    const fr = { train: 0.6, validation: 0.2, test: 0.2 };
    const a = splitIndices(ds, fr, new Rng(3), { stratify });
    const b = splitIndices(ds, fr, new Rng(3), { stratify });
    assert.deepEqual(a, b);
    assert.deepEqual([a.train.length, a.validation.length, a.test.length], [90, 30, 30]);
    const all = [...a.train, ...a.validation, ...a.test].sort((p, q) => p - q);
    assert.deepEqual(all, Array.from({ length: 150 }, (_, i) => i));
    const c = splitIndices(ds, fr, new Rng(4), { stratify });
    assert.notDeepEqual(a.train, c.train);
  }
});

test('split is stratified for classification: iris 70/15/15 keeps 35/35/35 in train', () => {
  const parts = split(iris(), { train: 0.7, validation: 0.15, test: 0.15 }, new Rng(1));
  assert.deepEqual(classCounts(parts.train.labels!, 3), [35, 35, 35]);
  for (const part of [parts.validation, parts.test]) {
    for (const n of classCounts(part.labels!, 3)) assert.ok(n === 7 || n === 8, `class count ${n}`);
  }
  assert.equal(parts.train.name, 'iris-train');
  // each part is shuffled: the train part does not start with a run of one class
  assert.ok(new Set(parts.train.labels!.subarray(0, 12)).size > 1);
  // rows are copied with their targets
  const ds = iris();
  const idx = splitIndices(ds, { train: 0.7, validation: 0.15, test: 0.15 }, new Rng(1));
  assert.deepEqual(parts.test.x.subarray(0, 4), ds.x.subarray(idx.test[0]! * 4, idx.test[0]! * 4 + 4));
});

test('stratified split of an unbalanced set: each class within one row of its share', () => {
  const labels = Array.from({ length: 103 }, (_, i) => (i < 80 ? 0 : 1));
  const ds = datasetFromArrays(labels.map((l, i) => [i]), labels.map((l) => [l]));
  const { train, validation, test: te } = split(ds, { train: 0.5, validation: 0.25, test: 0.25 }, new Rng(9));
  const shares = [0.5, 0.25, 0.25];
  [train, validation, te].forEach((part, p) => {
    const c = classCounts(part.labels!, 2);
    assert.ok(Math.abs(c[0]! - 80 * shares[p]!) <= 1.5, `part ${p} class 0: ${c[0]}`);
    assert.ok(Math.abs(c[1]! - 23 * shares[p]!) <= 1.5, `part ${p} class 1: ${c[1]}`);
  });
});

test('regression split, and a zero fraction gives an empty part', () => {
  const ds = datasetFromArrays([[1], [2], [3], [4]], [[0.1], [0.2], [0.3], [0.4]]);
  const { train, validation, test: te } = split(ds, { train: 0.75, test: 0.25 }, new Rng(2));
  assert.equal(train.rows, 3);
  assert.equal(validation.rows, 0);
  assert.equal(te.rows, 1);
  assert.deepEqual([...train.x, ...te.x].sort(), [1, 2, 3, 4]);
  // targets travel with their inputs
  for (let i = 0; i < 3; i++) assert.equal(train.y[i], train.x[i]! / 10);
});

test('batches: sizes, last batch smaller, every row once per epoch, seeded order', () => {
  const ds = circle({ size: 10, rng: new Rng(0) });
  const list = [...batches(ds, 4, new Rng(5))];
  assert.deepEqual(list.map((b) => b.rows), [4, 4, 2]);
  assert.deepEqual(list.map((b) => b.index), [0, 1, 2]);
  assert.equal(batchCount(10, 4), 3);
  assert.equal(batchCount(10, 4, true), 2);
  const seen = list.flatMap((b) => Array.from(b.indices)).sort((p, q) => p - q);
  assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => i));
  assert.deepEqual(list.flatMap((b) => Array.from(b.indices)), Array.from(new Rng(5).permutation(10)));
  for (const b of list) {
    for (let k = 0; k < b.rows; k++) {
      const i = b.indices[k]!;
      assert.deepEqual(b.x.subarray(2 * k, 2 * k + 2), ds.x.subarray(2 * i, 2 * i + 2));
      assert.deepEqual(b.y.subarray(2 * k, 2 * k + 2), ds.y.subarray(2 * i, 2 * i + 2));
      assert.equal(b.labels![k], ds.labels![i]);
    }
  }
  assert.deepEqual([...batches(ds, 3, null, { dropLast: true })].map((b) => Array.from(b.indices)), [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
  assert.deepEqual([...batches(ds, 64, null)].map((b) => b.rows), [10]);
  assert.throws(() => batches(ds, 0, null), /batch size to be a positive integer, got 0/);
});

test('batches: the permutation is drawn at the call; reuse shares one buffer', () => {
  const ds = circle({ size: 9, rng: new Rng(0) });
  const rng = new Rng(7);
  const it = batches(ds, 4, rng);
  const after = rng.uniform();
  const ref = new Rng(7);
  ref.permutation(9);
  assert.equal(after, ref.uniform());
  const first = it.next().value!;
  assert.equal(first.rows, 4);

  const reused = batches(ds, 4, null, { reuse: true });
  const b0 = reused.next().value!;
  const copy = Float64Array.from(b0.x);
  const b1 = reused.next().value!;
  assert.equal(b0.x.buffer, b1.x.buffer);
  assert.notDeepEqual(Float64Array.from(b0.x), copy); // overwritten by the next batch, as documented
  assert.deepEqual(epochOrder(3, null), Int32Array.from([0, 1, 2]));
  assert.deepEqual(copyRows(new Float64Array([1, 2, 3, 4, 5, 6]), 2, [2, 0], new Float64Array(4)), new Float64Array([5, 6, 1, 2]));
});
