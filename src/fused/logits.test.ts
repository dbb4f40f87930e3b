// evaluate's logits through the fused forward pass (logits.ts) against the autograd path's
// `model.forwardLogits`: the same bits, for both dtypes, on and off the kernels' threads, over
// several blocks of rows and a ragged last one; models without a fused form keep the autograd path.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { datasetFromArrays } from '../data/arrays.js';
import { initKernels, shutdownKernels } from '../kernels/kernel-state.js';
import type { ActivationName } from '../nn/activations.js';
import { lossFromLogits, type LossName } from '../nn/losses.js';
import { noGrad } from '../autograd/node.js';
import { Sequential } from '../nn/sequential.js';
import { Rng } from '../tensor/rng.js';
import { evaluate, toTensorData } from '../train/metrics.js';
import { fusedLogits } from './logits.js';
import { randomBatch, randomModel } from './test-util.js';

before(async () => {
  assert.equal((await initKernels({ threads: 2 })).threads, 2);
});
after(() => shutdownKernels());

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
};

test('fused logits are model.forwardLogits bit for bit: both dtypes, every layer size path, 2,500 rows in blocks', () => {
  const cases: Array<[number[], ActivationName, ActivationName, LossName]> = [
    [[300, 128, 64, 10], 'relu', 'softmax', 'cross_entropy'], // kernel-sized: jobs on the threads, epilogues on the tiles
    [[20, 16, 3], 'tanh', 'sigmoid', 'bce'], // small products on the calling thread
    [[50, 40, 7], 'gelu', 'linear', 'mse'],
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [sizes, hidden, output, loss] of cases) {
      const model = randomModel(sizes, hidden, output, dtype, 5);
      const { x } = randomBatch(2500, sizes[0]!, sizes[sizes.length - 1]!, loss, dtype, 6);
      const want = model.withMode(false, () => model.forwardLogits(x)).data;
      const got = fusedLogits(model, loss, x.data, 2500);
      assert.ok(got !== null, `${dtype} ${sizes.join('-')}: fused`);
      assert.equal(sameBits(got!, want), -1, `${dtype} ${sizes.join('-')} ${hidden}/${output}: logits`);
      // again, from the kept stack, after the weights changed
      model.parameters()[0]!.data[3] = 0.25;
      const want2 = model.withMode(false, () => model.forwardLogits(x)).data;
      assert.equal(sameBits(fusedLogits(model, loss, x.data, 2500)!, want2), -1, `${dtype} ${sizes.join('-')}: after a weight changed`);
    }
  }
});

test('evaluate takes the fused logits where the model has them, and the autograd path (batch norm) where not', () => {
  const rng = new Rng(8);
  const rows = 1500;
  const x = Array.from({ length: rows }, () => Array.from({ length: 30 }, () => rng.normal()));
  const labels = Array.from({ length: rows }, (_, i) => Array.from({ length: 4 }, (_, j) => (j === i % 4 ? 1 : 0)));
  const data = datasetFromArrays(x, labels, { task: 'classification' });
  for (const dtype of ['float32', 'float64'] as const) {
    const dense = Sequential.mlp([30, 64, 4], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype });
    const td = toTensorData(data, dtype);
    const m = evaluate(dense, 'cross_entropy', td);
    // the autograd path's numbers: its logits, the loss on them, the predicted classes
    const z = dense.withMode(false, () => noGrad(() => dense.forwardLogits(td.x)));
    const loss = noGrad(() => lossFromLogits('cross_entropy', dense.outputActivation, z, td.t).item());
    assert.ok(Object.is(m.loss, loss), `${dtype}: loss ${m.loss} vs ${loss}`);
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < 4; j++) if (z.data[r * 4 + j]! > z.data[r * 4 + best]!) best = j;
      if (best === r % 4) correct++;
    }
    assert.equal(m.classification!.accuracy, correct / rows, `${dtype}: accuracy`);
    const normed = Sequential.mlp([30, 64, 4], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype, batchNorm: true });
    assert.equal(fusedLogits(normed, 'cross_entropy', td.x.data, rows), null, 'batch norm: no fused form');
    assert.ok(Number.isFinite(evaluate(normed, 'cross_entropy', td).loss));
  }
});
