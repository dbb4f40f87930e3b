// The seed notebook's figures (../shared/seed/expected.json), reproduced by the engine to 1e-12.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dense, modelLoss, noGrad, Sequential, SGD, tensor } from '../src/index.js';
import { seedExpected } from './helpers/seed.js';

const E = seedExpected();

function seedModel(): Sequential {
  return new Sequential([
    Dense.fromWeights(E.weights.W1, E.weights.b1, 'sigmoid'),
    Dense.fromWeights(E.weights.W2, E.weights.b2, 'sigmoid'),
  ]);
}

function close(actual: number, expected: number, what: string, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected}`);
}

function closeAll(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) close(actual[i]!, expected[i]!, `${what}[${i}]`);
}

test('forward pass: g, h, z, y and the cost E', () => {
  const model = seedModel();
  const x = tensor(E.input);
  const t = tensor(E.target);
  noGrad(() => {
    const [l1, l2] = model.layers as [Dense, Dense];
    const g = l1.preActivation(x);
    const h = l1.forward(x);
    const z = l2.preActivation(h);
    const y = l2.forward(h);
    closeAll(g.data, E.forward.g, 'g');
    closeAll(h.data, E.forward.h, 'h');
    closeAll(z.data, E.forward.z, 'z');
    closeAll(y.data, E.forward.y, 'y');
    close(modelLoss(model, 'sse', x, t).item(), E.forward.E, 'E');
  });
});

test('all 12 gradients, the notebook names and bb2 as the sum of two bias gradients', () => {
  const model = seedModel();
  const loss = modelLoss(model, 'sse', tensor(E.input), tensor(E.target));
  loss.backward();
  const [l1, l2] = model.layers as [Dense, Dense];
  closeAll(l1.weight.grad!.data, E.gradients.W1.flat(), 'dE/dW1');
  closeAll(l1.bias.grad!.data, E.gradients.b1, 'dE/db1');
  closeAll(l2.weight.grad!.data, E.gradients.W2.flat(), 'dE/dW2');
  closeAll(l2.bias.grad!.data, E.gradients.b2, 'dE/db2');
  const W2 = l2.weight.grad!;
  close(W2.get(0, 0), E.notebook.bw41, 'bw41');
  close(W2.get(1, 0), E.notebook.bw42, 'bw42');
  close(W2.get(0, 1), E.notebook.bw51, 'bw51');
  close(W2.get(1, 1), E.notebook.bw52, 'bw52');
  close(l2.bias.grad!.data[0]! + l2.bias.grad!.data[1]!, E.notebook.bb2_sum, 'bb2');
  closeAll(l2.bias.grad!.data, E.deltaOutput, 'delta output');
});

test('gradient descent (lr 0.5): cost and outputs at steps 1, 10, 100 and 1000', () => {
  const model = seedModel();
  const x = tensor(E.input);
  const t = tensor(E.target);
  const opt = new SGD(model.parameters(), { lr: E.sgd.lr });
  for (let step = 1; step <= 1000; step++) {
    opt.zeroGrad();
    const loss = modelLoss(model, 'sse', x, t);
    const before = loss.item();
    loss.backward();
    opt.step();
    const check = E.sgd.afterSteps[String(step)];
    if (check !== undefined) {
      close(before, check.lossBeforeStep, `loss before step ${step}`);
      noGrad(() => {
        close(modelLoss(model, 'sse', x, t).item(), check.lossAfterStep, `loss after step ${step}`);
        closeAll(model.forward(x).data, check.outputAfterStep, `output after step ${step}`);
      });
    }
  }
});

