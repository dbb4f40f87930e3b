// No autograd graph outlives a training step: liveNodeCount() is back at its baseline after every
// step of the fit loop (autograd engine) for every optimizer and loss pairing, after a run that
// diverges, through the older trainEpoch path, and after `backprop train` runs in-process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createOptimizer, liveNodeCount, main, nodeIo, OPTIMIZERS, Rng, Sequential, tensor, type ActivationName, type LossName, type OptimizerSettings } from '../src/node.js';
import { synthetic } from '../src/data/synthetic.js';
import { autogradEngine } from '../src/train/engine.js';
import { trainEpoch } from '../src/train/epoch.js';
import { fit } from '../src/train/fit.js';
import type { Dataset } from '../src/data/dataset.js';

/** Fits with the autograd engine and returns, per step, the live nodes after the step and at the step's peak. */
async function stepsOf(model: Sequential, data: Dataset, loss: LossName, optimizer: ReturnType<typeof createOptimizer>, extra: Parameters<typeof fit>[2] extends infer O ? Partial<O> : never = {}) {
  const base = liveNodeCount();
  const after: number[] = [];
  const peaks: number[] = [];
  let peak = 0;
  const out = model.layers[model.outputLayerIndex()]!;
  const forward = out.logits.bind(out);
  // NOTE: a probe on the output layer: the live count right after each forward pass (graph built).
  out.logits = (x) => {
    const z = forward(x);
    peak = Math.max(peak, liveNodeCount() - base);
    return z;
  };
  await fit(model, data, {
    loss, optimizer, epochs: 3, batchSize: 16, rng: new Rng(3), engine: autogradEngine, ...extra,
    callbacks: [{ onBatchEnd: () => { after.push(liveNodeCount() - base); peaks.push(peak); peak = 0; } }],
  });
  return { after, peaks, end: liveNodeCount() - base };
}

const settings: Record<string, OptimizerSettings> = {
  sgd: { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
  rmsprop: { lr: 0.01, momentum: 0.5, centered: true },
  adam: { lr: 0.01 },
  adamw: { lr: 0.01, weightDecay: 0.01 },
};
const pairings: [ActivationName, ActivationName, LossName, 'onehot' | 'binary'][] = [
  ['tanh', 'softmax', 'cross_entropy', 'onehot'],
  ['relu', 'sigmoid', 'bce', 'binary'],
  ['gelu', 'sigmoid', 'mse', 'onehot'],
  ['elu', 'linear', 'sse', 'onehot'],
];

for (const name of OPTIMIZERS) {
  test(`fit with ${name}: live nodes return to the baseline after every step, for every loss pairing`, async () => {
    for (const [hidden, output, loss, targets] of pairings) {
      const data = synthetic('circle', { rng: new Rng(1), size: 96, targets });
      const model = Sequential.mlp([2, 6, 5, data.outputSize], { activation: hidden, output, rng: new Rng(2) });
      const r = await stepsOf(model, data, loss, createOptimizer(name, model.parameters(), settings[name]), { clipNorm: 5, validation: data });
      const what = `${name}, ${hidden}/${output}/${loss}`;
      assert.equal(r.after.length, 3 * 6, `${what}: steps`);
      assert.deepEqual(r.after, r.after.map(() => 0), `${what}: live nodes after each step`);
      assert.ok(r.peaks.every((p) => p >= 2 * 3), `${what}: the graph was recorded (≥ 2 nodes a layer), peaks ${r.peaks.slice(0, 3)}`);
      assert.equal(r.end, 0, `${what}: after fit`);
    }
  });
}

test('a run that diverges (η = 1e6) leaves no live nodes behind', async () => {
  const data = synthetic('circle', { rng: new Rng(1), size: 64 });
  const model = Sequential.mlp([2, 8, data.outputSize], { activation: 'relu', output: 'linear', rng: new Rng(2) });
  const base = liveNodeCount();
  await assert.rejects(
    fit(model, data, { loss: 'mse', optimizer: createOptimizer('sgd', model.parameters(), { lr: 1e6 }), epochs: 50, batchSize: 8, engine: autogradEngine }),
    /diverge|NaN|Infinity|overflow/i,
  );
  assert.equal(liveNodeCount(), base);
});

test('the seed network, 2,000 SGD steps through trainEpoch: back to the baseline after every step', () => {
  const model = Sequential.mlp([3, 2, 2], { activation: 'sigmoid', rng: new Rng(0) });
  const opt = createOptimizer('sgd', model.parameters(), { lr: 0.5 });
  const x = tensor([[1, 2, 3]]);
  const t = tensor([[0.5, 0.1]]);
  const base = liveNodeCount();
  for (let i = 0; i < 2000; i++) {
    trainEpoch(model, 'sse', opt, x, t, 1);
    if (liveNodeCount() !== base) assert.fail(`step ${i}: ${liveNodeCount() - base} live nodes`);
  }
  assert.equal(liveNodeCount(), base);
});

test('backprop train in-process, each optimizer: no live nodes afterwards', async (t) => {
  const root = new URL('..', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'backprop-leak-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'm.json');
  const base = liveNodeCount();
  for (const name of OPTIMIZERS) {
    let err = '';
    const status = await main(
      ['train', join(root, 'examples/xor-model.json'), '--data', join(root, 'examples/xor-data.json'), '--out', out, '--optimizer', name, '--epochs', '30'],
      { ...nodeIo(), stdout: () => {}, stderr: (s) => void (err += s), isTTY: false },
    );
    assert.equal(status, 0, err);
    assert.equal(liveNodeCount(), base, name);
  }
});
