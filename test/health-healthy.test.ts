// No false alarms: training runs with the settings the project documents (the README, the examples,
// test/train-quality.test.ts, the MNIST test) raise no training-health diagnosis at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iris } from '../src/data/iris.js';
import { loadMnist } from '../src/data/mnist.node.js';
import { datasetFromArrays } from '../src/data/arrays.js';
import { split } from '../src/data/split.js';
import { synthetic } from '../src/data/synthetic.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { Rng } from '../src/tensor/rng.js';
import { cosineSchedule } from '../src/train/schedules.js';
import { codes, standardized, watch } from './helpers/health-runs.js';

const adam = (lr: number) => (m: Sequential) => new Adam(m.parameters(), { lr });

for (const name of ['xor', 'circle'] as const) {
  test(`${name} (500 points, 2-8-2 tanh, Adam 0.01, batch 16, 100 epochs, as test/train-quality): no diagnosis`, async () => {
    const parts = split(synthetic(name, { rng: new Rng(1), size: 500 }), { train: 0.8, test: 0.2 }, new Rng(1));
    const model = Sequential.mlp([2, 8, 2], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
    const { report, monitor } = await watch(model, standardized(parts.train), { loss: 'cross_entropy', optimizer: adam(0.01), epochs: 100, batchSize: 16, validation: standardized(parts.test), trainMetrics: false });
    assert.equal(report.length, 0, codes(report));
    assert.ok(monitor.latest!.loss < 0.2, `the run learnt: loss ${monitor.latest!.loss}`);
  });
}

test('Iris (4-8-3 tanh, standardised, Adam 0.01, batch 8, 100 epochs): no diagnosis', async () => {
  const model = Sequential.mlp([4, 8, 3], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, standardized(iris()), { loss: 'cross_entropy', optimizer: adam(0.01), epochs: 100, batchSize: 8 });
  assert.equal(report.length, 0, codes(report));
});

test("Iris as the README trains it (4-16-3 relu, standardised, Adam 0.01, batch 16, 100 epochs, validation 0.2): no diagnosis", async () => {
  const parts = split(iris(), { train: 0.8, validation: 0.2 }, new Rng(1));
  const model = Sequential.mlp([4, 16, 3], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, standardized(parts.train), { loss: 'cross_entropy', optimizer: adam(0.01), epochs: 100, batchSize: 16, validation: standardized(parts.validation) });
  assert.equal(report.length, 0, codes(report));
});

test('XOR as examples/xor.ts trains it (4 rows, 2-4-1 tanh/sigmoid, bce, Adam 0.1, 300 epochs in order): no diagnosis', async () => {
  const data = datasetFromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]);
  const model = Sequential.mlp([2, 4, 1], { activation: 'tanh', output: 'sigmoid', rng: new Rng(7) });
  const { report, monitor } = await watch(model, data, { loss: 'bce', optimizer: adam(0.1), epochs: 300, batchSize: 4, shuffle: false });
  assert.equal(report.length, 0, codes(report));
  assert.equal(monitor.interval, 1, 'one step per epoch: every step is checked');
});

test('the circle of the quickstart (400 points with noise 0.1, 2-8-2 tanh, Adam 0.03, batch 16, 40 epochs): no diagnosis', async () => {
  const rng = new Rng(42);
  const data = synthetic('circle', { rng, size: 400, noise: 0.1 });
  const model = Sequential.mlp([2, 8, 2], { activation: 'tanh', output: 'softmax', rng });
  const { report } = await watch(model, data, { loss: 'cross_entropy', optimizer: adam(0.03), epochs: 40, batchSize: 16, rng });
  assert.equal(report.length, 0, codes(report));
});

test('MNIST (784-128-64-10 relu, float32, Adam 0.003 with a cosine schedule over 20 epochs, batch 32): no diagnosis in its first 2 epochs', { timeout: 120_000 }, async () => {
  const { train } = loadMnist();
  const model = Sequential.mlp([784, 128, 64, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype: 'float32' });
  const { report, monitor } = await watch(model, train, { loss: 'cross_entropy', optimizer: adam(0.003), schedule: cosineSchedule(20), epochs: 2, batchSize: 32, trainMetrics: false });
  assert.equal(report.length, 0, codes(report));
  assert.equal(monitor.interval, 25, 'about ten checks per epoch of 250 batches');
  const l = monitor.latest!.layers;
  assert.ok(l[0]!.dead > 0 && l[0]!.dead < 0.5, `some ReLUs of layer 1 are off for the whole batch, most are not: ${l[0]!.dead}`);
  for (const layer of l) assert.ok(layer.updateRatio! > 1e-4 && layer.updateRatio! < 0.05, `update ratio ${layer.updateRatio} of ${layer.describe}`);
});
