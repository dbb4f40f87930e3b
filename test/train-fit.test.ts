// fit(): determinism, resume, callbacks, early stopping, schedules, clipping, divergence, data checks, metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetFromArrays } from '../src/data/arrays.js';
import type { Dataset } from '../src/data/dataset.js';
import { synthetic } from '../src/data/synthetic.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { SGD } from '../src/optim/sgd.js';
import { BackpropError } from '../src/errors.js';
import { Rng } from '../src/tensor/rng.js';
import { tensor } from '../src/tensor/create.js';
import type { DType } from '../src/tensor/dtype.js';
import { fit, type FitOptions } from '../src/train/fit.js';
import { checkpointCallback, parseCheckpoint } from '../src/train/checkpoint.js';
import { clipGradNorm, gradNorm } from '../src/train/clip.js';
import { allFinite, TrainingDivergedError } from '../src/train/diagnose.js';
import { AutogradEngine, type GradientEngine } from '../src/train/engine.js';
import { History } from '../src/train/history.js';
import { classificationMetrics, regressionMetrics } from '../src/train/metrics.js';
import { cosineSchedule, exponentialSchedule, parseSchedule, plateauSchedule, stepSchedule } from '../src/train/schedules.js';
import type { TrainingState } from '../src/train/state.js';
import { liveNodeCount } from '../src/autograd/node.js';

const moons = (): Dataset => synthetic('moons', { rng: new Rng(3), size: 200, noise: 0.1 });
const net = (seed: number, dtype: DType = 'float64'): Sequential => Sequential.mlp([2, 8, 2], { activation: 'tanh', output: 'softmax', rng: new Rng(seed), dtype });
const weights = (m: Sequential): number[] => m.parameters().flatMap((p) => Array.from(p.data));

function options(model: Sequential, extra: Partial<FitOptions> = {}): FitOptions {
  return { loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs: 12, batchSize: 16, rng: new Rng(5), ...extra };
}

for (const dtype of ['float64', 'float32'] as const) {
  test(`same seed ⇒ bit-identical weights (${dtype}); another shuffle seed ⇒ different weights`, async () => {
    const a = net(1, dtype);
    const b = net(1, dtype);
    const c = net(1, dtype);
    await fit(a, moons(), options(a));
    await fit(b, moons(), options(b));
    await fit(c, moons(), options(c, { rng: new Rng(6) }));
    assert.deepEqual(weights(a), weights(b));
    assert.notDeepEqual(weights(a), weights(c));
  });
}

test('resume from a mid-run state (plateau schedule, early stopping, clipping) ends bit-identical to an uninterrupted run', async () => {
  const data = moons();
  const validation = synthetic('moons', { rng: new Rng(4), size: 60, noise: 0.1 });
  const extra = (): Partial<FitOptions> => ({ validation, schedule: plateauSchedule({ patience: 1, factor: 0.5 }), earlyStopping: { patience: 30 }, clipNorm: 0.5, epochs: 15 });
  const full = net(2);
  const fullResult = await fit(full, data, options(full, extra()));
  const states: string[] = [];
  const first = net(2);
  await fit(first, data, options(first, { ...extra(), epochs: 15, callbacks: [checkpointCallback({ every: 6, save: (_, text) => states.push(text) }), { onEpochEnd: (l, ctx) => void (l.epoch === 6 && ctx.stop('killed')) }] }));
  const state: TrainingState = parseCheckpoint(states[0]!);
  assert.equal(state.epoch, 6);
  const resumed = net(99); // different initial weights: everything must come from the state
  const r = await fit(resumed, data, options(resumed, { ...extra(), rng: new Rng(12345), resume: { ...state, stopReason: null } }));
  assert.deepEqual(weights(resumed), weights(full));
  assert.deepEqual(r.history.series('loss'), fullResult.history.series('loss'));
  assert.deepEqual(r.history.series('lr'), fullResult.history.series('lr'));
});

