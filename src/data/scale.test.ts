import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.js';
import { datasetFromArrays } from './arrays.js';
import { iris } from './iris.js';
import { MinMaxScaler, scaleDataset, scalerFromJSON, Standardizer } from './scale.js';
import { BackpropError } from '../errors.js';

/** n rows × 3 columns: a wide normal column, a shifted uniform one, and a constant one. */
function sample(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = rng.normal(100, 15);
    out[3 * i + 1] = rng.uniformRange(-3, 7);
    out[3 * i + 2] = 0.1;
  }
  return out;
}

const column = (data: Float64Array, j: number, w: number): number[] => Array.from(data).filter((_, i) => i % w === j);

test('Standardizer: training columns get mean 0 and (population) variance 1; constant columns give 0, not NaN', () => {
  const data = sample(500, 1);
  const s = Standardizer.fit(data, 3);
  const z = s.transform(data);
  for (const j of [0, 1]) {
    const c = column(z, j, 3);
    const mean = c.reduce((a, v) => a + v, 0) / c.length;
    const variance = c.reduce((a, v) => a + (v - mean) ** 2, 0) / c.length;
    assert.ok(Math.abs(mean) < 1e-12, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 1e-12, `variance ${variance}`);
  }
  assert.deepEqual(column(z, 2, 3), new Array(500).fill(0));
  assert.equal(s.std[2], 1);
  assert.equal(s.mean[2], 0.1);
  // by hand on a tiny column: [1, 3] has mean 2 and population std 1
  assert.deepEqual(Array.from(Standardizer.fit(new Float64Array([1, 3]), 1).transform(new Float64Array([1, 3, 5]))), [-1, 1, 3]);
});

test('MinMaxScaler: training columns span the range exactly; constant columns map to the low end', () => {
  const data = sample(300, 2);
  const s = MinMaxScaler.fit(data, 3, [-1, 1]);
  const z = s.transform(data);
  for (const j of [0, 1]) {
    const c = column(z, j, 3);
    assert.ok(Math.abs(Math.min(...c) + 1) < 1e-15 && Math.abs(Math.max(...c) - 1) < 1e-15);
  }
  assert.deepEqual(column(z, 2, 3), new Array(300).fill(-1));
  assert.deepEqual(Array.from(MinMaxScaler.fit(new Float64Array([2, 4]), 1).transform(new Float64Array([2, 3, 4, 6]))), [0, 0.5, 1, 2]);
});

test('scalers round-trip: inverse(transform(x)) ≈ x, and JSON save/load gives identical bits', () => {
  const data = sample(200, 3);
  const other = sample(50, 4);
  for (const s of [Standardizer.fit(data, 3), MinMaxScaler.fit(data, 3), MinMaxScaler.fit(data, 3, [-1, 1])]) {
    const back = s.inverse(s.transform(other));
    other.forEach((v, i) => assert.ok(Math.abs(back[i]! - v) <= 1e-12 * Math.max(1, Math.abs(v)), `${v} → ${back[i]}`));
    const saved = JSON.parse(JSON.stringify(s)) as unknown;
    const loaded = scalerFromJSON(saved);
    assert.deepEqual(loaded.toJSON(), s.toJSON());
    assert.deepEqual(loaded.transform(other), s.transform(other));
    // in place
    const copy = Float64Array.from(other);
    assert.equal(s.transform(copy, copy), copy);
    assert.deepEqual(copy, s.transform(other));
  }
  assert.deepEqual(Standardizer.fit(new Float64Array([1, 3]), 1).toJSON(), { type: 'standardize', mean: [2], std: [1] });
  assert.deepEqual(MinMaxScaler.fit(new Float64Array([1, 3]), 1).toJSON(), { type: 'minmax', min: [1], max: [3], range: [0, 1] });
});

