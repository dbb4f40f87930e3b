// Training that really trains (fixed seeds): the accuracy targets of issue 4 on held-out rows, each
// accuracy counted here from the raw network outputs (not through the library's metrics).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../src/autograd/node.js';
import type { Dataset } from '../src/data/dataset.js';
import { iris } from '../src/data/iris.js';
import { Standardizer, scaleDataset } from '../src/data/scale.js';
import { split } from '../src/data/split.js';
import { synthetic, type SyntheticName } from '../src/data/synthetic.js';
import type { ActivationName } from '../src/nn/activations.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { fromData } from '../src/tensor/create.js';
import { Rng } from '../src/tensor/rng.js';
import { fit } from '../src/train/fit.js';

/** Fraction of rows whose largest output is the labelled class, counted directly. */
function heldOutAccuracy(model: Sequential, ds: Dataset): number {
  const y = noGrad(() => model.forward(fromData(ds.x.slice(), [ds.rows, ds.inputSize]))).data;
  let correct = 0;
  for (let i = 0; i < ds.rows; i++) {
    let best = 0;
    for (let j = 1; j < ds.outputSize; j++) if (y[i * ds.outputSize + j]! > y[i * ds.outputSize + best]!) best = j;
    if (best === ds.labels![i]) correct++;
  }
  return correct / ds.rows;
}

async function trainAndTest(data: Dataset, sizes: number[], activation: ActivationName, epochs: number, batchSize: number, seed: number): Promise<{ accuracy: number; library: number }> {
  const parts = split(data, { train: 0.8, test: 0.2 }, new Rng(seed));
  const scaler = Standardizer.fit(parts.train.x, parts.train.inputSize);
  const train = scaleDataset(parts.train, { inputs: scaler });
  const testSet = scaleDataset(parts.test, { inputs: scaler });
  const model = Sequential.mlp(sizes, { activation, output: 'softmax', rng: new Rng(seed) });
  const result = await fit(model, train, {
    loss: 'cross_entropy',
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    epochs,
    batchSize,
    rng: new Rng(seed),
    validation: testSet,
    trainMetrics: false,
  });
  return { accuracy: heldOutAccuracy(model, testSet), library: result.validation!.classification!.accuracy };
}

const synth = (name: SyntheticName, size: number): Dataset => synthetic(name, { rng: new Rng(1), size });

test('XOR (500 points, 2-8-2 tanh, Adam 0.01, 100 epochs, batch 16, seed 1): 100 % of the 100 test points', async () => {
  const r = await trainAndTest(synth('xor', 500), [2, 8, 2], 'tanh', 100, 16, 1);
  assert.equal(r.accuracy, 1);
  assert.equal(r.library, r.accuracy);
});

test('circle (500 points, 2-8-2 tanh, 100 epochs, seed 1): ≥ 97 % test accuracy', async () => {
  const r = await trainAndTest(synth('circle', 500), [2, 8, 2], 'tanh', 100, 16, 1);
  assert.ok(r.accuracy >= 0.97, `circle test accuracy ${r.accuracy}`);
  assert.equal(r.library, r.accuracy);
});

test('spiral (400 points, 2-24-24-2 relu, 400 epochs, seed 1): ≥ 95 % test accuracy', async () => {
  const r = await trainAndTest(synth('spiral', 400), [2, 24, 24, 2], 'relu', 400, 16, 1);
  assert.ok(r.accuracy >= 0.95, `spiral test accuracy ${r.accuracy}`);
  assert.equal(r.library, r.accuracy);
});

test('Iris (4-8-3 tanh, standardised, 100 epochs, batch 8, seed 1): ≥ 93 % of the 30 test flowers', async () => {
  const r = await trainAndTest(iris(), [4, 8, 3], 'tanh', 100, 8, 1);
  assert.ok(r.accuracy >= 0.93, `iris test accuracy ${r.accuracy}`);
  assert.equal(r.library, r.accuracy);
});
