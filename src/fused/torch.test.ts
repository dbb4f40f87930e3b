// The fused dense path against PyTorch 1.13 float64 (test/fixtures/torch): the 22 gradient cases
// and the 10 training runs (every batch loss and the final weights), and fit() on the fused path
// against fit() on the autograd path.
import type { Dense } from '../nn/dense.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseDataJson } from '../data/json.js';
import { parseModelFile, type ModelFile } from '../io/model-file.js';
import { createOptimizer, type OptimizerSettings } from '../optim/create.js';
import type { OptimizerName } from '../optim/optimizer.js';
import { autogradEngine } from '../train/engine.js';
import { fit } from '../train/fit.js';
import { FusedDenseStack } from './stack.js';

const load = (name: string): { cases: unknown[] } =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/torch/${name}`, import.meta.url), 'utf8')) as { cases: unknown[] };

interface GradCase { name: string; model: ModelFile; input: number[][]; target: number[][]; loss: number; output: number[][]; gradients: { weights: number[][]; bias: number[] }[] }
interface TrainCase {
  name: string; model: ModelFile; data: { inputs: number[][]; targets: number[][] };
  optimizer: { name: OptimizerName } & OptimizerSettings; epochs: number; batchSize: number; shuffle: boolean;
  batchLosses: number[]; final: ModelFile;
}

/** |a − e| ≤ rtol·|e| + atol. */
function close(a: number, e: number, what: string, rtol: number, atol: number): void {
  assert.ok(Math.abs(a - e) <= rtol * Math.abs(e) + atol, `${what}: got ${a}, PyTorch ${e} (difference ${a - e})`);
}

function closeAll(a: ArrayLike<number>, e: readonly number[], what: string, rtol: number, atol: number): void {
  assert.equal(a.length, e.length, `${what}: length`);
  for (let i = 0; i < e.length; i++) close(a[i]!, e[i]!, `${what}[${i}]`, rtol, atol);
}

test('gradients of the 22 PyTorch cases (loss 1e-12, outputs 1e-12, gradients 1e-10 relative)', () => {
  const cases = load('grad-cases.json').cases as GradCase[];
  assert.equal(cases.length, 22);
  for (const c of cases) {
    const { model, loss } = parseModelFile(c.model);
    const stack = new FusedDenseStack(model, loss);
    const rows = c.input.length;
    const x = Float64Array.from(c.input.flat());
    const t = Float64Array.from(c.target.flat());
    close(stack.lossAndGrad(x, t, rows), c.loss, `${c.name} loss`, 1e-12, 1e-15);
    (model.layers as readonly Dense[]).forEach((layer, i) => {
      closeAll(layer.weight.grad!.data, c.gradients[i]!.weights.flat(), `${c.name} layer ${i} weights`, 1e-10, 1e-14);
      closeAll(layer.bias.grad!.data, c.gradients[i]!.bias, `${c.name} layer ${i} bias`, 1e-10, 1e-14);
    });
    closeAll(stack.forward(x, rows).subarray(0, rows * stack.outputs), c.output.flat(), `${c.name} output`, 1e-12, 1e-15);
  }
});

test('the 10 PyTorch training runs: every batch loss and the final weights (1e-11 relative)', () => {
  const cases = load('train-cases.json').cases as TrainCase[];
  assert.equal(cases.length, 10);
  for (const c of cases) {
    const { model, loss } = parseModelFile(c.model);
    const { name, ...settings } = c.optimizer;
    const opt = createOptimizer(name, model.parameters(), settings);
    const stack = new FusedDenseStack(model, loss, { maxBatch: c.batchSize });
    const n = c.data.inputs.length;
    const width = c.data.inputs[0]!.length;
    const outs = c.data.targets[0]!.length;
    const x = Float64Array.from(c.data.inputs.flat());
    const t = Float64Array.from(c.data.targets.flat());
    assert.equal(c.shuffle, false);
    const losses: number[] = [];
    for (let e = 0; e < c.epochs; e++) {
      for (let start = 0; start < n; start += c.batchSize) {
        const rows = Math.min(c.batchSize, n - start);
        losses.push(stack.lossAndGrad(x.subarray(start * width), t.subarray(start * outs), rows));
        opt.step();
      }
    }
    closeAll(losses, c.batchLosses, `${c.name} batch losses`, 1e-11, 1e-14);
    const final = parseModelFile(c.final).model;
    model.parameters().forEach((p, i) => closeAll(p.data, Array.from(final.parameters()[i]!.data), `${c.name} final ${p.name}`, 1e-11, 1e-14));
  }
});

test('fit() takes the fused path by default and ends bit-identical to fit() on the autograd graph', async () => {
  const c = (load('train-cases.json').cases as TrainCase[]).find((k) => k.optimizer.name === 'adam')!;
  const run = async (engine: 'default' | 'autograd'): Promise<{ weights: Float64Array[]; losses: number[] }> => {
    const { model, loss } = parseModelFile(c.model);
    const { name, ...settings } = c.optimizer;
    const optimizer = createOptimizer(name, model.parameters(), settings);
    const losses: number[] = [];
    await fit(model, parseDataJson(c.data), {
      loss, optimizer, epochs: 4, batchSize: 3,
      ...(engine === 'autograd' ? { engine: autogradEngine } : {}),
      callbacks: [{ onBatchEnd: (b) => void losses.push(b.loss) }],
    });
    return { weights: model.parameters().map((p) => p.data as Float64Array), losses };
  };
  // NOTE: count the fused steps by wrapping the prototype method for the duration of the runs.
  const original = FusedDenseStack.prototype.lossAndGrad;
  let fusedCalls = 0;
  FusedDenseStack.prototype.lossAndGrad = function (this: FusedDenseStack, ...args) {
    fusedCalls++;
    return original.apply(this, args);
  };
  let fused: Awaited<ReturnType<typeof run>>;
  let graph: Awaited<ReturnType<typeof run>>;
  try {
    fused = await run('default');
    assert.equal(fusedCalls, fused.losses.length, 'every step of the default fit ran on the fused path');
    graph = await run('autograd');
    assert.equal(fusedCalls, fused.losses.length, 'the autograd engine does not use the fused path');
  } finally {
    FusedDenseStack.prototype.lossAndGrad = original;
  }
  assert.deepEqual(fused.losses, graph.losses);
  fused.weights.forEach((w, i) => assert.deepEqual(w, graph.weights[i]));
});