test('scaler JSON errors name the path', () => {
  const bad = (json: unknown, pattern: RegExp): void => {
    assert.throws(() => scalerFromJSON(json, 'preprocessing.inputs'), (e: unknown) => e instanceof BackpropError && e.code === 'data' && pattern.test(e.message));
  };
  bad({ type: 'zscore' }, /^preprocessing\.inputs\.type: expected "standardize" or "minmax", got "zscore"$/);
  bad({ type: 'standardize', mean: [0, 1], std: [1] }, /^preprocessing\.inputs\.std: expected 2 numbers, got 1$/);
  bad({ type: 'standardize', mean: [0], std: [0] }, /^preprocessing\.inputs\.std\[0\]: expected a positive number, got 0$/);
  bad({ type: 'standardize', mean: ['a'], std: [1] }, /^preprocessing\.inputs\.mean\[0\]: expected a finite number, got "a"$/);
  bad({ type: 'minmax', min: [2], max: [1] }, /^preprocessing\.inputs\.max\[0\]: expected at least min\[0\] = 2, got 1$/);
  bad({ type: 'minmax', min: [0], max: [1], range: [1, 0] }, /^preprocessing\.inputs\.range: expected \[lo, hi\] with lo < hi/);
  bad(null, /^preprocessing\.inputs\.type/);
  assert.throws(() => Standardizer.fit(new Float64Array([1, NaN]), 1), /row 1, column 0 is NaN/);
  assert.throws(() => Standardizer.fit(new Float64Array(3), 2), /expected at least one row of 2 columns, got 3 numbers/);
  assert.throws(() => Standardizer.fit(new Float64Array([1, 2]), 2).transform(new Float64Array(3)), /expected rows of 2 columns, got 3 numbers/);
});

test('scaleDataset scales inputs with training statistics and regression targets; refuses class codes', () => {
  const ds = iris();
  const s = Standardizer.fit(ds.x, 4);
  const scaled = scaleDataset(ds, { inputs: s });
  assert.deepEqual(scaled.labels, ds.labels);
  assert.deepEqual(scaled.y, ds.y);
  assert.deepEqual(scaled.x, s.transform(ds.x));
  assert.throws(() => scaleDataset(ds, { targets: MinMaxScaler.fit(ds.y, 3) }), /classification targets are class codes/);
  const reg = datasetFromArrays([[1], [2], [3]], [[10], [20], [40]]);
  const t = MinMaxScaler.fit(reg.y, 1);
  assert.deepEqual(Array.from(scaleDataset(reg, { targets: t }).y), [0, 1 / 3, 1]);
  assert.throws(() => scaleDataset(reg, { inputs: s }), /the input scaler has 4 columns, the dataset 1/);
});

test('Standardizer.fit row by row gives the column-at-a-time figures bit for bit (constant columns, float32 and float64, wide and narrow)', () => {
  const rng = new Rng(17);
  for (const [rows, width] of [[1000, 7], [300, 784], [1, 3]] as const) {
    for (const Ctor of [Float64Array, Float32Array]) {
      const data = new Ctor(rows * width);
      for (let i = 0; i < data.length; i++) data[i] = i % width === 2 ? 5 : rng.normal(3, 10) * (i % width === 1 ? 1e-6 : 1);
      const s = Standardizer.fit(data, width);
      for (let j = 0; j < width; j++) {
        // the plain column loop: sum, min, max, then Σ(v − mean)²
        let sum = 0, min = Infinity, max = -Infinity;
        for (let i = j; i < data.length; i += width) {
          sum += data[i]!;
          min = Math.min(min, data[i]!);
          max = Math.max(max, data[i]!);
        }
        const m = sum / rows;
        let sq = 0;
        for (let i = j; i < data.length; i += width) sq += (data[i]! - m) ** 2;
        assert.ok(Object.is(s.mean[j], min === max ? min : m), `${rows}×${width} column ${j}: mean`);
        assert.ok(Object.is(s.std[j], min === max ? 1 : Math.sqrt(sq / rows)), `${rows}×${width} column ${j}: std`);
      }
    }
  }
});
