// Every activation of the table against PyTorch 1.13 float64 (test/fixtures/torch/activation-cases.json,
// made by scripts/fixtures/activation_cases.py): in a hidden layer and as the output, loss, outputs
// and every gradient through both engines (autograd and the fused path), and six Adam steps through
// the Trainer. An activation added to the table without its fixture fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ACTIVATIONS, Adam, modelLoss, noGrad, parseModelFile, tensor, Trainer, type ModelFile } from '../src/index.js';
import { FusedDenseStack } from '../src/fused/stack.js';
import { assertAllClose, assertClose } from './helpers/close.js';

interface GradCase { model: ModelFile; input: number[][]; target: number[][]; loss: number; output: number[][]; gradients: { weights: number[][]; bias: number[] }[] }
interface AdamCase { model: ModelFile; input: number[][]; target: number[][]; lr: number; losses: number[]; final: ModelFile }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch/activation-cases.json', import.meta.url), 'utf8')) as {
  activations: Record<string, { hidden?: GradCase; output: GradCase; adam?: AdamCase }>;
};

/** Gradients of every parameter, layer by layer, as [weights, bias]. */
function grads(model: ReturnType<typeof parseModelFile>['model']): { weights: number[][]; bias: number[] }[] {
  const out: { weights: number[][]; bias: number[] }[] = [];
  const named = model.namedParameters();
  for (let i = 0; i < named.length; i += 2) out.push({ weights: named[i]![1].grad!.to2D(), bias: named[i + 1]![1].grad!.to1D() });
  return out;
}

function check(c: GradCase, what: string): void {
  for (const engine of ['autograd', 'fused'] as const) {
    const { model, loss } = parseModelFile(c.model);
    const x = tensor(c.input);
    const t = tensor(c.target);
    let E: number;
    if (engine === 'autograd') {
      const e = modelLoss(model, loss, x, t);
      E = e.item();
      e.backward();
    } else {
      E = new FusedDenseStack(model, loss, { maxBatch: c.input.length }).lossAndGrad(x.data, t.data, c.input.length);
    }
    assertClose(E, c.loss, `${what} (${engine}) loss`);
    assertAllClose(noGrad(() => model.forward(x)).to2D(), c.output, `${what} output`, 1e-12, 1e-15);
    grads(model).forEach((g, i) => {
      assertAllClose(g.weights, c.gradients[i]!.weights, `${what} (${engine}) layer ${i} weights`, 1e-10, 1e-14);
      assertAllClose(g.bias, c.gradients[i]!.bias, `${what} (${engine}) layer ${i} bias`, 1e-10, 1e-14);
    });
  }
}

test('every activation of the table has its PyTorch fixture', () => {
  assert.deepEqual(Object.keys(fixture.activations).sort(), [...ACTIVATIONS].sort());
});

for (const name of ACTIVATIONS) {
  test(`${name} agrees with PyTorch: hidden and output layer, both engines, six Adam steps`, async () => {
    const entry = fixture.activations[name];
    assert.ok(entry !== undefined, `no fixture for ${name}: run /usr/bin/python3 scripts/fixtures/activation_cases.py`);
    if (entry.hidden) check(entry.hidden, `${name} hidden`);
    check(entry.output, `${name} output`);
    if (entry.adam) {
      const c = entry.adam;
      const { model, loss } = parseModelFile(c.model);
      const x = Float64Array.from(c.input.flat());
      const y = Float64Array.from(c.target.flat());
      const data = { x, y, rows: c.input.length, inputSize: c.input[0]!.length, outputSize: c.target[0]!.length, task: 'regression' as const };
      const trainer = await Trainer.create(model, data, { loss, optimizer: new Adam(model.parameters(), { lr: c.lr }), batchSize: c.input.length, shuffle: false });
      c.losses.forEach((want, i) => assertClose(trainer.step().loss, want, `${name} Adam loss before step ${i + 1}`));
      const final = parseModelFile(c.final).model;
      const mine = model.parameters();
      final.parameters().forEach((p, i) => assertAllClose(Array.from(mine[i]!.data), Array.from(p.data), `${name} Adam parameters ${i}`, 1e-11, 1e-14));
    }
  });
}