test('callbacks run in order with the documented arguments, and a callback can stop training', async () => {
  const model = net(3);
  const calls: string[] = [];
  const result = await fit(model, moons(), options(model, {
    epochs: 5,
    callbacks: [{
      onTrainBegin: (ctx) => void calls.push(`begin ${ctx.epochs} ${ctx.batches}`),
      onEpochBegin: (e) => void calls.push(`epoch ${e}`),
      onBatchEnd: (b) => void (b.batch === b.batches && calls.push(`batches ${b.batches} rows ${b.rows}`)),
      onEpochEnd: (logs, ctx) => {
        calls.push(`end ${logs.epoch}`);
        if (logs.epoch === 2) ctx.stop('enough');
      },
      onTrainEnd: (r) => void calls.push(`done ${r.stopReason}`),
    }],
  }));
  // 200 rows in batches of 16: 12 full batches and one of 8
  assert.deepEqual(calls, ['begin 5 13', 'epoch 1', 'batches 13 rows 8', 'end 1', 'epoch 2', 'batches 13 rows 8', 'end 2', 'done enough']);
  assert.equal(result.epochs, 2);
  assert.equal(result.history.length, 2);
});

test('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  const model = net(4);
  const snapshots = new Map<number, number[]>();
  // η so large the validation loss soon stops improving
  const result = await fit(model, moons(), {
    ...options(model),
    optimizer: new SGD(model.parameters(), { lr: 3 }),
    epochs: 200,
    validation: moons(),
    earlyStopping: { patience: 3 },
    callbacks: [{ onEpochEnd: (l, ctx) => void snapshots.set(l.epoch, weights(ctx.model)) }],
  });
  const best = result.history.best('valLoss')!;
  assert.match(result.stopReason, /early stopping: valLoss did not improve for 3 epochs/);
  assert.equal(result.epochs, best.epoch + 3);
  assert.equal(result.weightsFromEpoch, best.epoch);
  assert.deepEqual(weights(model), snapshots.get(best.epoch));
});

test('schedules follow the PyTorch formulas', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((e) => stepSchedule(2, 0.5).rate(e, 0.1, 0)), [0.1, 0.1, 0.05, 0.05, 0.025]);
  assert.equal(exponentialSchedule(0.9).rate(3, 1, 0), 0.81);
  const cos = cosineSchedule(10, 0.01);
  assert.equal(cos.rate(1, 0.1, 0), 0.1);
  assert.ok(Math.abs(cos.rate(6, 0.1, 0) - 0.055) < 1e-15);
  assert.equal(parseSchedule('step:10:0.5', 100).rate(11, 0.2, 0), 0.1);
  assert.throws(() => parseSchedule('warp:3', 10), /--schedule "warp:3": unknown kind/);
  assert.throws(() => parseSchedule('step:0', 10), /every must be an integer ≥ 1/);
  // ReduceLROnPlateau, patience 1: the rate drops after two epochs without improvement
  const p = plateauSchedule({ monitor: 'loss', patience: 1, factor: 0.5 });
  let lr = 1;
  const rates: number[] = [];
  [1, 0.5, 0.6, 0.7, 0.4, 0.45, 0.45].forEach((loss, i) => {
    lr = p.rate(i + 1, 1, lr);
    rates.push(lr);
    p.observe!({ epoch: i + 1, loss, batchLoss: loss, lr, seconds: 0 }, lr);
  });
  assert.deepEqual(rates, [1, 1, 1, 1, 0.5, 0.5, 0.5]);
  assert.equal(p.rate(8, 1, lr), 0.25);
});

test('clipGradNorm scales every gradient by maxNorm/(norm + 1e-6) when the global norm exceeds it', () => {
  const a = tensor([3, 0]);
  const b = tensor([[0, 4]]);
  a.grad = tensor([3, 0]);
  b.grad = tensor([[0, 4]]);
  assert.equal(gradNorm([a, b]), 5);
  assert.equal(clipGradNorm([a, b], 1), 5);
  assert.deepEqual(Array.from(a.grad.data), [3 / 5.000001, 0]);
  assert.deepEqual(Array.from(b.grad.data), [0, 4 / 5.000001]);
  assert.equal(clipGradNorm([a, b], 10), gradNorm([a, b]));
});

test('gradNorm (four partial sums) and allFinite (x·0 sums) agree with the plain loops at every length and position', () => {
  const rng = new Rng(8);
  for (const Ctor of [Float64Array, Float32Array]) {
    for (let n = 0; n <= 13; n++) {
      const g = new Ctor(n).map(() => rng.uniformRange(-3, 3));
      const p = tensor(Array.from(g));
      p.grad = tensor(Array.from(g));
      let plain = 0;
      for (const v of g) plain += v * v;
      assert.ok(Math.abs(gradNorm([p]) - Math.sqrt(plain)) <= 4e-16 * Math.sqrt(plain), `n = ${n}`);
      assert.equal(allFinite(g), true);
      for (let at = 0; at < n; at++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const h = g.slice();
          h[at] = bad;
          assert.equal(allFinite(h), false, `${Ctor.name} n = ${n}, ${bad} at ${at}`);
        }
      }
    }
  }
  // Huge but finite entries are finite (x·0 is 0, whatever the size), and −0 is.
  assert.equal(allFinite(new Float64Array([1e308, -1e308, -0, 5e-324])), true);
  assert.equal(allFinite(new Float32Array([3.4e38, -3.4e38, -0, 1e-45])), true);
});

