// The engine against PyTorch 1.13 float64 (fixtures in test/fixtures/torch, made by
// scripts/fixtures/make_torch_core.py): gradients of 22 networks, 10 training runs, elementwise
// values and derivatives, optimizer trajectories.
import type { Dense } from '../src/nn/dense.js';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  createOptimizer, elu, erf, gelu, leakyRelu, logSoftmax, modelLoss, noGrad, parseModelFile, relu, sigmoid,
  softmax, softplus, tanh, tensor, Tensor, type ModelFile, type OptimizerName, type OptimizerSettings,
} from '../src/index.js';
import { trainEpoch } from '../src/train/epoch.js';
import { assertAllClose, assertClose } from './helpers/close.js';

const load = (name: string): any => JSON.parse(readFileSync(new URL(`./fixtures/torch/${name}`, import.meta.url), 'utf8'));

interface GradCase { name: string; model: ModelFile; input: number[][]; target: number[][]; loss: number; output: number[][]; gradients: { weights: number[][]; bias: number[] }[] }
interface TrainCase {
  name: string; model: ModelFile; data: { inputs: number[][]; targets: number[][] };
  optimizer: { name: OptimizerName } & OptimizerSettings; epochs: number; batchSize: number;
  epochLosses: number[]; batchLosses: number[]; final: ModelFile;
}

const gradCases = load('grad-cases.json').cases as GradCase[];
for (const c of gradCases) {
  test(`gradients agree with PyTorch: ${c.name}`, () => {
    const { model, loss } = parseModelFile(c.model);
    const x = tensor(c.input);
    const t = tensor(c.target);
    const E = modelLoss(model, loss, x, t);
    assertClose(E.item(), c.loss, 'loss');
    E.backward();
    assertAllClose(noGrad(() => model.forward(x)).to2D(), c.output, 'output', 1e-12, 1e-15);
    (model.layers as readonly Dense[]).forEach((layer, i) => {
      assertAllClose(layer.weight.grad!.to2D(), c.gradients[i]!.weights, `layer ${i} weights`, 1e-10, 1e-14);
      assertAllClose(layer.bias.grad!.to1D(), c.gradients[i]!.bias, `layer ${i} bias`, 1e-10, 1e-14);
    });
  });
}

const trainCases = load('train-cases.json').cases as TrainCase[];
for (const c of trainCases) {
  test(`training trajectory agrees with PyTorch: ${c.name}`, () => {
    const { model, loss } = parseModelFile(c.model);
    const { name, ...settings } = c.optimizer;
    const opt = createOptimizer(name, model.parameters(), settings);
    const x = tensor(c.data.inputs);
    const t = tensor(c.data.targets);
    const batchLosses: number[] = [];
    const epochLosses: number[] = [];
    for (let e = 0; e < c.epochs; e++) {
      batchLosses.push(...trainEpoch(model, loss, opt, x, t, c.batchSize));
      epochLosses.push(noGrad(() => modelLoss(model, loss, x, t).item()));
    }
    assertAllClose(batchLosses, c.batchLosses, 'batch losses', 1e-11);
    assertAllClose(epochLosses, c.epochLosses, 'epoch losses', 1e-11);
    const final = parseModelFile(c.final).model;
    (model.layers as readonly Dense[]).forEach((layer, i) => {
      assertAllClose(layer.weight.to2D(), (final.layers as readonly Dense[])[i]!.weight.to2D(), `final layer ${i} weights`, 1e-11, 1e-14);
      assertAllClose(layer.bias.to1D(), (final.layers as readonly Dense[])[i]!.bias.to1D(), `final layer ${i} bias`, 1e-11, 1e-14);
    });
  });
}

const ops = load('ops-cases.json');
const unary: Record<string, (t: Tensor) => Tensor> = { sigmoid, tanh, relu, leaky_relu: (t) => leakyRelu(t), elu: (t) => elu(t), gelu, softplus };
for (const [name, fn] of Object.entries(unary)) {
  test(`${name}: value and derivative agree with PyTorch and with 60-digit references`, () => {
    const f = ops.functions[name];
    const x = tensor(f.x, { requiresGrad: true });
    const y = fn(x);
    y.backward(tensor(f.x.map(() => 1)));
    // PyTorch's own numbers, absolutely (it loses relative accuracy in the tails) …
    assertAllClose(y.to1D(), f.value, `${name}(x) vs torch`, 1e-13, 1e-15);
    assertAllClose(x.grad!.to1D(), f.grad, `${name}'(x) vs torch`, 1e-13, 1e-15);
    // … and the exact values, relatively where they are not tiny.
    assertAllClose(y.to1D(), f.valueExact, `${name}(x) vs exact`, 1e-13, 1e-15);
  });
}

test('erf agrees with the 60-digit reference to 2 ulp', () => {
  const f = ops.functions.erf;
  f.x.forEach((x: number, i: number) => assertClose(erf(x), f.valueExact[i], `erf(${x})`, 4.5e-16, 0));
});

test('softmax and log-softmax of large logits, with their Jacobians', () => {
  for (const row of ops.rows) {
    const n = row.input.length;
    assertAllClose(softmax(tensor([row.input])).to2D()[0], row.softmax, 'softmax', 1e-13, 1e-300);
    assertAllClose(logSoftmax(tensor([row.input])).to2D()[0], row.logSoftmax, 'logSoftmax', 1e-13, 1e-13);
    for (let i = 0; i < n; i++) {
      for (const [fn, key] of [[softmax, 'softmaxJacobian'], [logSoftmax, 'logSoftmaxJacobian']] as const) {
        const x = tensor([row.input], { requiresGrad: true });
        const seed = new Array(n).fill(0);
        seed[i] = 1;
        fn(x).backward(tensor([seed]));
        assertAllClose(x.grad!.to2D()[0], row[key][i], `${key}[${i}]`, 1e-12, 1e-15);
      }
    }
  }
});

test('optimizer trajectories of one parameter agree with torch.optim step by step', () => {
  for (const o of ops.optimizers) {
    const p = tensor(o.initial, { requiresGrad: true });
    const { name, ...settings } = o.optimizer;
    const opt = createOptimizer(name, [p], settings);
    o.grads.forEach((g: number[], k: number) => {
      p.grad = tensor(g);
      opt.step();
      assertAllClose(p.to1D(), o.params[k], `${o.name} step ${k + 1}`, 1e-13, 1e-15);
    });
  }
});
