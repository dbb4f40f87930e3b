// Batch norm, layer norm, dropout and L1/L2 penalties against PyTorch 1.13 (test/fixtures/torch/
// norm-cases.json, scripts/fixtures/norm_cases.py): each layer alone (outputs, every gradient,
// running statistics after several steps, eval-mode outputs), whole networks mixing them with dense
// layers (loss, outputs, every parameter's gradient, buffers), and training runs with every
// optimizer and the penalties — dropout masks replayed from PyTorch's, whose random stream differs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { activate, lossFromLogits, mul, noGrad, sum, tensor } from '../src/index.js';
import { parseDataJson } from '../src/data/json.js';
import { parseModelFile, toModelFile, type ModelFile } from '../src/io/model-file.js';
import { BatchNorm1d } from '../src/nn/batch-norm.js';
import { Dropout } from '../src/nn/dropout.js';
import { LayerNorm } from '../src/nn/layer-norm.js';
import type { Layer } from '../src/nn/layer.js';
import type { Sequential } from '../src/nn/sequential.js';
import { createOptimizer, type OptimizerSettings } from '../src/optim/create.js';
import type { OptimizerName } from '../src/optim/optimizer.js';
import { fit } from '../src/train/fit.js';
import { evaluate } from '../src/train/metrics.js';

