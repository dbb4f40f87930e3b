// Batch norm, layer norm, dropout, the activation layer and L1/L2 penalties: central-difference
// gradchecks of the ops and of whole networks (batch norm with a batch of 2 and a constant feature
// included), train/eval behaviour, running statistics, and the penalties' two forms against each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, gradcheck, mul, Rng, sum, tensor, Tensor, noGrad } from '../src/index.js';
import { batchNorm, dropout, layerNorm, moments } from '../src/autograd/ops/norm.js';
import { Activation } from '../src/nn/activation-layer.js';
import { BatchNorm1d } from '../src/nn/batch-norm.js';
import { Dense } from '../src/nn/dense.js';
import { Dropout } from '../src/nn/dropout.js';
import { LayerNorm } from '../src/nn/layer-norm.js';
import { modelLoss } from '../src/nn/losses.js';
import { applyPenalty, penalizedParameters, penaltyTerm } from '../src/nn/penalty.js';
import { Sequential } from '../src/nn/sequential.js';
import { locateForward } from '../src/train/diagnose.js';

const rng = new Rng(19);
const r = (rows: number, cols: number, scale = 1, shift = 0): number[][] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal(shift, scale)));
const weights = (rows: number, cols: number, ...extra: number[][]): Tensor => tensor([...r(rows, cols), ...extra]);
const upstream = (rows: number, cols: number): Tensor => tensor(r(rows, cols));

function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], atol = 1e-7): void {
  const res = gradcheck(fn, inputs, { atol, rtol: 1e-6 });
  assert.ok(res.ok, `${name}: ${res.worst} (max error ${res.maxAbsError})`);
}

test('batch norm op: gradcheck through the batch statistics, with and without γ, β', () => {
  const g = upstream(5, 3);
  check('affine', (x, w, b) => mul(batchNorm(x, w, b), g), [tensor(r(5, 3, 2, 0.5)), tensor([1.2, -0.7, 0.4]), tensor([0.1, 0.2, -0.3])]);
  check('no affine, eps 1e-3', (x) => mul(batchNorm(x, null, null, { eps: 1e-3 }), g), [tensor(r(5, 3))]);
  check('eval mode (running statistics are constants)', (x, w) => mul(batchNorm(x, w, null, { running: { mean: [0.1, -0.2, 0.3], variance: [0.5, 2, 1.5] } }), g), [tensor(r(5, 3)), tensor([0.9, 1.1, -1])]);
});

test('batch norm with a batch of 2 and a constant feature: exact gradients, x̂ = 0 where the variance is 0', () => {
  const x = tensor([[0.3, 2.5, -1.2], [1.7, 2.5, 0.4]]);
  const g = tensor([[0.5, -1.5, 2], [-0.25, 3, 1]]);
  check('batch of 2', (x, w, b) => mul(batchNorm(x, w, b), g), [x, tensor([1.5, 0.8, -0.6]), tensor([0, 0.1, 0.2])]);
  const y = noGrad(() => batchNorm(x, null, null));
  assert.deepEqual([y.get(0, 1), y.get(1, 1)], [0, 0]);
  // NOTE: with two samples, x̂ = ±(x₁ − x₂)/2 / √((x₁ − x₂)²/4 + ε) — close to ±1.
  assert.ok(Math.abs(y.get(0, 0) + 1) < 1e-4 && Math.abs(y.get(1, 0) - 1) < 1e-4);
  assert.throws(() => batchNorm(tensor([[1, 2]]), null, null), /more than 1 sample per batch in training mode/);
});

test('layer norm op and dropout op: gradchecks', () => {
  const g = upstream(4, 5);
  check('layer norm affine', (x, w, b) => mul(layerNorm(x, w, b), g), [tensor(r(4, 5, 1.5)), tensor(r(1, 5)[0]!), tensor(r(1, 5)[0]!)]);
  const g2 = upstream(2, 5);
  check('layer norm, a row of equal features', (x) => mul(layerNorm(x, null, null), g2), [tensor([[2, 2, 2, 2, 2], [0.1, -1, 3, 0.5, 2]])]);
  const mask = tensor([[2, 0, 2, 2, 0], [0, 2, 2, 0, 2], [2, 2, 0, 0, 2], [0, 0, 0, 2, 2]]);
  check('dropout', (x) => mul(dropout(x, mask), g), [tensor(r(4, 5))]);
});

