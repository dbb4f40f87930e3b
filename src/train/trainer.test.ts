import assert from 'node:assert/strict';
import { test } from 'node:test';
import { synthetic } from '../data/synthetic.js';
import { iris } from '../data/iris.js';
import { AutogradEngine } from './engine.js';
import { fit } from './fit.js';
import { Trainer } from './trainer.js';
import { TrainingDivergedError } from './diagnose.js';
import { Dense } from '../nn/dense.js';
import { SEED, seedNetwork } from '../nn/seed.js';
import { Sequential } from '../nn/sequential.js';
import { forwardTrace, recordForward } from '../nn/trace.js';
import { Adam } from '../optim/adam.js';
import { SGD } from '../optim/sgd.js';
import { Rng } from '../tensor/rng.js';
import { tensor } from '../tensor/create.js';
import { seedExpected } from '../../test/helpers/seed.js';

const bits = (m: Sequential): number[] => m.parameters().flatMap((p) => Array.from(p.data));

test('Trainer.step(), called epochs × batches times, leaves the same weights as fit, bit for bit', async () => {
  const data = synthetic('circle', { rng: new Rng(2), size: 130, noise: 0.1 });
  const run = async (viaFit: boolean): Promise<number[]> => {
    const model = Sequential.mlp([2, 8, 2], { activation: 'tanh', output: 'softmax', rng: new Rng(4) });
    const optimizer = new Adam(model.parameters(), { lr: 0.02 });
    const options = { loss: 'cross_entropy' as const, optimizer, batchSize: 16, rng: new Rng(9) };
    if (viaFit) await fit(model, data, { ...options, epochs: 5 });
    else {
      const trainer = await Trainer.create(model, data, options);
      const steps: number[] = [];
      while (trainer.epoch < 5 || !trainer.epochDone) steps.push(trainer.step().batch);
      assert.equal(steps.length, 5 * 9, '9 batches of ≤ 16 rows per epoch');
      assert.deepEqual(steps.slice(0, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    }
    return bits(model);
  };
  assert.deepEqual(await run(false), await run(true));
});

test('Trainer: the logs of a step, and the epoch it starts by itself', async () => {
  const model = seedNetwork();
  const data = { x: Float64Array.from(SEED.input.flat()), y: Float64Array.from(SEED.target.flat()), rows: 1, inputSize: 3, outputSize: 2, task: 'regression' as const };
  const trainer = new Trainer(model, data, { loss: 'sse', optimizer: new SGD(model.parameters(), { lr: SEED.lr }), batchSize: 1 });
  assert.equal(trainer.epochDone, true);
  const E = seedExpected();
  const first = trainer.step();
  assert.ok(Math.abs(first.loss - E.forward.E) < 1e-12, 'the seed notebook cost E before the first update');
  assert.deepEqual([first.epoch, first.batch, first.batches, first.rows], [1, 1, 1, 1]);
  assert.ok(Math.abs(trainer.step().loss - E.sgd.afterSteps['1']!.lossAfterStep) < 1e-12, 'the cost after one update');
  assert.equal(trainer.epoch, 2);
});

test('the last step\'s trace (z, a, δ per layer) is the same from the fused and the autograd engines', async () => {
  const data = iris();
  const traces = await Promise.all([false, true].map(async (autograd) => {
    const model = Sequential.mlp([4, 6, 3], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
    const trainer = await Trainer.create(model, data, {
      loss: 'cross_entropy', batchSize: 10, rng: new Rng(3), ...(autograd && { engine: (m, l) => new AutogradEngine(m, l) }),
    });
    trainer.step();
    trainer.step();
    return trainer.lastTrace()!.map((l) => ({ z: Array.from(l.z.data), a: Array.from(l.a.data), delta: Array.from(l.delta!.data) }));
  }));
  assert.equal(traces[0]!.length, 2);
  for (let l = 0; l < 2; l++) {
    for (const k of ['z', 'a', 'delta'] as const) assert.deepEqual(traces[0]![l]![k], traces[1]![l]![k], `layer ${l} ${k}`);
  }
});

test('forwardTrace: the seed network layer by layer, as the notebook prints it', () => {
  const trace = forwardTrace(seedNetwork(), tensor(SEED.input));
  assert.deepEqual(trace.map((l) => l.describe), ['dense 3→2, sigmoid', 'dense 2→2, sigmoid']);
  assert.deepEqual(trace[0]!.values.z!.to2D(), [[2.7, 3.3]]);
  assert.ok(Math.abs(trace[1]!.output.data[0]! - 0.86103399) < 1e-8);
  assert.equal(trace[1]!.input, trace[0]!.output);
});

test('Trainer refuses a diverging step and keeps the last good weights', async () => {
  const model = new Sequential([Dense.fromWeights([[1e200]], [0], 'linear')]);
  const data = { x: new Float64Array([1e200]), y: new Float64Array([0]), rows: 1, inputSize: 1, outputSize: 1, task: 'regression' as const };
  const trainer = await Trainer.create(model, data, { loss: 'sse', optimizer: new SGD(model.parameters(), { lr: 0.1 }) });
  assert.throws(() => trainer.step(), TrainingDivergedError);
  assert.equal(model.parameters()[0]!.data[0], 1e200);
});

test('recordForward: the seed pass stepped by hand, the same numbers as the engine', () => {
  const E = seedExpected();
  const pass = recordForward(seedNetwork(), 'sse', tensor(SEED.input), tensor(SEED.target));
  assert.ok(Math.abs(pass.cost - E.forward.E) < 1e-12);
  assert.equal(pass.backwardDone, false);
  pass.backward();
  assert.deepEqual(Array.from(pass.layers[1]!.z.grad!.data).map((v, i) => Math.abs(v - E.deltaOutput[i]!) < 1e-12), [true, true]);
  assert.ok(pass.layers[1]!.a.grad !== null, '∂E/∂a of the outputs');
});

test('Trainer.skipTo and nextRows: a trainer positioned at step k takes the rows an uninterrupted run takes', async () => {
  const data = synthetic('xor', { rng: new Rng(5), size: 50 });
  const make = (): Trainer => {
    const model = Sequential.mlp([2, 4, 2], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
    return new Trainer(model, data, { loss: 'cross_entropy', batchSize: 8, rng: new Rng(12) });
  };
  const a = make();
  const rows: number[][] = [];
  for (let k = 0; k < 20; k++) {
    rows.push(Array.from(a.nextRows()));
    a.step();
  }
  for (const k of [0, 3, 7, 13]) {
    const b = make();
    b.skipTo(k);
    assert.equal(b.steps, k);
    assert.deepEqual(Array.from(b.nextRows()), rows[k], `rows of step ${k + 1}`);
  }
});
