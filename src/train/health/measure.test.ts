import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iris } from '../../data/iris.js';
import { Dense } from '../../nn/dense.js';
import { Sequential } from '../../nn/sequential.js';
import { recordForward } from '../../nn/trace.js';
import { SGD } from '../../optim/sgd.js';
import { tensor } from '../../tensor/create.js';
import { Rng } from '../../tensor/rng.js';
import { AutogradEngine } from '../engine.js';
import { Trainer } from '../trainer.js';
import { confirmStuck, histogram, measureLayers, meanStd, snapshotParameters, stuckUnits } from './measure.js';

/** ‖x‖ of plain arrays, summed in order (independent of the library's kernels). */
const norm = (arrays: ArrayLike<number>[]): number => Math.sqrt(arrays.reduce((s, a) => s + Array.from(a).reduce((t, v) => t + v * v, 0), 0));

test('histogram: equal bins from the smallest to the largest value, the last bin closed; non-finite values left out', () => {
  assert.deepEqual(histogram([Float64Array.of(0, 1, 1, 2)], 2), { lo: 0, hi: 2, counts: [1, 3] });
  assert.deepEqual(histogram([[0, 0.5], [1, NaN, Infinity]], 4), { lo: 0, hi: 1, counts: [1, 0, 1, 1] });
  assert.deepEqual(histogram([[3, 3]], 3), { lo: 3, hi: 3, counts: [2, 0, 0] });
  assert.equal(histogram([[NaN]], 3), null);
  assert.deepEqual(meanStd([1, 2, 3, 4]), { mean: 2.5, std: Math.sqrt(1.25) });
});

test('stuck units: a ReLU is dead where z < 0 on every row; a sigmoid saturated where σ′(z) = σ(1 − σ) < 5 % of 0.25 on every row', () => {
  const rows = 3;
  const z = Float64Array.of(-1, 2, -3, -2, -4, 0.5, -0.1, -5, 1);
  const a = z.map((v) => Math.max(0, v));
  assert.deepEqual(stuckUnits('relu', 'dead', z, a, rows, 3), [0], 'unit 0 is negative on all three rows; unit 1 is positive once, unit 2 twice');
  // σ′(4.3) = 0.0132 > 0.0125 > σ′(4.4) = 0.0121: the 5 % line falls between them.
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  assert.ok(sig(4.3) * (1 - sig(4.3)) > 0.0125 && sig(4.4) * (1 - sig(4.4)) < 0.0125);
  const zs = Float64Array.of(4.4, 4.3, -4.4, 4.4, -6, 0);
  assert.deepEqual(stuckUnits('sigmoid', 'saturated', zs, zs.map(sig), 2, 3), [0], 'unit 0 (4.4, 4.4); unit 1 has 4.3; unit 2 has 0');
  const zt = Float64Array.of(2.3, -2.3, 2.1);
  assert.deepEqual(stuckUnits('tanh', 'saturated', zt, zt.map(Math.tanh), 1, 3), [0, 1], "tanh′ = 1 − tanh² < 0.05 beyond |z| ≈ 2.19");
});