type Nested = number | Nested[];
interface LayerCase {
  name: string;
  kind: 'batch_norm' | 'layer_norm' | 'dropout';
  settings: { eps?: number; momentum?: number | null; affine?: boolean; elementwise_affine?: boolean; p?: number };
  mode: 'train' | 'eval';
  parameters: Record<string, number[]>;
  before: { input: number[][]; running_mean: number[]; running_var: number[]; num_batches_tracked: number }[];
  input: number[][];
  upstream: number[][];
  mask?: number[][];
  output: number[][];
  inputGrad: number[][];
  parameterGrads: Record<string, number[]>;
  buffers?: { running_mean: number[]; running_var: number[]; num_batches_tracked: number };
  eval?: { input: number[][]; output: number[][] };
}
interface NetworkCase {
  name: string;
  model: ModelFile;
  input: number[][];
  target: number[][];
  masks: Record<string, number[][]>;
  loss: number;
  output: number[][];
  gradients: Record<string, Nested>[];
  after: ModelFile;
  evalOutput: number[][];
}
interface TrainingCase {
  name: string;
  model: ModelFile;
  data: { inputs: number[][]; targets: number[][] };
  optimizer: OptimizerSettings & { name: OptimizerName };
  penalty: { l1: number; l2: number };
  epochs: number;
  batchSize: number;
  masks: Record<string, number[][]>[];
  batchLosses: number[];
  epochLosses: number[];
  final: ModelFile;
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/torch/norm-cases.json', import.meta.url), 'utf8')) as { layers: LayerCase[]; networks: NetworkCase[]; training: TrainingCase[] };

/** Largest |a − b| / max(1, |b|) over two nested arrays of the same shape. */
function worst(actual: Nested, expected: Nested, path = ''): { err: number; at: string } {
  if (typeof expected === 'number') {
    const a = actual as number;
    return { err: Math.abs(a - expected) / Math.max(1, Math.abs(expected)), at: `${path}: ${a} vs PyTorch ${expected}` };
  }
  assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: shape differs`);
  let w = { err: 0, at: '' };
  expected.forEach((e, i) => {
    const c = worst((actual as Nested[])[i]!, e, `${path}[${i}]`);
    if (c.err > w.err || Number.isNaN(c.err)) w = c;
  });
  return w;
}

function close(actual: Nested, expected: Nested, what: string, tol = 1e-12): void {
  const w = worst(actual, expected, what);
  assert.ok(w.err <= tol, `${w.at} (relative ${w.err})`);
}

const flat = (m: number[][]): number[] => m.flat();

for (const c of fixtures.layers) {
  test(`${c.kind} against PyTorch: ${c.name}`, () => {
    const f = c.input[0]!.length;
    const s = c.settings;
    const layer: Layer =
      c.kind === 'batch_norm'
        ? new BatchNorm1d(f, { ...(s.eps !== undefined && { eps: s.eps }), ...(s.momentum !== undefined && { momentum: s.momentum }), ...(s.affine !== undefined && { affine: s.affine }) })
        : c.kind === 'layer_norm'
          ? new LayerNorm(f, { ...(s.eps !== undefined && { eps: s.eps }), ...(s.elementwise_affine !== undefined && { elementwiseAffine: s.elementwise_affine }) })
          : new Dropout(f, { p: s.p! });
    const params = new Map(layer.namedParameters());
    for (const [name, values] of Object.entries(c.parameters)) params.get(name)!.data.set(values);
    assert.deepEqual([...params.keys()], Object.keys(c.parameters));
    for (const [k, b] of c.before.entries()) {
      noGrad(() => layer.forward(tensor(b.input)));
      const bn = layer as BatchNorm1d;
      close([...bn.runningMean.data], b.running_mean, `running_mean after step ${k + 1}`);
      close([...bn.runningVar.data], b.running_var, `running_var after step ${k + 1}`);
      assert.equal(bn.numBatchesTracked.item(), b.num_batches_tracked);
    }
    if (c.mask) (layer as Dropout).setMask(flat(c.mask));
    layer.train(c.mode === 'train');
    const x = tensor(c.input, { requiresGrad: true });
    const y = layer.forward(x);
    sum(mul(y, tensor(c.upstream))).backward();
    close(y.to2D(), c.output, 'output');
    close(x.grad!.to2D(), c.inputGrad, '∂E/∂x');
    for (const [name, g] of Object.entries(c.parameterGrads)) close([...params.get(name)!.grad!.data], g, `∂E/∂${name}`);
    if (c.buffers) {
      const bn = layer as BatchNorm1d;
      close([...bn.runningMean.data], c.buffers.running_mean, 'running_mean');
      close([...bn.runningVar.data], c.buffers.running_var, 'running_var');
      assert.equal(bn.numBatchesTracked.item(), c.buffers.num_batches_tracked);
    }
    if (c.eval) close(noGrad(() => layer.eval().forward(tensor(c.eval!.input))).to2D(), c.eval.output, 'eval-mode output');
  });
}

/** Each dropout layer replays the mask PyTorch used (by layer index). */
function setMasks(model: Sequential, masks: Record<string, number[][]>): void {
  for (const [index, mask] of Object.entries(masks)) (model.layers[Number(index)] as Dropout).setMask(flat(mask));
}

for (const c of fixtures.networks) {
  test(`a network against PyTorch in training mode, then eval mode: ${c.name}`, () => {
    const { model, loss } = parseModelFile(c.model);
    setMasks(model, c.masks);
    model.train();
    const x = tensor(c.input);
    const t = tensor(c.target);
    const z = model.forwardLogits(x);
    const E = lossFromLogits(loss, model.outputActivation, z, t);
    E.backward();
    close(E.item(), c.loss, 'loss');
    close(noGrad(() => activate(model.outputActivation, z)).to2D(), c.output, 'output');
    model.layers.forEach((layer, i) => {
      const grads = c.gradients[i]!;
      assert.deepEqual(layer.namedParameters().map(([n]) => n), Object.keys(grads), `layer ${i} parameters`);
      for (const [name, p] of layer.namedParameters()) close(p.grad!.toArray() as Nested, grads[name]!, `layers[${i}] ∂E/∂${name}`);
    });
    close(strip(toModelFile(model, loss).layers), strip(c.after.layers), 'the model file after the step (running statistics)');
    close(noGrad(() => model.eval().forward(x)).to2D(), c.evalOutput, 'eval-mode output');
  });
}

for (const c of fixtures.training) {
  test(`training with L1/L2 penalties against PyTorch: ${c.name}`, async () => {
    const { model, loss } = parseModelFile(c.model);
    const { name, ...settings } = c.optimizer;
    const optimizer = createOptimizer(name, model.parameters(), settings);
    const data = parseDataJson(c.data);
    const batchLosses: number[] = [];
    const epochLosses: number[] = [];
    let step = 0;
    setMasks(model, c.masks[0]!);
    await fit(model, data, {
      loss,
      optimizer,
      epochs: c.epochs,
      batchSize: c.batchSize,
      shuffle: false,
      penalty: c.penalty,
      callbacks: [{
        onBatchEnd: (b) => {
          batchLosses.push(b.loss);
          step++;
          if (step < c.masks.length) setMasks(model, c.masks[step]!);
        },
        onEpochEnd: () => void epochLosses.push(evaluate(model, loss, data).loss),
      }],
    });
    assert.equal(step, c.masks.length);
    // NOTE: the bias of a linear dense layer that feeds batch norm has a gradient of exactly 0 in
    // theory (the normalisation subtracts any shift again); both libraries compute round-off there
    // (~1e-16, signs differing), which SGD leaves as round-off but Adam and RMSprop divide by its own
    // size (up to 1/ε = 1e8). Such a bias and the running mean it shifts are compared to 1e-6, and
    // the eval-mode losses to 1e-7.
    const redundant = model.layers.map((l, i) => l.kind === 'dense' && l.endsWith === 'linear' && model.layers[i + 1]?.kind === 'batch_norm');
    const adaptive = c.optimizer.name !== 'sgd' && redundant.some(Boolean);
    close(batchLosses, c.batchLosses, 'batch losses (penalty included)', 1e-11);
    close(epochLosses, c.epochLosses, 'epoch losses (eval mode, the loss alone)', adaptive ? 1e-7 : 1e-11);
    const got = toModelFile(model, loss).layers;
    const want = c.final.layers;
    got.forEach((layer, i) => {
      const mine = layer as unknown as Record<string, unknown>;
      const theirs = want[i] as unknown as Record<string, unknown>;
      assert.deepEqual(Object.keys(mine), Object.keys(theirs), `layers[${i}] fields`);
      for (const [field, v] of Object.entries(mine)) {
        if (typeof v === 'string' || typeof v === 'boolean' || v === null) {
          assert.equal(v, theirs[field], `layers[${i}].${field}`);
          continue;
        }
        const follows = (field === 'bias' && redundant[i]) || (field === 'running_mean' && redundant[i - 1]);
        close(v as Nested, theirs[field] as Nested, `the trained layers[${i}].${field}`, adaptive && follows ? 1e-6 : 1e-10);
      }
    });
  });
}

/** Layers without their non-numeric fields, as nested numbers. */
function strip(layers: readonly unknown[]): Nested {
  return layers.map((l) => Object.entries(l as Record<string, unknown>).filter(([, v]) => typeof v === 'number' || Array.isArray(v)).map(([, v]) => v as Nested));
}

test('the fixture file covers every layer kind, both modes and every optimizer', () => {
  assert.deepEqual(new Set(fixtures.layers.map((c) => c.kind)), new Set(['batch_norm', 'layer_norm', 'dropout']));
  assert.deepEqual(new Set(fixtures.layers.map((c) => c.mode)), new Set(['train', 'eval']));
  assert.deepEqual(new Set(fixtures.training.map((c) => c.optimizer.name)), new Set(['sgd', 'rmsprop', 'adam', 'adamw']));
  const kinds = new Set(fixtures.networks.flatMap((c) => c.model.layers.map((l) => l.type)));
  assert.deepEqual(kinds, new Set(['dense', 'batch_norm', 'layer_norm', 'activation', 'dropout']));
  assert.ok(fixtures.training.some((c) => c.penalty.l1 > 0) && fixtures.training.some((c) => c.penalty.l2 > 0));
});
