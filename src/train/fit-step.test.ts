// fit's per-step pieces (fit-step.ts) on the fused float32 path (arrays in the kernels' memory,
// jobs on the threads) and on ordinary arrays: gradNorm's bits, the guarded step (its copies, its
// updates against optimizer.step()'s, the broken weight it finds), the batch rows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { datasetFromArrays } from '../data/arrays.js';
import { FusedGradientEngine } from '../fused/engine.js';
import { initKernels, kernelState, shutdownKernels } from '../kernels/kernel-state.js';
import { countJobs } from '../kernels/test-util.js';
import { Sequential } from '../nn/sequential.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { gradNorm } from './clip.js';
import { BatchFeed, batchSource, gatherBatch, WeightBackup } from './fit-step.js';
import { toTensorData } from './metrics.js';

before(async () => {
  await initKernels({ threads: 2 });
});
after(() => shutdownKernels());

/** A float32 or float64 MLP on the fused path with its gradients from one batch of `seed`. */
function withGradients(dtype: 'float32' | 'float64', seed: number): Sequential {
  const model = Sequential.mlp([300, 200, 10], { activation: 'relu', output: 'softmax', rng: new Rng(3), dtype });
  const engine = new FusedGradientEngine(model, 'cross_entropy', { maxBatch: 16 });
  const rng = new Rng(seed);
  const { x, t } = engine.batchBuffers(16);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  for (let r = 0; r < 16; r++) t.data[r * 10 + (r % 10)] = 1;
  engine.lossAndGrad(x, t);
  return model;
}

for (const dtype of ['float32', 'float64'] as const) {
  for (const name of ['adam', 'adamw', 'sgd'] as const) {
    const make = (params: Tensor[]): Optimizer => name === 'adam' ? new Adam(params, { lr: 0.01 }) : name === 'adamw' ? new AdamW(params, { lr: 0.01 }) : new SGD(params, { lr: 0.1, momentum: 0.9 });
    test(`${dtype}, ${name}: gradNorm is gradNorm's number; step() keeps the weights, updates them as optimizer.step() does and finds the first broken one; restore puts them back`, () => {
      const model = withGradients(dtype, 4);
      const twin = withGradients(dtype, 4);
      const params = model.parameters();
      if (dtype === 'float32') assert.equal(kernelState(false)!.heap.owns(params[0]!.data), true, 'the fused path moved the weights');
      const backup = new WeightBackup(params);
      assert.equal(backup.gradNorm(), gradNorm(params));
      const optimizer = make(params);
      const reference = make(twin.parameters());
      // NOTE: a parameter without a gradient is left alone by the step and kept all the same.
      params[1]!.grad = null;
      twin.parameters()[1]!.grad = null;
      let before: Array<Float32Array | Float64Array> = [];
      for (let s = 0; s < 3; s++) {
        before = params.map((p) => p.data.slice());
        assert.equal(backup.step(optimizer), -1);
        reference.step();
        params.forEach((p, i) => assert.deepEqual(p.data, twin.parameters()[i]!.data, `parameter ${i} after step ${s + 1}`));
      }
      assert.notDeepEqual(params[0]!.data, before[0], 'the weights moved');
      backup.restore();
      params.forEach((p, i) => assert.deepEqual(p.data, before[i], `parameter ${i} put back`));
      before = params.map((p) => p.data.slice());
      params[2]!.grad!.data[7] = Infinity;
      params[3]!.grad!.data[1] = NaN;
      assert.equal(backup.step(optimizer), 2, 'the first parameter a non-finite gradient broke');
      assert.equal(Number.isFinite(params[2]!.data[7]!), false);
      backup.restore();
      params.forEach((p, i) => assert.deepEqual(p.data, before[i], `parameter ${i} put back after the broken step`));
    });
  }
}

