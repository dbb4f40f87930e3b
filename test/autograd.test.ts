// The engine's contract: accumulation, reuse, noGrad, release of the graph, shape checks, depth.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  add, backward, BackpropError, liveNodeCount, mul, noGrad, Rng, Sequential, SGD, sigmoid, sse, sum, tensor, modelLoss,
} from '../src/index.js';
import { record } from '../src/autograd/record.js';
import { Tensor } from '../src/tensor/tensor.js';

test('a tensor used twice gets the sum of both paths; gradients accumulate until zeroed', () => {
  const x = tensor([3], { requiresGrad: true });
  const y = add(mul(x, x), x); // dy/dx = 2x + 1 = 7
  y.backward(tensor([1]));
  assert.deepEqual(x.grad!.to1D(), [7]);
  add(mul(x, x), x).backward(tensor([1]));
  assert.deepEqual(x.grad!.to1D(), [14]);
  x.zeroGrad();
  assert.equal(x.grad, null);
});

test('non-leaf gradients are kept only with retainGrad', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const h = mul(x, 3).retainGrad();
  const k = mul(h, 2);
  sum(k).backward();
  assert.deepEqual(h.grad!.to1D(), [2, 2]);
  assert.equal(k.grad, null);
});

test('noGrad records nothing', () => {
  const x = tensor([1], { requiresGrad: true });
  const before = liveNodeCount();
  const y = noGrad(() => sigmoid(mul(x, 2)));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(liveNodeCount(), before);
});

test('backward releases the graph: live nodes return to the baseline after every training step', () => {
  const model = Sequential.mlp([3, 5, 2], { activation: 'tanh', output: 'sigmoid', rng: new Rng(1) });
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const x = tensor([[1, 2, 3], [0, -1, 0.5]]);
  const t = tensor([[0.5, 0.1], [0.2, 0.9]]);
  const base = liveNodeCount();
  for (let i = 0; i < 50; i++) {
    opt.zeroGrad();
    const E = modelLoss(model, 'sse', x, t);
    assert.ok(liveNodeCount() > base);
    E.backward();
    opt.step();
    assert.equal(liveNodeCount(), base, `step ${i}`);
    assert.equal(E.gradFn, null);
  }
});

test('a second backward through a released graph is refused with a clear message', () => {
  const x = tensor([1], { requiresGrad: true });
  const y = sum(mul(x, 2));
  y.backward();
  assert.throws(() => y.backward(), /already released/);
});

test('backward of a non-scalar without a gradient, or of a tensor without grad, is refused', () => {
  assert.throws(() => mul(tensor([1, 2], { requiresGrad: true }), 2).backward(), /non-scalar root of shape \[2\]/);
  assert.throws(() => sum(tensor([1, 2])).backward(), /does not require grad/);
});

test('a gradient whose shape does not match its input is reported with the op and input name', () => {
  const x = tensor([[1, 2, 3]], { requiresGrad: true });
  const out = record(new Tensor(new Float64Array(1), []), 'broken_op', [x], ['x'], () => [tensor([1, 2, 3])]);
  assert.throws(() => backward(out), (e: unknown) =>
    e instanceof BackpropError && e.message === "broken_op: the gradient of input 'x' has shape [3], which does not match the shape of the input [1, 3]");
});

test('a chain of 100,000 ops backpropagates without overflowing the stack', () => {
  const x = tensor([0.5], { requiresGrad: true });
  let y = x;
  for (let i = 0; i < 100_000; i++) y = mul(y, 1);
  sum(y).backward();
  assert.deepEqual(x.grad!.to1D(), [1]);
});

test('sse of the seed matches ½·Σ(y − t)²', () => {
  const y = tensor([[0.8610339864424298, 0.7587912922319807]]);
  const t = tensor([[0.5, 0.1]]);
  assert.equal(sse(y, t).item(), 0.5 * ((0.8610339864424298 - 0.5) ** 2 + (0.7587912922319807 - 0.1) ** 2));
});
