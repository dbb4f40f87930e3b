import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetFromArrays } from '../../data/arrays.js';
import { iris, IRIS_FEATURES } from '../../data/iris.js';
import { Sequential } from '../../nn/sequential.js';
import { Adam } from '../../optim/adam.js';
import { Rng } from '../../tensor/rng.js';
import { parseCheckpoint, serializeCheckpoint } from '../checkpoint.js';
import { fit } from '../fit.js';
import { History } from '../history.js';
import { historySvg } from '../plot-svg.js';
import { healthBaseline } from './baseline.js';
import { examineModel } from './examine.js';
import { HealthMonitor } from './monitor.js';
import { healthPanels } from './plot.js';
import { healthTable } from './table.js';
import { HEALTH_CODES, type HealthDiagnosis } from './types.js';
import { describeHealth, formatHealth, healthMessage } from './words.js';

test('the chance level is the loss of the best constant output: ln 3 for Iris, the binary entropy for bce, the variance for mse', () => {
  assert.ok(Math.abs(healthBaseline(iris(), 'cross_entropy').chance - Math.log(3)) < 1e-12);
  const b = datasetFromArrays([[1], [2], [3], [4]], [[1], [0], [0], [0]]);
  const p = 0.25;
  assert.ok(Math.abs(healthBaseline(b, 'bce').chance - -(p * Math.log(p) + (1 - p) * Math.log(1 - p))) < 1e-12);
  const r = datasetFromArrays([[1], [2], [3], [40]], [[1], [2], [4], [5]]);
  const mse = healthBaseline(r, 'mse');
  assert.ok(Math.abs(mse.chance - 2.5) < 1e-12, 'mean 3, squared deviations 4 + 1 + 1 + 4 over 4 rows');
  assert.ok(Math.abs(healthBaseline(r, 'sse').chance - 1.25) < 1e-12, 'sse per sample: ½ of the variance');
  assert.deepEqual([mse.inputColumn, mse.inputMaxAbs, mse.classes], ['x1', 40, null]);
  const ib = healthBaseline(iris(), 'cross_entropy');
  assert.deepEqual([ib.inputColumn, ib.inputMaxAbs, ib.classes], [IRIS_FEATURES[0], 7.9, 3], 'the longest sepal, 7.9 cm');
});

/** A diagnosis of every code with evidence as the rules write it. */
function samples(): HealthDiagnosis[] {
  const base = { loss: 1.0986, chance: 1.0986, steps: 50, classes: 3 };
  const ev: Record<string, Record<string, number | string>> = {
    'exploding-gradients': { from: 0.5, to: 3e4 },
    'unscaled-inputs': { column: 'lot_sqft', maxAbs: 19985, percent: 100 },
    'lr-too-high': { update: 0.43, lr: 10 },
    'lr-too-low': { update: 2.3e-7, lr: 1e-7 },
    'dead-units': { layer: 1, describe: 'dense 4→16, relu', count: 16, units: 16, percent: 100 },
    'saturated-units': { layer: 1, describe: 'dense 3→16, tanh', count: 12, units: 16, percent: 75 },
    'vanishing-gradients': { first: 3e-7, last: 0.3, orders: 6, layer: 1 },
    'labels-unlearnable': {},
    overfitting: { bestEpoch: 7, bestVal: 0.36, val: 0.44, train: 0.13, trainAtBest: 0.15 },
    underfitting: { epochs: 5, val: 0.6 },
  };
  return HEALTH_CODES.map((code) => ({ code, score: 0.5, symptom: 'chance', layers: [0], step: 12, epoch: 2, evidence: { ...base, ...ev[code] } }));
}

test('every cause has its words in English and Korean, with every placeholder filled', () => {
  for (const d of [...samples(), ...samples().map((s) => ({ ...s, symptom: 'stalled' as const })), ...samples().map((s) => ({ ...s, symptom: null, evidence: { ...s.evidence, classes: 0, steps: 0 } }))]) {
    for (const lang of ['en', 'ko'] as const) {
      const text = formatHealth(d, lang);
      assert.doesNotMatch(text, /\{\w+\}/, `${d.code} ${lang}: ${text}`);
      assert.doesNotMatch(text, /undefined|NaN/, `${d.code} ${lang}: ${text}`);
    }
  }
  const dead = samples().find((d) => d.code === 'dead-units')!;
  assert.equal(describeHealth(dead, 'ko').title, '죽은 뉴런');
  assert.match(describeHealth(dead, 'en').finding, /16 of 16 units \(100 %\) output 0 for every sample/);
  assert.match(formatHealth(samples()[2]!, 'en'), /--lr 1\b/, 'η = 10 lowered ten times');
  assert.match(describeHealth({ ...samples()[0]!, evidence: { diverged: 1, what: 'weights', value: 'nan', epoch: 3, batch: 2, batches: 8, layer: 1, where: 'W' } }, 'ko').finding, /가중치이\(가\) nan/);
  assert.equal(healthMessage('ko', 'raisedAt', { epoch: 3, step: 40 }), '3번째 에포크, 40단계');
});

