import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.js';
import { circle, gauss, moons, spiral, synthetic, SYNTHETIC_NAMES, xor } from './synthetic.js';
import type { Dataset } from './dataset.js';
import { BackpropError } from '../errors.js';

const bytes = (a: Float64Array | Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const point = (ds: Dataset, i: number): [number, number] => [ds.x[2 * i]!, ds.x[2 * i + 1]!];
const count = (ds: Dataset, k: number): number => ds.labels!.reduce((s, l) => s + (l === k ? 1 : 0), 0);

test('every synthetic set: same seed gives the same bits, another seed other points', () => {
  for (const name of SYNTHETIC_NAMES) {
    const a = synthetic(name, { size: 101, noise: 0.2, rng: new Rng(5) });
    const b = synthetic(name, { size: 101, noise: 0.2, rng: new Rng(5) });
    const c = synthetic(name, { size: 101, noise: 0.2, rng: new Rng(6) });
    assert.ok(bytes(a.x).equals(bytes(b.x)), name);
    assert.ok(bytes(a.y).equals(bytes(b.y)), name);
    assert.ok(!bytes(a.x).equals(bytes(c.x)), name);
    assert.equal(a.rows, 101);
    assert.equal(a.inputSize, 2);
    assert.equal(a.outputSize, 2);
    assert.deepEqual(a.featureNames, ['x1', 'x2']);
    for (let i = 0; i < a.rows; i++) {
      // one-hot rows agree with the labels
      assert.equal(a.y[2 * i + a.labels![i]!], 1);
      assert.equal(a.y[2 * i + 1 - a.labels![i]!], 0);
    }
  }
});

test('rows are shuffled: the first tenth already holds both classes', () => {
  for (const name of SYNTHETIC_NAMES) {
    const ds = synthetic(name, { size: 400, rng: new Rng(1) });
    const head = ds.labels!.subarray(0, 40);
    assert.ok(head.includes(0) && head.includes(1), name);
  }
});

test('circle without noise: class by radius, inner disc < 2.5, outer ring in [3.5, 5), half each', () => {
  const ds = circle({ size: 501, rng: new Rng(2) });
  assert.equal(count(ds, 1), 251);
  assert.equal(count(ds, 0), 250);
  for (let i = 0; i < ds.rows; i++) {
    const r = Math.hypot(...point(ds, i));
    if (ds.labels![i] === 1) assert.ok(r < 2.5, `row ${i} r=${r}`);
    else assert.ok(r >= 3.5 && r < 5, `row ${i} r=${r}`);
  }
});

test('circle with noise: positions keep the two bands, some labels flip, most follow the radius', () => {
  const ds = circle({ size: 1000, noise: 0.25, rng: new Rng(3) });
  let flipped = 0;
  for (let i = 0; i < ds.rows; i++) {
    const r = Math.hypot(...point(ds, i));
    assert.ok(r < 2.5 || (r >= 3.5 && r < 5));
    if ((r < 2.5 ? 1 : 0) !== ds.labels![i]) flipped++;
  }
  assert.ok(flipped > 0 && flipped < 0.35 * ds.rows, `flipped ${flipped}`);
});

test('xor without noise: class 1 iff x·y ≥ 0, points padded 0.3 off the axes, classes balanced on average', () => {
  const n = 2000;
  const ds = xor({ size: n, rng: new Rng(4) });
  for (let i = 0; i < n; i++) {
    const [a, b] = point(ds, i);
    assert.equal(ds.labels![i], a * b >= 0 ? 1 : 0);
    assert.ok(Math.abs(a) >= 0.3 && Math.abs(a) <= 5.3 && Math.abs(b) >= 0.3 && Math.abs(b) <= 5.3);
  }
  // binomial(n, 1/2): 4 standard deviations = 4·√n/2
  assert.ok(Math.abs(count(ds, 1) - n / 2) < 4 * Math.sqrt(n) / 2, `count ${count(ds, 1)}`);
});

test('gauss: centres (2, 2) and (−2, −2), variance 0.5 + 7·noise', () => {
  for (const noise of [0, 0.5]) {
    const n = 4000;
    const ds = gauss({ size: n, noise, rng: new Rng(8) });
    assert.equal(count(ds, 1), n / 2);
    const variance = 0.5 + 7 * noise;
    for (const [k, c] of [[1, 2], [0, -2]] as const) {
      const vals: number[] = [];
      for (let i = 0; i < n; i++) if (ds.labels![i] === k) vals.push(...point(ds, i));
      const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
      const v = vals.reduce((s, x) => s + (x - mean) ** 2, 0) / vals.length;
      assert.ok(Math.abs(mean - c) < 4 * Math.sqrt(variance / vals.length), `mean ${mean}`);
      assert.ok(Math.abs(v - variance) < 4 * variance * Math.sqrt(2 / vals.length), `variance ${v} vs ${variance}`);
    }
  }
});

test('spiral without noise: each point lies on its arm, angle 3.5π·r/5 (+π for class 0)', () => {
  const ds = spiral({ size: 400, rng: new Rng(9) });
  assert.equal(count(ds, 0), 200);
  for (let i = 0; i < ds.rows; i++) {
    const [a, b] = point(ds, i);
    const r = Math.hypot(a, b);
    assert.ok(r < 5);
    if (r < 1e-12) continue;
    const expected = (3.5 * Math.PI * r) / 5 + (ds.labels![i] === 1 ? 0 : Math.PI);
    const diff = Math.atan2(a, b) - expected;
    const wrapped = diff - 2 * Math.PI * Math.round(diff / (2 * Math.PI));
    assert.ok(Math.abs(wrapped) < 1e-9, `row ${i}: off by ${wrapped}`);
  }
});

test('spiral with noise: each coordinate moves by less than noise (same seed, same draws)', () => {
  const clean = spiral({ size: 100, rng: new Rng(1) });
  const noisy = spiral({ size: 100, noise: 0.3, rng: new Rng(1) });
  assert.deepEqual(noisy.labels, clean.labels);
  let moved = 0;
  for (let i = 0; i < clean.x.length; i++) {
    const d = Math.abs(noisy.x[i]! - clean.x[i]!);
    assert.ok(d < 0.3, `coordinate ${i} moved ${d}`);
    moved = Math.max(moved, d);
  }
  assert.ok(moved > 0.2);
});

test('moons without noise: points on the two half circles (scikit-learn geometry, centred, ×2.5)', () => {
  const ds = moons({ size: 301, rng: new Rng(10) });
  assert.equal(count(ds, 0), 150);
  assert.equal(count(ds, 1), 151);
  for (let i = 0; i < ds.rows; i++) {
    const [a, b] = point(ds, i);
    const px = a / 2.5 + 0.5;
    const py = b / 2.5 + 0.25;
    if (ds.labels![i] === 0) {
      assert.ok(Math.abs(Math.hypot(px, py) - 1) < 1e-12 && py >= -1e-12);
    } else {
      assert.ok(Math.abs(Math.hypot(px - 1, py - 0.5) - 1) < 1e-12 && py <= 0.5 + 1e-12);
    }
  }
});

test('targets option: one column of ±1 (tanh) or 0/1 (sigmoid), same points', () => {
  const onehot = xor({ size: 50, rng: new Rng(11) });
  const sign = xor({ size: 50, rng: new Rng(11), targets: 'sign' });
  const binary = xor({ size: 50, rng: new Rng(11), targets: 'binary' });
  assert.ok(bytes(onehot.x).equals(bytes(sign.x)));
  assert.equal(sign.outputSize, 1);
  assert.equal(binary.outputSize, 1);
  for (let i = 0; i < 50; i++) {
    assert.equal(sign.y[i], onehot.labels![i] === 1 ? 1 : -1);
    assert.equal(binary.y[i], onehot.labels![i]);
  }
});

test('bad options are reported', () => {
  assert.throws(() => circle({ size: 1, rng: new Rng(0) }), /circle: expected size to be an integer ≥ 2, got 1/);
  assert.throws(() => gauss({ noise: -1, rng: new Rng(0) }), (e: unknown) => e instanceof BackpropError && e.code === 'data' && /noise/.test(e.message));
  assert.throws(() => synthetic('ring' as 'xor', { rng: new Rng(0) }), /unknown set "ring", expected one of circle, xor, gauss, spiral, moons/);
});
