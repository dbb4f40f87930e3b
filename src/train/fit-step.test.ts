// fit's per-step pieces (fit-step.ts) on the fused float32 path (arrays in the kernels' memory,
// jobs on the threads) and on ordinary arrays: gradNorm's bits, the backup, the batch rows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { datasetFromArrays } from '../data/arrays.js';
import { FusedGradientEngine } from '../fused/engine.js';
import { initKernels, kernelState, shutdownKernels } from '../kernels/kernel-state.js';
import { Sequential } from '../nn/sequential.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { gradNorm } from './clip.js';
import { batchSource, firstNonFinite, gatherBatch, WeightBackup } from './fit-step.js';
import { toTensorData } from './metrics.js';

before(async () => {
  await initKernels({ threads: 2 });
});
after(() => shutdownKernels());

for (const dtype of ['float32', 'float64'] as const) {
  test(`${dtype}: saveWithNorm returns gradNorm's number and keeps the weights; restore puts them back`, () => {
    const model = Sequential.mlp([300, 200, 10], { activation: 'relu', output: 'softmax', rng: new Rng(3), dtype });
    const engine = new FusedGradientEngine(model, 'cross_entropy', { maxBatch: 16 });
    const rng = new Rng(4);
    const { x, t } = engine.batchBuffers(16);
    for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
    for (let r = 0; r < 16; r++) t.data[r * 10 + (r % 10)] = 1;
    engine.lossAndGrad(x, t);
    const params = model.parameters();
    assert.equal(kernelState(false)!.heap.owns(params[0]!.data), true, 'the fused path moved the weights');
    const backup = new WeightBackup(params);
    const before = params.map((p) => p.data.slice());
    assert.equal(backup.saveWithNorm(), gradNorm(params));
    params[0]!.data[5] = NaN;
    params[3]!.data[2] = 7;
    assert.equal(firstNonFinite(params), 0);
    backup.restore();
    params.forEach((p, i) => assert.deepEqual([...p.data], [...before[i]!]));
    assert.equal(firstNonFinite(params), -1);
  });
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
