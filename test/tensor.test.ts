// Tensors: creation, dtypes, broadcasting, reductions, shapes, matmul variants, printing, Rng.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  add, BackpropError, full, matmul, max, mean, ones, rand, randn, reshape, Rng, sliceRows, sum, tensor, transpose, zeros,
} from '../src/index.js';

test('creation from nested arrays, zeros/ones/full, shapes and dtypes', () => {
  const x = tensor([[1, 2, 3]]);
  assert.deepEqual(x.shape, [1, 3]);
  assert.equal(x.dtype, 'float64');
  assert.ok(x.data instanceof Float64Array);
  const f = tensor([0.1, 0.2], { dtype: 'float32' });
  assert.ok(f.data instanceof Float32Array);
  assert.equal(f.data[0], Math.fround(0.1));
  assert.deepEqual(zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
  assert.deepEqual(ones([3]).toArray(), [1, 1, 1]);
  assert.deepEqual(full([2], 7).toArray(), [7, 7]);
  assert.equal(tensor(5).item(), 5);
  const seedInput = [[1, 2, 3]] as const;
  assert.deepEqual(tensor(seedInput).shape, [1, 3]);
});

test('ragged arrays and non-numbers are refused with the path', () => {
  assert.throws(() => tensor([[1, 2], [3]]), (e: unknown) => e instanceof BackpropError && /\[1\]/.test(e.message) && /ragged/.test(e.message));
  assert.throws(() => tensor([[1, 'x' as unknown as number]]), /\[0\]\[1\].*string/);
});

test('broadcasting: row, column, scalar; incompatible shapes name both', () => {
  assert.deepEqual(add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray(), [[11, 22], [13, 24]]);
  assert.deepEqual(add(tensor([[1, 2], [3, 4]]), tensor([[10], [20]])).toArray(), [[11, 12], [23, 24]]);
  assert.deepEqual(add(tensor([[1, 2]]), 1).toArray(), [[2, 3]]);
  assert.throws(() => add(tensor([[1, 2, 3]]), tensor([1, 2])), /add: shapes \[1, 3\] and \[2\] cannot be broadcast/);
  assert.throws(() => add(tensor([1]), tensor([1], { dtype: 'float32' })), /same dtype/);
});

test('reductions over axes', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(sum(x).item(), 21);
  assert.deepEqual(sum(x, 0).toArray(), [5, 7, 9]);
  assert.deepEqual(sum(x, 1, true).toArray(), [[6], [15]]);
  assert.deepEqual(mean(x, -1).toArray(), [2, 5]);
  assert.deepEqual(max(x, 0).toArray(), [4, 5, 6]);
  assert.throws(() => sum(x, 2), /axis 2 is out of range/);
});

test('reshape (shared data, -1 inferred), transpose, row slices', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const y = reshape(x, [3, -1]);
  assert.deepEqual(y.toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(y.data, x.data);
  assert.deepEqual(transpose(x).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(sliceRows(x, 1, 2).toArray(), [[4, 5, 6]]);
  assert.throws(() => reshape(x, [4, 2]), /cannot view 6 elements/);
  assert.throws(() => sliceRows(x, 1, 5), /start ≤ end ≤ 2/);
});

test('matmul with transposed operands equals matmul of explicit transposes', () => {
  const rng = new Rng(3);
  const a = randn([5, 4], rng);
  const b = randn([4, 3], rng);
  const ref = matmul(a, b).to2D();
  const close = (m: number[][]) => m.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - ref[i]![j]!) < 1e-12)));
  close(matmul(transpose(a), b, { transA: true }).to2D());
  close(matmul(a, transpose(b), { transB: true }).to2D());
  close(matmul(transpose(a), transpose(b), { transA: true, transB: true }).to2D());
  assert.throws(() => matmul(a, a), /inner dimensions differ/);
});

test('float32 arithmetic stays float32', () => {
  const a = tensor([[1, 2]], { dtype: 'float32' });
  const y = matmul(a, tensor([[3], [4]], { dtype: 'float32' }));
  assert.equal(y.dtype, 'float32');
  assert.equal(y.item(), 11);
});

test('printing: numpy-like, 8 significant digits, aligned', () => {
  assert.equal(tensor([[0.93702664394, 1], [2.5, -3]]).toString(), 'tensor([[0.93702664,          1],\n        [       2.5,         -3]], dtype=float64)');
  assert.equal(tensor(1e-9).toString(), 'tensor(1e-9, dtype=float64)');
});

test('Rng: same seed, same bits; state save/restore; uniform in [0,1); normal moments', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 5 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.uniform()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => new Rng(43).uniform()));
  const state = a.getState();
  const next = a.uniform();
  a.setState(state);
  assert.equal(a.uniform(), next);
  const r = new Rng(1);
  let s = 0;
  let s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.03 && Math.abs(s2 / n - 1) < 0.05);
  assert.deepEqual(rand([2], new Rng(5)).toArray(), rand([2], new Rng(5)).toArray());
  assert.deepEqual([...new Rng(9).permutation(5)].sort(), [0, 1, 2, 3, 4]);
});
