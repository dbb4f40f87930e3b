// Optimizer steps against values computed by hand from the documented update rules, and their
// hyper-parameter validation. (Agreement with torch.optim is in torch-fixtures.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam, AdamW, createOptimizer, RMSprop, SGD, tensor } from '../src/index.js';
import { assertClose } from './helpers/close.js';

function param(values: number[]) {
  return tensor(values, { requiresGrad: true });
}

test('SGD: w ← w − η·g; momentum buffer starts at g; Nesterov adds μ·b', () => {
  const p = param([1]);
  const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = tensor([2]);
  sgd.step(); // b = 2, w = 1 − 0.2
  assertClose(p.data[0]!, 0.8, 'after 1');
  p.grad = tensor([1]);
  sgd.step(); // b = 0.9·2 + 1 = 2.8, w = 0.8 − 0.28
  assertClose(p.data[0]!, 0.52, 'after 2');
  const q = param([1]);
  const nag = new SGD([q], { lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.1 });
  q.grad = tensor([1]);
  nag.step(); // g = 1 + 0.1 = 1.1, b = 1.1, g = 1.1 + 0.55 = 1.65, w = 1 − 0.165
  assertClose(q.data[0]!, 0.835, 'nesterov');
});

test('RMSprop: v = (1−α)g², w ← w − η·g/(√v + ε)', () => {
  const p = param([1]);
  const opt = new RMSprop([p], { lr: 0.01 });
  p.grad = tensor([2]);
  opt.step();
  const v = 0.01 * 4;
  assertClose(p.data[0]!, 1 - (0.01 * 2) / (Math.sqrt(v) + 1e-8), 'rmsprop');
});

test('Adam: the first step moves every weight by about η·sign(g)', () => {
  const p = param([1, -1, 0.5]);
  const opt = new Adam([p], { lr: 0.001 });
  p.grad = tensor([3, -0.2, 1e-3]);
  opt.step();
  // m̂ = g, v̂ = g², so the step is η·g/(|g| + ε)
  assertClose(p.data[0]!, 1 - 0.001 * (3 / (3 + 1e-8)), 'w0', 1e-12);
  assertClose(p.data[1]!, -1 + 0.001 * (0.2 / (0.2 + 1e-8)), 'w1', 1e-12);
  assertClose(p.data[2]!, 0.5 - 0.001 * (1e-3 / (1e-3 + 1e-8)), 'w2', 1e-12);
});

test('AdamW decays the weight before the Adam step; Adam with weight decay adds it to the gradient', () => {
  const p = param([2]);
  const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
  p.grad = tensor([1]);
  opt.step();
  assertClose(p.data[0]!, 2 * (1 - 0.05) - 0.1 * (1 / (1 + 1e-8)), 'adamw');
  const q = param([2]);
  const adam = new Adam([q], { lr: 0.1, weightDecay: 0.5 });
  q.grad = tensor([1]);
  adam.step(); // g = 1 + 1 = 2; first step moves by η
  assertClose(q.data[0]!, 2 - 0.1 * (2 / (2 + 1e-8)), 'adam l2');
});

test('state survives stateDict/loadStateDict exactly', () => {
  const a = param([1, 2]);
  const b = param([1, 2]);
  const oa = new Adam([a], { lr: 0.01 });
  for (let i = 0; i < 3; i++) {
    a.grad = tensor([0.5 * i, -1]);
    oa.step();
  }
  b.data.set(a.data);
  const ob = new Adam([b], { lr: 0.01 });
  ob.loadStateDict(JSON.parse(JSON.stringify(oa.stateDict())));
  a.grad = tensor([0.3, 0.3]);
  b.grad = tensor([0.3, 0.3]);
  oa.step();
  ob.step();
  assert.deepEqual(b.to1D(), a.to1D());
});

test('hyper-parameters are validated with a precise message', () => {
  const p = [param([1])];
  assert.throws(() => new SGD(p, { lr: -0.1 }), /learning rate \(lr\) must be a finite number ≥ 0, got -0.1/);
  assert.throws(() => new SGD(p, { lr: NaN }), /got NaN/);
  assert.throws(() => new SGD(p, { nesterov: true }), /Nesterov momentum needs momentum > 0/);
  assert.throws(() => new Adam(p, { beta1: 1 }), /beta1.*\[0, 1\)/);
  assert.throws(() => new RMSprop(p, { alpha: 1.5 }), /alpha/);
  assert.throws(() => createOptimizer('adm' as 'adam', p), /unknown optimizer "adm".*did you mean "adam"/);
});