test('a learning rate far too high stops with epoch, batch, layer and cause, keeping the last good weights', async () => {
  const data = datasetFromArrays([[500, 200], [-300, 100], [250, -400], [100, 100]], [[1], [2], [3], [4]]);
  const model = Sequential.mlp([2, 3, 1], { activation: 'relu', output: 'linear', rng: new Rng(1) });
  let lastGood: number[] = [];
  const err = await fit(model, data, {
    loss: 'mse',
    optimizer: new SGD(model.parameters(), { lr: 5 }),
    epochs: 50,
    batchSize: 2,
    shuffle: false,
    // NOTE: the growth check would stop this run at the end of epoch 1 (see the divergence tests);
    // off here, so that the loss reaches Infinity and the non-finite diagnosis is what is tested.
    divergence: false,
    callbacks: [{ onBatchEnd: (_, ctx) => void (lastGood = weights(ctx.model)) }],
  }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof TrainingDivergedError, String(err));
  assert.equal(err.code, 'numeric');
  assert.match(err.message, /in epoch \d+, batch [12] of 2; it first appears in layer [01] \(dense/);
  assert.match(err.message, /likely cause: the inputs are not scaled \(the largest \|x\| is 500\)/);
  assert.deepEqual(weights(model), lastGood);
  assert.ok(weights(model).every(Number.isFinite));
  assert.equal(liveNodeCount(), 0);
});

test('data problems are caught before training', async () => {
  const model = net(1);
  const wide = datasetFromArrays([[1, 2, 3]], [[1, 0]]);
  await assert.rejects(fit(model, wide, options(model)), (e: unknown) => e instanceof BackpropError && /has 3 input columns.*takes 2 inputs/.test(e.message));
  const sig = Sequential.mlp([2, 1], { output: 'sigmoid', rng: new Rng(1) });
  const out = datasetFromArrays([[0, 0], [1, 1]], [[0], [3]], { task: 'regression' });
  await assert.rejects(fit(sig, out, { loss: 'bce' }), /is 3, outside \[0, 1\]/);
});

test('a custom GradientEngine plugs in (here one that wraps autograd and counts calls)', async () => {
  const a = net(7);
  const b = net(7);
  let calls = 0;
  const inner = new AutogradEngine(b, 'cross_entropy');
  const engine: GradientEngine = { lossAndGrad: (x, t) => (calls++, inner.lossAndGrad(x, t)) };
  await fit(a, moons(), options(a, { epochs: 2 }));
  await fit(b, moons(), options(b, { epochs: 2, engine }));
  assert.equal(calls, 2 * 13);
  assert.deepEqual(weights(a), weights(b));
});

test('metrics: confusion matrix, precision, recall (by hand), MSE and R² (by hand)', () => {
  const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2], ['a', 'b', 'c']);
  assert.deepEqual(m.confusion, [[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
  assert.equal(m.accuracy, 4 / 6);
  assert.deepEqual(m.precision, [1 / 2, 2 / 3, 1]);
  assert.deepEqual(m.recall, [1 / 2, 1, 1 / 2]);
  const r = regressionMetrics([1, 2, 3], [1, 2, 4], 3, 1);
  assert.equal(r.mse, 1 / 3);
  // mean of t is 7/3; SS_tot = (16 + 1 + 25)/9 = 42/9; R² = 1 − 1/(42/9)
  assert.ok(Math.abs(r.r2 - (1 - 9 / 42)) < 1e-15);
});

test('History: series, best, JSON round trip', () => {
  const h = new History();
  h.push({ epoch: 1, loss: 0.5, batchLoss: 0.6, lr: 0.1, seconds: 0, accuracy: 0.8 });
  h.push({ epoch: 2, loss: 0.3, batchLoss: 0.4, lr: 0.1, seconds: 0, accuracy: 0.9 });
  assert.deepEqual(h.series('loss'), [0.5, 0.3]);
  assert.deepEqual(h.best('accuracy'), { epoch: 2, value: 0.9 });
  assert.deepEqual(History.fromJSON(JSON.parse(JSON.stringify(h))).epochs, h.epochs);
  assert.throws(() => History.fromJSON([{ epoch: 1, los: 2 }]), /history\[0\]\.los: unknown metric/);
});

test('the training API is exported: browser-safe parts from the main entry, checkpoint files from backprop/node', async () => {
  const api = await import('../src/index.js');
  for (const name of ['fit', 'AutogradEngine', 'evaluate', 'History', 'EarlyStopping', 'stepSchedule', 'exponentialSchedule', 'cosineSchedule', 'plateauSchedule', 'parseSchedule', 'clipGradNorm', 'TrainingDivergedError', 'checkpointCallback', 'parseCheckpoint', 'historySvg', 'trainEpoch']) {
    assert.equal(typeof (api as Record<string, unknown>)[name], 'function', name);
  }
  const node = await import('../src/train/checkpoint.node.js');
  assert.equal(typeof node.saveCheckpoint, 'function');
  assert.equal(typeof node.loadCheckpoint, 'function');
});

test('trainEpoch (the minimal loop) and fit take the same steps: identical weights after 3 epochs in order', async () => {
  const { trainEpoch } = await import('../src/train/epoch.js');
  const { toTensorData } = await import('../src/train/metrics.js');
  const a = net(8);
  const b = net(8);
  const data = moons();
  const optA = new Adam(a.parameters(), { lr: 0.02 });
  const td = toTensorData(data, 'float64');
  for (let e = 0; e < 3; e++) trainEpoch(a, 'cross_entropy', optA, td.x, td.t, 16);
  await fit(b, data, options(b, { epochs: 3, shuffle: false }));
  assert.deepEqual(weights(a), weights(b));
});

test('the epoch\'s training figures come from its batches by default (as Keras), and from all rows again with trainMetrics: true', async () => {
  const batches: Array<{ loss: number; rows: number; accuracy?: number }> = [];
  const a = net(9);
  const running = await fit(a, moons(), options(a, { epochs: 1, callbacks: [{ onBatchEnd: (b) => void batches.push(b) }] }));
  const b = net(9);
  const exact = await fit(b, moons(), options(b, { epochs: 1, trainMetrics: true }));
  assert.deepEqual(weights(a), weights(b), 'the figures do not change the training');
  const logs = running.history.last!;
  const mean = batches.reduce((s, x) => s + x.loss * x.rows, 0) / batches.reduce((s, x) => s + x.rows, 0);
  assert.equal(logs.loss, mean, 'loss: the row-weighted mean of the batch losses');
  assert.equal(logs.batchLoss, mean);
  assert.equal(logs.accuracy, batches[batches.length - 1]!.accuracy, 'accuracy: the running accuracy after the last batch');
  assert.equal(typeof logs.precision, 'number');
  assert.equal(typeof logs.recall, 'number');
  const measured = exact.history.last!;
  assert.equal(measured.loss, exact.train.loss, 'trainMetrics: true measures all rows with the final weights');
  assert.equal(measured.accuracy, exact.train.classification!.accuracy);
  assert.equal(measured.batchLoss, mean);
  assert.notEqual(measured.loss, logs.loss);
  // regression: MSE and R² from the batches, keys as with trainMetrics: true
  const reg = datasetFromArrays([[0, 1], [1, 0], [1, 1], [0, 0], [2, 1]], [[1], [1], [2], [0], [3]], { task: 'regression' });
  const lin = Sequential.mlp([2, 3, 1], { activation: 'tanh', output: 'linear', rng: new Rng(1) });
  const r = await fit(lin, reg, { loss: 'mse', epochs: 2, batchSize: 2, rng: new Rng(1) });
  const lin2 = Sequential.mlp([2, 3, 1], { activation: 'tanh', output: 'linear', rng: new Rng(1) });
  const r2 = await fit(lin2, reg, { loss: 'mse', epochs: 2, batchSize: 2, rng: new Rng(1), trainMetrics: true });
  assert.deepEqual(Object.keys(r.history.last!).sort(), Object.keys(r2.history.last!).sort());
  assert.ok(Math.abs(r.history.last!.mse! - r.history.last!.loss) < 1e-15, 'with the mse loss, the batches\' MSE is their mean loss');
});