test('the epoch health travels through a checkpoint: the history with its checks and diagnoses survives JSON (NaN as null)', async () => {
  const model = Sequential.mlp([4, 5, 3], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  let text = '';
  const monitor = new HealthMonitor({ bins: 6 });
  await fit(model, iris(), { loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 1e-7 }), epochs: 12, batchSize: 16, rng: new Rng(1), callbacks: [monitor, { onEpochEnd: (_l, ctx) => void (text = serializeCheckpoint(ctx.state())) }] });
  const state = parseCheckpoint(text);
  const h = History.fromJSON(state.history);
  const last = h.last!.health!;
  assert.equal(last.check.layers.length, 2);
  assert.equal(last.check.layers[0]!.histograms!.weights!.counts.length, 6);
  assert.deepEqual(last.diagnoses.map((d) => d.code), monitor.report().map((d) => d.code));
  assert.deepEqual(last.check.layers[1]!.stuckUnits, monitor.latest!.layers[1]!.stuckUnits);
  assert.ok(Number.isNaN(History.fromJSON([{ epoch: 1, loss: 1, batchLoss: 1, lr: 1, seconds: 0, health: { check: { ...JSON.parse(JSON.stringify(last.check)), loss: null }, diagnoses: [] } }]).last!.health!.check.loss));
  // A resumed run keeps what was reported and does not report it again.
  const again = new HealthMonitor();
  const seen: string[] = [];
  const resumed = new HealthMonitor({ onDiagnosis: (d) => seen.push(d.code) });
  const m2 = Sequential.mlp([4, 5, 3], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  await fit(m2, iris(), { loss: 'cross_entropy', optimizer: new Adam(m2.parameters(), { lr: 1e-7 }), epochs: 14, batchSize: 16, rng: new Rng(1), resume: state, callbacks: [resumed] });
  assert.ok(monitor.report().length > 0, 'the first run raised its diagnosis');
  assert.ok(monitor.report().every((d) => !seen.includes(d.code)), `not again: ${seen}`);
  assert.equal(again.report().length, 0);
  assert.throws(() => History.fromJSON([{ epoch: 1, loss: 1, batchLoss: 1, lr: 1, seconds: 0, health: { check: { ...last.check, layers: 'x' }, diagnoses: [] } }], 'ck'), /ck\[0\]\.health\.check\.layers: expected an array/);
  assert.throws(() => History.fromJSON([{ epoch: 1, loss: 1, batchLoss: 1, lr: 1, seconds: 0, health: { check: last.check, diagnoses: [{ ...last.diagnoses[0], code: 'sad' }] } }], 'ck'), /ck\[0\]\.health\.diagnoses\[0\]\.code: expected one of exploding-gradients/);
});

test('the health panels of a training plot: gradient flow and update ratio per layer, on log axes', async () => {
  const model = Sequential.mlp([4, 5, 3], { activation: 'tanh', output: 'softmax', rng: new Rng(1) });
  const { history } = await fit(model, iris(), { loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 4, batchSize: 16, rng: new Rng(1), callbacks: [new HealthMonitor()] });
  const panels = healthPanels(history);
  assert.deepEqual(panels.map((p) => [p.log, p.metrics.map((m) => m.label)]), [[true, ['layer 1', 'layer 2']], [true, ['layer 1', 'layer 2']]]);
  assert.deepEqual(panels[0]!.metrics[0]!.values, history.epochs.map((e) => e.health!.check.layers[0]!.gradRatio));
  const svg = historySvg(history, { panels, columns: 2 });
  assert.match(svg, /gradient flow/);
  assert.match(svg, />1e-3</, 'the reference line of the update ratio');
  assert.deepEqual(healthPanels(new History()), []);
});

test('examineModel: a trained model looked at once — the same diagnoses a run gives, against the chance level', () => {
  const model = Sequential.mlp([4, 8, 3], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
  for (const l of model.layers.slice(0, -1)) l.bias.data.fill(-50);
  const h = examineModel(model, iris(), { loss: 'cross_entropy', rows: 40 });
  assert.equal(h.rows, 40);
  assert.equal(h.diagnoses[0]!.code, 'dead-units');
  assert.equal(h.check.layers[0]!.updateRatio, null, 'no step, no update ratio');
  assert.ok(model.parameters().every((p) => p.grad === null || p.grad.data.every((g) => g === 0)), 'no gradient left behind');
  assert.match(healthTable(h.check, h.diagnoses, 'en', 'the model'), /8\/8 dead/);
  assert.match(formatHealth(h.diagnoses[0]!, 'en'), /^diagnosis: dead units\n/);
});