test('moments: the mean and biased variance per column (axis 0) or per row (axis 1)', () => {
  const m0 = moments(tensor([[1, 10], [3, 30]]), 0);
  assert.deepEqual([[...m0.mean], [...m0.variance], m0.count], [[2, 20], [1, 100], 2]);
  const m1 = moments(tensor([[1, 3], [10, 30]]), 1);
  assert.deepEqual([[...m1.mean], [...m1.variance]], [[2, 20], [1, 100]]);
});

test('BatchNorm1d: running statistics with the unbiased variance, momentum or a cumulative average; eval mode uses them', () => {
  const bn = new BatchNorm1d(2);
  noGrad(() => bn.forward(tensor([[1, 10], [3, 30]])));
  assert.deepEqual([...bn.runningMean.data], [0.2, 2]);
  // unbiased variance [2, 200]: 0.9·1 + 0.1·2, 0.9·1 + 0.1·200
  assert.deepEqual([...bn.runningVar.data].map((v) => +v.toFixed(12)), [1.1, 20.9]);
  assert.equal(bn.numBatchesTracked.item(), 1);
  const cumulative = new BatchNorm1d(1, { momentum: null });
  for (const batch of [[[1], [3]], [[5], [7]], [[0], [0]]]) noGrad(() => cumulative.forward(tensor(batch)));
  assert.deepEqual([cumulative.runningMean.item(), cumulative.runningVar.item(), cumulative.numBatchesTracked.item()].map((v) => +v.toFixed(12)), [8 / 3, 4 / 3, 3].map((v) => +v.toFixed(12)));
  bn.eval();
  const y = noGrad(() => bn.forward(tensor([[0.2, 2]])));
  assert.deepEqual(y.toArray(), [[0, 0]]);
  assert.equal(bn.numBatchesTracked.item(), 1, 'eval mode does not track');
  assert.deepEqual(bn.stateDict().map(([n]) => n), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  assert.deepEqual(new BatchNorm1d(3, { affine: false }).stateDict().map(([n]) => n), ['running_mean', 'running_var', 'num_batches_tracked']);
});

test('Dropout: inverted scaling, a fresh seeded mask each training forward, the identity in eval mode; the gradient of a dropped unit is 0', () => {
  const d = new Dropout(1000, { p: 0.3, rng: new Rng(5) });
  const x = tensor([Array.from({ length: 1000 }, () => 1)], { requiresGrad: true });
  const y = d.forward(x);
  const kept = d.lastMask!.reduce((a, b) => a + b, 0);
  assert.ok(kept > 650 && kept < 750, `${kept} of 1000 kept (p = 0.3)`);
  for (let k = 0; k < 1000; k++) assert.equal(y.data[k], d.lastMask![k] ? 1 / 0.7 : 0);
  sum(y).backward();
  for (let k = 0; k < 1000; k++) assert.equal(x.grad!.data[k], d.lastMask![k] ? 1 / 0.7 : 0);
  const first = d.lastMask!.slice();
  d.forward(x);
  assert.notDeepEqual(d.lastMask, first, 'a new mask each forward');
  const again = new Dropout(1000, { p: 0.3, rng: new Rng(5) });
  again.forward(x);
  assert.deepEqual(again.lastMask, first, 'same seed, same masks');
  assert.equal(d.eval().forward(x), x);
  const fixed = new Dropout(3, { p: 0.5 });
  fixed.setMask([1, 0, 1]);
  assert.deepEqual(fixed.forward(tensor([[1, 2, 3]])).toArray(), [[2, 0, 6]]);
  assert.throws(() => fixed.setMask([1, 2, 0]), /expected 0 \(drop\) or 1 \(keep\), got 2/);
  assert.deepEqual(new Dropout(2, { p: 1 }).forward(tensor([[1, 2]])).toArray(), [[0, 0]]);
});

test('a whole network of every kind: gradcheck of every parameter through the model loss in training mode', () => {
  const model = new Sequential([
    Dense.fromWeights(r(4, 3, 0.7), r(1, 4)[0]!, 'linear'),
    new BatchNorm1d(4),
    new Activation(4, 'tanh'),
    new Dropout(4, { p: 0.25, rng: new Rng(2) }),
    Dense.fromWeights(r(5, 4, 0.7), r(1, 5)[0]!, 'linear'),
    new LayerNorm(5),
    new Activation(5, 'gelu'),
    Dense.fromWeights(r(3, 5, 0.7), r(1, 3)[0]!, 'softmax'),
  ]);
  const bn = model.layers[1] as BatchNorm1d;
  bn.weight!.data.set([1.3, 0.7, -0.5, 1]);
  const drop = model.layers[3] as Dropout;
  drop.setMask([1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1]);
  const x = tensor(r(6, 3, 1.5));
  const t = tensor(Array.from({ length: 6 }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0))));
  const params = model.parameters();
  const res = model.preservingState(() => gradcheck(() => modelLoss(model, 'cross_entropy', x, t), params, { atol: 1e-8, rtol: 1e-6 }));
  assert.ok(res.ok, res.worst);
});

