// Runs that cannot learn, each for a known reason: the health checks name that reason as their top
// diagnosis (the pathological set of issue 20), with the evidence the words quote.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCsv } from '../src/data/csv.js';
import { iris } from '../src/data/iris.js';
import { split } from '../src/data/split.js';
import { synthetic } from '../src/data/synthetic.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { SGD } from '../src/optim/sgd.js';
import { Rng } from '../src/tensor/rng.js';
import { describeHealth } from '../src/train/health/words.js';
import { codes, standardized, watch } from './helpers/health-runs.js';

const sgd = (lr: number) => (m: Sequential) => new SGD(m.parameters(), { lr });
const adam = (lr: number) => (m: Sequential) => new Adam(m.parameters(), { lr });
const irisStd = standardized(iris());

test('10 sigmoid layers (4-16×10-3, SGD 0.1, the CLI default): vanishing gradients, the first layer marked', async () => {
  const model = Sequential.mlp([4, ...Array<number>(10).fill(16), 3], { activation: 'sigmoid', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, irisStd, { loss: 'cross_entropy', optimizer: sgd(0.1), epochs: 10, batchSize: 32 });
  const top = report[0]!;
  assert.equal(top.code, 'vanishing-gradients', codes(report));
  assert.ok(top.layers.includes(0), `layers ${top.layers}`);
  assert.ok((top.evidence.orders as number) >= 4, `orders of magnitude: ${top.evidence.orders}`);
  assert.ok((top.evidence.first as number) < 1e-3 * (top.evidence.last as number));
});

test('ReLU layers with a bias of −10: dead units, every unit of a hidden layer', async () => {
  const model = Sequential.mlp([4, 16, 16, 3], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
  for (const l of model.layers.slice(0, -1)) l.bias.data.fill(-10);
  const { report } = await watch(model, irisStd, { loss: 'cross_entropy', optimizer: adam(0.01), epochs: 5, batchSize: 16 });
  assert.equal(report[0]!.code, 'dead-units', codes(report));
  assert.equal(report[0]!.evidence.percent, 100);
  assert.ok([0, 1].includes(report[0]!.layers[0]!), `layer ${report[0]!.layers}`);
});

test('unscaled CSV features in the thousands (houses.csv, 3-16-2 relu, SGD 0.1, the CLI defaults): unscaled inputs', async () => {
  const data = parseCsv(readFileSync(new URL('./fixtures/health/houses.csv', import.meta.url), 'utf8'), { target: 'price' });
  const model = Sequential.mlp([3, 16, 2], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, data, { loss: 'cross_entropy', optimizer: sgd(0.1), epochs: 10, batchSize: 32 });
  assert.equal(report[0]!.code, 'unscaled-inputs', codes(report));
  assert.equal(report[0]!.evidence.column, 'lot_sqft');
  assert.ok((report[0]!.evidence.maxAbs as number) > 10_000);
  assert.ok(report[0]!.step <= 8, `raised within the first epoch of 8 steps (a check per step, 3 in a row): step ${report[0]!.step}`);
  // The same data standardised trains, and raises nothing.
  const fine = await watch(Sequential.mlp([3, 16, 2], { activation: 'relu', output: 'softmax', rng: new Rng(1) }), standardized(data), { loss: 'cross_entropy', optimizer: sgd(0.1), epochs: 30, batchSize: 32 });
  assert.equal(fine.report.length, 0, codes(fine.report));
});

test('learning rate 10 (SGD): the learning rate is too high', async () => {
  const model = Sequential.mlp([4, 8, 3], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, irisStd, { loss: 'cross_entropy', optimizer: sgd(10), epochs: 15, batchSize: 16 });
  assert.equal(report[0]!.code, 'lr-too-high', codes(report));
  assert.ok((report[0]!.evidence.update as number) > 0.1);
  assert.equal(report[0]!.evidence.lr, 10);
});

test('learning rate 1e-7 (Adam): the learning rate is too low', async () => {
  const model = Sequential.mlp([4, 8, 3], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, irisStd, { loss: 'cross_entropy', optimizer: adam(1e-7), epochs: 15, batchSize: 16 });
  assert.equal(report[0]!.code, 'lr-too-low', codes(report));
  assert.ok((report[0]!.evidence.update as number) < 1e-5);
});

test('labels shuffled against the inputs: the targets do not follow from the inputs, at the chance level ln 3', async () => {
  const perm = new Rng(5).permutation(irisStd.rows);
  const y = new Float64Array(irisStd.y.length);
  perm.forEach((from, to) => y.set(irisStd.y.subarray(from * 3, from * 3 + 3), to * 3));
  const shuffled = { ...irisStd, y, labels: Int32Array.from(perm, (i) => irisStd.labels![i]!) };
  const model = Sequential.mlp([4, 8, 3], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, shuffled, { loss: 'cross_entropy', optimizer: adam(0.01), epochs: 20, batchSize: 16 });
  assert.equal(report[0]!.code, 'labels-unlearnable', codes(report));
  assert.equal(report[0]!.symptom, 'chance');
  assert.ok(Math.abs((report[0]!.evidence.chance as number) - Math.log(3)) < 1e-12, 'the chance level of three balanced classes is ln 3');
});

test('a large network on few noisy points, with validation: overfitting', async () => {
  const parts = split(synthetic('gauss', { rng: new Rng(1), size: 120, noise: 0.5 }), { train: 0.5, validation: 0.5 }, new Rng(1));
  const model = Sequential.mlp([2, 64, 64, 2], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, parts.train, { loss: 'cross_entropy', optimizer: adam(0.01), epochs: 30, batchSize: 16, validation: parts.validation });
  assert.equal(report[0]!.code, 'overfitting', codes(report));
  assert.ok((report[0]!.evidence.val as number) > 1.2 * (report[0]!.evidence.bestVal as number));
});

test('one hidden unit for the circle: underfitting (the early "targets do not follow" is withdrawn once the loss falls)', async () => {
  const parts = split(synthetic('circle', { rng: new Rng(1), size: 400 }), { train: 0.5, validation: 0.5 }, new Rng(1));
  const model = Sequential.mlp([2, 1, 2], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  const { report } = await watch(model, parts.train, { loss: 'cross_entropy', optimizer: adam(0.01), epochs: 40, batchSize: 16, validation: parts.validation });
  assert.equal(report[0]!.code, 'underfitting', codes(report));
  assert.equal(report.length, 1, codes(report));
});

test('a divergence (η 1e6, mse on unscaled inputs) joins the diagnoses: unscaled inputs first, then exploding gradients — the loss grew by orders of magnitude', async () => {
  const data = parseCsv(readFileSync(new URL('./fixtures/health/houses.csv', import.meta.url), 'utf8'), { target: 'price', encoding: 'binary' });
  const model = Sequential.mlp([3, 16, 1], { activation: 'relu', output: 'linear', rng: new Rng(1) });
  const { report, diverged } = await watch(model, data, { loss: 'mse', optimizer: sgd(1e6), epochs: 5, batchSize: 32 });
  assert.ok(diverged, 'training diverged');
  assert.deepEqual(report.slice(0, 2).map((d) => d.code), ['unscaled-inputs', 'exploding-gradients'], codes(report));
  assert.match(describeHealth(report[1]!, 'en').finding, /^the training loss grew from \S+ to \S+ by epoch 1: the training diverges$/);
  assert.match(describeHealth(report[1]!, 'ko').finding, /^학습 비용이 1번째 에포크까지 \S+에서 \S+\(으\)로 커졌습니다/);
});

test('a divergence to a non-finite loss within an epoch (η 1e20) says where it happened', async () => {
  const data = parseCsv(readFileSync(new URL('./fixtures/health/houses.csv', import.meta.url), 'utf8'), { target: 'price', encoding: 'binary' });
  const model = Sequential.mlp([3, 16, 1], { activation: 'relu', output: 'linear', rng: new Rng(1) });
  const { report, diverged } = await watch(model, data, { loss: 'mse', optimizer: sgd(1e20), epochs: 5, batchSize: 32 });
  assert.ok(diverged, 'training diverged');
  const exploding = report.find((d) => d.code === 'exploding-gradients');
  assert.ok(exploding, codes(report));
  assert.match(describeHealth(exploding, 'en').finding, /became (nan|inf|-inf) in epoch \d+, batch \d+ of 8/);
});
