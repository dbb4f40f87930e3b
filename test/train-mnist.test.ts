// MNIST 784-128-64-10 (ReLU, softmax, cross-entropy, Adam, float32) on the fixed 8,000 / 2,000 split must
// reach ≥ 95 % on the held-out digits within 20 epochs (≈ 15 s on one idle core; bench/mnist-train.ts prints each epoch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../src/autograd/node.js';
import { loadMnist } from '../src/data/mnist.node.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { fromData } from '../src/tensor/create.js';
import { Rng } from '../src/tensor/rng.js';
import { fit } from '../src/train/fit.js';
import { cosineSchedule } from '../src/train/schedules.js';

test('MNIST: ≥ 95 % of the 2,000 held-out digits after 20 epochs (Adam η 0.003, cosine, batch 32, seed 1)', { timeout: 300_000 }, async () => {
  const { train, test: heldOut } = loadMnist();
  assert.equal(train.rows, 8000);
  assert.equal(heldOut.rows, 2000);
  const model = Sequential.mlp([784, 128, 64, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype: 'float32' });
  const result = await fit(model, train, {
    loss: 'cross_entropy',
    optimizer: new Adam(model.parameters(), { lr: 0.003 }),
    schedule: cosineSchedule(20),
    epochs: 20,
    batchSize: 32,
    rng: new Rng(1),
    trainMetrics: false,
  });
  assert.equal(result.epochs, 20);
  // counted here from the raw outputs: the largest of the ten is the digit
  const y = noGrad(() => model.forward(fromData(Float32Array.from(heldOut.x), [2000, 784]))).data;
  let correct = 0;
  for (let i = 0; i < 2000; i++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (y[i * 10 + j]! > y[i * 10 + best]!) best = j;
    if (best === heldOut.labels![i]) correct++;
  }
  assert.ok(correct >= 1900, `${correct} of 2000 held-out digits (${correct / 20} %)`);
});