test('Sequential.mlp blocks: Dense(linear) → norm → Activation → Dropout for hidden layers; plain networks unchanged', () => {
  const plain = Sequential.mlp([4, 8, 3], { output: 'softmax', rng: new Rng(1) });
  const same = Sequential.mlp([4, 8, 3], { output: 'softmax', rng: new Rng(1), dropout: 0 });
  assert.deepEqual(same.stateDict().map(([, t]) => [...t.data]), plain.stateDict().map(([, t]) => [...t.data]));
  const bn = Sequential.mlp([4, 8, 6, 3], { output: 'softmax', batchNorm: true, dropout: 0.2, rng: new Rng(1) });
  assert.deepEqual(bn.layers.map((l) => l.describe()), [
    'dense 4→8, linear', 'batch_norm 8', 'activation 8, relu', 'dropout 8, p = 0.2',
    'dense 8→6, linear', 'batch_norm 6', 'activation 6, relu', 'dropout 6, p = 0.2', 'dense 6→3, softmax',
  ]);
  assert.deepEqual(bn.sizes, [4, 8, 6, 3]);
  assert.equal(bn.outputActivation, 'softmax');
  assert.deepEqual(Sequential.mlp([4, 8, 3], { layerNorm: { eps: 1e-3 }, activation: 'tanh', rng: new Rng(1) }).layers.map((l) => l.kind), ['dense', 'layer_norm', 'activation', 'dense']);
  assert.deepEqual(Sequential.mlp([4, 8, 3], { dropout: 0.5, rng: new Rng(1) }).layers.map((l) => l.describe()), ['dense 4→8, relu', 'dropout 8, p = 0.5', 'dense 8→3, relu']);
  assert.throws(() => Sequential.mlp([4, 8, 3], { batchNorm: true, layerNorm: true, rng: new Rng(1) }), /choose batchNorm or layerNorm/);
  assert.match(bn.whyNotFused()!, /layer 1 \(batch_norm\): batch norm has no fused kernels/);
});

test('L1/L2 penalties: the direct form (any engine) and the graph form agree, and only the dense weights are penalised', () => {
  const model = Sequential.mlp([3, 4, 2], { batchNorm: true, rng: new Rng(3) });
  const p = { l1: 0.01, l2: 0.2 };
  const params = penalizedParameters(model, p);
  assert.deepEqual(params, [(model.layers[0] as Dense).weight, (model.layers[3] as Dense).weight]);
  assert.equal(penalizedParameters(model, { ...p, include: 'all' }).length, model.parameters().length);
  model.zeroGrad();
  const E = penaltyTerm(model, p);
  E.backward();
  const graph = params.map((w) => [...w.grad!.data]);
  model.zeroGrad();
  const value = applyPenalty(params, p, true);
  assert.ok(Math.abs(value - E.item()) < 1e-15 * Math.max(1, value));
  params.forEach((w, i) => w.grad!.data.forEach((v, k) => assert.ok(Math.abs(v - graph[i]![k]!) < 1e-15, `${i}[${k}]`)));
  const w = params[0]!;
  const by = w.data[0]!;
  assert.ok(Math.abs(w.grad!.data[0]! - (0.01 * Math.sign(by) + 0.2 * by)) < 1e-16);
  const check = gradcheck((a) => add(mul(0.01, sum(mul(a, a))), penaltyTerm(new Sequential([new Dense(a, tensor([0, 0]))]), p)), [tensor([[0.3, -0.2], [0.5, 1.5]])]);
  assert.ok(check.ok, check.worst);
});

test('locating a diverged loss leaves the model as it was: running statistics, dropout generators', () => {
  const model = Sequential.mlp([2, 3, 1], { output: 'linear', batchNorm: true, dropout: 0.5, rng: new Rng(3) });
  const before = model.stateDict().map(([n, t]) => [n, [...t.data]] as const);
  const generators = model.namedGenerators().map(([n, g]) => [n, g.getState()] as const);
  const found = locateForward(model, tensor([[1, 2], [3, 4]]));
  assert.equal(found.layer, null, 'every output is finite here');
  assert.deepEqual(model.stateDict().map(([n, t]) => [n, [...t.data]] as const), before);
  assert.deepEqual(model.namedGenerators().map(([n, g]) => [n, g.getState()] as const), generators);
});