test('measureLayers: dead units, gradient and update ratios against figures computed here from the tensors themselves', () => {
  const l1 = Dense.fromWeights([[1, -1], [0.5, 0.5], [-2, 1]], [0, -10, 0.1], 'relu');
  const l2 = Dense.fromWeights([[1, 2, 3], [0, -1, 1]], [0.2, -0.2], 'softmax');
  const model = new Sequential([l1, l2]);
  const x = tensor([[1, 0], [0, 1], [2, 1], [-1, 3]]);
  const t = tensor([[1, 0], [0, 1], [1, 0], [0, 1]]);
  const pass = recordForward(model, 'cross_entropy', x, t);
  pass.backward();
  const before = snapshotParameters(model);
  const grads = model.parameters().map((p) => Array.from(p.grad!.data));
  new SGD(model.parameters(), { lr: 0.1 }).step();
  const trace = pass.layers.map((l) => ({ index: l.index, z: l.z, a: l.a, delta: l.z.grad }));
  const [h1, h2] = measureLayers(model, trace, { before, bins: 4 });
  // Unit 1 (bias −10) is negative on every row: dead. Units 0 and 2 are positive on some rows.
  assert.deepEqual([h1!.dead, h1!.stuckUnits, h1!.saturated], [1 / 3, [1], 0]);
  assert.equal(h2!.dead, 0, 'the output layer is not judged');
  const w1 = [l1.weight.data, l1.bias.data];
  assert.ok(Math.abs(h1!.weightNorm! - norm(w1)) < 1e-14);
  assert.ok(Math.abs(h1!.gradNorm! - norm(grads.slice(0, 2))) < 1e-14);
  assert.ok(Math.abs(h1!.gradRatio! - norm(grads.slice(0, 2)) / norm(w1)) < 1e-14);
  // SGD moves θ by −η·g: ‖Δθ‖ = 0.1·‖g‖.
  assert.ok(Math.abs(h2!.updateRatio! - (0.1 * norm(grads.slice(2))) / norm([l2.weight.data, l2.bias.data])) < 1e-14);
  const a1 = Array.from(pass.layers[0]!.a.data);
  const mean = a1.reduce((s, v) => s + v, 0) / a1.length;
  assert.ok(Math.abs(h1!.actMean! - mean) < 1e-14);
  assert.equal(h1!.histograms!.activations!.counts.reduce((s, c) => s + c, 0), 12);
  assert.equal(h1!.histograms!.weights!.counts.reduce((s, c) => s + c, 0), 9);
  assert.equal(h1!.histograms!.gradients!.counts.reduce((s, c) => s + c, 0), 9);
});

test("measureLayers reads the fused engine's step and the autograd engine's alike: the same figures", async () => {
  const data = iris();
  const run = async (autograd: boolean) => {
    const model = Sequential.mlp([4, 6, 3], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
    const trainer = await Trainer.create(model, data, { loss: 'cross_entropy', batchSize: 10, rng: new Rng(3), ...(autograd && { engine: (m, l) => new AutogradEngine(m, l) }) });
    trainer.step();
    const before = snapshotParameters(model);
    trainer.step();
    return measureLayers(model, trainer.lastTrace(), { before, bins: 8 });
  };
  const [fused, graph] = await Promise.all([run(false), run(true)]);
  assert.deepEqual(fused, graph);
  assert.ok(fused[0]!.updateRatio! > 0 && fused[0]!.actStd! > 0);
});

test('measureLayers without a trace (nothing kept) still measures the parameters', () => {
  const model = Sequential.mlp([2, 3, 1], { activation: 'tanh', output: 'sigmoid', rng: new Rng(2) });
  const [h] = measureLayers(model, null);
  assert.equal(h!.actMean, null);
  assert.equal(h!.gradNorm, null, 'no gradient yet');
  assert.ok(h!.weightNorm! > 0);
});

test('confirmStuck looks in eval mode: batch norm\'s running statistics and dropout\'s generator stay as they were (the monitor does not change the run it watches)', () => {
  const model = Sequential.mlp([2, 3, 1], { activation: 'relu', output: 'sigmoid', batchNorm: true, dropout: 0.5, rng: new Rng(3) });
  const x = tensor([[1, 2], [3, -1], [0.5, 0.25], [-2, 1]]);
  const before = model.namedBuffers().map(([, b]) => Array.from(b.data));
  const rngBefore = model.namedGenerators().map(([, g]) => g.getState());
  const layers = measureLayers(model, null, {}).map((l) => (l.activation === 'relu' ? { ...l, dead: 1, stuckUnits: [] } : l));
  confirmStuck(model, layers, x, 0.5);
  assert.ok(layers.some((l) => l.activation === 'relu'), 'a relu layer was looked at');
  assert.deepEqual(model.namedBuffers().map(([, b]) => Array.from(b.data)), before);
  assert.deepEqual(model.namedGenerators().map(([, g]) => g.getState()), rngBefore);
  assert.equal(model.training, true);
});
