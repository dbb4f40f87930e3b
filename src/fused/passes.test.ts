// The fused path's layer passes as jobs on the worker threads (passes.ts) against one product at a
// time: the same bits, for both dtypes, fused epilogues (relu) and activations run after the job
// (tanh, gelu), odd batch sizes; and the parameters' move into the kernels' memory.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initKernels, kernelState, shutdownKernels } from '../kernels/kernel-state.js';
import { countJobs } from '../kernels/test-util.js';
import type { ActivationName } from '../nn/activations.js';
import type { LossName } from '../nn/losses.js';
import { seedNetwork, SEED } from '../nn/seed.js';
import { Adam } from '../optim/adam.js';
import { FusedDenseStack } from './stack.js';
import { randomBatch, randomModel } from './test-util.js';

before(async () => {
  const info = await initKernels({ threads: 2 });
  assert.equal(info.threads, 2);
});
after(() => shutdownKernels());


const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Object.is(v, b[i]));

test('threaded passes give the bits of one product at a time: both dtypes, every epilogue, odd batches, five Adam steps', () => {
  // the last case's output layer is large enough for a job too: softmax on the logits, the bias as its epilogue
  const cases: Array<[ActivationName, ActivationName, LossName, number]> = [['relu', 'softmax', 'cross_entropy', 5], ['tanh', 'sigmoid', 'bce', 5], ['gelu', 'linear', 'mse', 5], ['linear', 'relu', 'sse', 5], ['relu', 'softmax', 'cross_entropy', 64]];
  let jobs = 0;
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [hidden, output, loss, outputs] of cases) {
      for (const rows of [37, 64]) {
        const what = `${dtype} ${hidden}/${output}/${loss} 300-128-64-${outputs} rows ${rows}`;
        const seq = randomModel([300, 128, 64, outputs], hidden, output, dtype, rows);
        const par = seq.clone();
        const one = new FusedDenseStack(seq, loss, { maxBatch: rows, parallel: false });
        const two = new FusedDenseStack(par, loss, { maxBatch: rows });
        const optA = new Adam(seq.parameters(), { lr: 1e-3 });
        const optB = new Adam(par.parameters(), { lr: 1e-3 });
        for (let step = 0; step < 5; step++) {
          const { x, t } = randomBatch(rows, 300, outputs, loss, dtype, 10 * rows + step);
          const a = one.lossAndGrad(x.data, t.data, rows);
          let b = 0;
          jobs += countJobs(() => (b = two.lossAndGrad(x.data, t.data, rows)));
          assert.ok(Object.is(a, b), `${what} step ${step}: loss ${a} vs ${b}`);
          seq.parameters().forEach((p, i) => assert.ok(same(p.grad!.data, par.parameters()[i]!.grad!.data), `${what} step ${step}: gradient ${i}`));
          optA.step();
          optB.step();
        }
        seq.parameters().forEach((p, i) => assert.ok(same(p.data, par.parameters()[i]!.data), `${what}: weights ${i} after 5 steps`));
        const probe = randomBatch(rows, 300, outputs, loss, dtype, 1).x.data;
        assert.ok(same(one.forward(probe, rows).slice(0, rows * outputs), two.forward(probe, rows).slice(0, rows * outputs)), `${what}: forward`);
      }
    }
  }
  // per step 2 forward and 2 backward jobs (a 64→5 layer's products, below PHASE_MIN, run on the
  // calling thread; so do a 64→64 layer's for 37 rows), 3 and 3 for 64 rows into 64 outputs
  assert.equal(jobs, 2 * 5 * (4 * 2 * 4 + 4 + 6), 'the passes ran as jobs on the pool');
});

test('a kernel-sized network\'s stack moves its parameters into the kernels\' memory; a stack made before sees them there', () => {
  const heap = kernelState(false)!.heap;
  const model = randomModel([300, 128, 5], 'relu', 'softmax', 'float32', 8);
  const before = model.parameters()[0]!.data;
  const early = new FusedDenseStack(model, 'cross_entropy', { maxBatch: 16, wasmMemory: false });
  assert.equal(heap.owns(model.parameters()[0]!.data), false);
  const late = new FusedDenseStack(model, 'cross_entropy', { maxBatch: 16 });
  const moved = model.parameters()[0]!.data;
  assert.notEqual(moved, before);
  assert.equal(heap.owns(moved), true, 'the weights now live in the kernels\' memory');
  assert.deepEqual([...moved], [...before], 'with the same values');
  // The early stack computes with the weights where they are now.
  const { x, t } = randomBatch(16, 300, 5, 'cross_entropy', 'float32', 9);
  moved[0] = moved[0]! + 1;
  const E1 = early.lossAndGrad(x.data, t.data, 16);
  const g1 = model.parameters()[0]!.grad!.data.slice();
  const E2 = late.lossAndGrad(x.data, t.data, 16);
  assert.equal(E1, E2);
  assert.ok(same(g1, model.parameters()[0]!.grad!.data));
  late.dispose();
});

test('the one-row step compiled for a tiny network follows parameters given new storage (Tensor.moveData)', () => {
  const model = seedNetwork();
  const stack = new FusedDenseStack(model, 'sse', { maxBatch: 1 });
  const x = Float64Array.from(SEED.input.flat());
  const t = Float64Array.from(SEED.target.flat());
  stack.sgdStep(x, t, 1, SEED.lr);
  assert.equal(stack.compiledOneRow, true);
  assert.equal(kernelState(false)!.heap.owns(model.parameters()[0]!.data), false, 'a tiny network keeps ordinary arrays');
  const old = model.parameters()[0]!.data;
  model.parameters()[0]!.moveData(new Float64Array(old.length));
  const now = model.parameters()[0]!.data;
  const w0 = now[0]!;
  stack.sgdStep(x, t, 1, SEED.lr);
  assert.notEqual(now[0], w0, 'the step updated the weights in their new storage');
  assert.equal(old[0], w0, 'and left the old array alone');
  assert.equal(stack.compiledOneRow, true);
});