test('batchSource moves the float32 training copy beside the batch buffers; gatherBatch takes row idx[k] into row k', () => {
  const rng = new Rng(5);
  const rows = 300;
  const x = Array.from({ length: rows }, () => Array.from({ length: 64 }, () => rng.normal()));
  const labels = Array.from({ length: rows }, (_, i) => [i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0]);
  const data = datasetFromArrays(x, labels, { task: 'regression' });
  const model = Sequential.mlp([64, 64, 3], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype: 'float32' });
  const engine = new FusedGradientEngine(model, 'cross_entropy', { maxBatch: 200 });
  const td = toTensorData(data, 'float32');
  const batch = engine.batchBuffers(200);
  const source = batchSource(td, batch.x.data);
  assert.equal(kernelState(false)!.heap.owns(source.x), true);
  assert.equal(source.x, td.x.data, 'moved, not copied again');
  const idx = rng.permutation(rows).subarray(0, 200);
  gatherBatch(source, 64, 3, idx, batch.x.data, batch.t.data);
  for (let k = 0; k < 200; k++) {
    for (let j = 0; j < 64; j++) assert.equal(batch.x.data[k * 64 + j], Math.fround(data.x[idx[k]! * 64 + j]!));
    for (let j = 0; j < 3; j++) assert.equal(batch.t.data[k * 3 + j], data.y[idx[k]! * 3 + j]);
  }
  // float64: the arrays stay where they are
  const td64 = toTensorData(data, 'float64');
  assert.equal(batchSource(td64, new Tensor(new Float64Array(4), [1, 4]).data).x, data.x);
});

test('BatchFeed: the next batch\'s inputs gathered ahead in the norm\'s job, handed out only for those rows; float64 gathers as it goes', () => {
  const rng = new Rng(6);
  const rows = 500;
  const x = Array.from({ length: rows }, () => Array.from({ length: 784 }, () => rng.normal()));
  const labels = Array.from({ length: rows }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)));
  const data = datasetFromArrays(x, labels, { task: 'regression' });
  const expectRows = (got: Tensor, tb: Tensor, idx: Int32Array, what: string): void => {
    const as = got.data instanceof Float32Array ? Math.fround : (v: number): number => v;
    assert.deepEqual(got.shape, [idx.length, 784], what);
    for (let k = 0; k < idx.length; k++) {
      for (let j = 0; j < 784; j += 97) assert.equal(got.data[k * 784 + j], as(data.x[idx[k]! * 784 + j]!), `${what}: x row ${k}`);
      for (let j = 0; j < 10; j++) assert.equal(tb.data[k * 10 + j], data.y[idx[k]! * 10 + j], `${what}: t row ${k}`);
    }
  };
  for (const dtype of ['float32', 'float64'] as const) {
    const mlp = Sequential.mlp([784, 32, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype });
    const engine = new FusedGradientEngine(mlp, 'cross_entropy', { maxBatch: 64 });
    const { x: xb, t: tb } = engine.batchBuffers(64);
    const feed = new BatchFeed(toTensorData(data, dtype), xb.data, 784, 10, 64);
    const backup = new WeightBackup(mlp.parameters());
    const order = rng.permutation(rows);
    const first = order.subarray(0, 64);
    const second = order.subarray(64, 128);
    const got = feed.take(first, xb, tb);
    assert.equal(got, xb, `${dtype}: nothing planned, gathered into the batch buffer`);
    expectRows(got, tb, first, `${dtype} first batch`);
    engine.lossAndGrad(got, tb);
    const plan = feed.ahead(second);
    assert.equal(plan !== null, dtype === 'float32', `${dtype}: gathered ahead only on the fused float32 path`);
    const jobs = countJobs(() => assert.equal(backup.gradNorm(plan), gradNorm(mlp.parameters())));
    assert.equal(jobs, dtype === 'float32' ? 1 : 0, 'the norm and the next rows in one job');
    const next = feed.take(second, xb, tb);
    assert.equal(next !== xb, dtype === 'float32', `${dtype}: the rows gathered ahead handed out`);
    expectRows(next, tb, second, `${dtype} second batch`);
    // rows other than the planned ones (a trainer moved): gathered now, into the batch buffer
    feed.ahead(order.subarray(128, 192));
    const moved = order.subarray(300, 364);
    const third = feed.take(moved, xb, tb);
    assert.equal(third, xb);
    expectRows(third, tb, moved, `${dtype} unplanned batch`);
    // a last, shorter batch gathered ahead
    const last = order.subarray(480, 500);
    backup.gradNorm(feed.ahead(last));
    expectRows(feed.take(last, engine.batchBuffers(20).x, engine.batchBuffers(20).t), engine.batchBuffers(20).t, last, `${dtype} last batch`);
  }
});
