// fit() against PyTorch 1.13 training runs (test/fixtures/torch/train-cases.json): the same batches in
// order, one step per batch, every batch loss, every epoch loss and the final weights.
import type { Dense } from '../src/nn/dense.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDataJson } from '../src/data/json.js';
import { parseModelFile } from '../src/io/model-file.js';
import { createOptimizer, type OptimizerSettings } from '../src/optim/create.js';
import type { OptimizerName } from '../src/optim/optimizer.js';
import { fit } from '../src/train/fit.js';

interface Case {
  name: string;
  model: unknown;
  final: { layers: { weights: number[][]; bias: number[] }[] };
  data: { inputs: number[][]; targets: number[][] };
  optimizer: OptimizerSettings & { name: OptimizerName };
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  batchLosses: number[];
  epochLosses: number[];
}

const cases = (JSON.parse(readFileSync(new URL('./fixtures/torch/train-cases.json', import.meta.url), 'utf8')) as { cases: Case[] }).cases;

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-11 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs PyTorch ${expected}`);
}

for (const c of cases) {
  test(`fit reproduces PyTorch: ${c.name}`, async () => {
    const { model, loss } = parseModelFile(c.model);
    const { name, ...settings } = c.optimizer;
    const optimizer = createOptimizer(name, model.parameters(), settings);
    const batchLosses: number[] = [];
    const result = await fit(model, parseDataJson(c.data), {
      loss,
      optimizer,
      epochs: c.epochs,
      batchSize: c.batchSize,
      shuffle: c.shuffle,
      // NOTE: the fixture's epoch loss is PyTorch's loss on all rows after the epoch.
      trainMetrics: true,
      callbacks: [{ onBatchEnd: (b) => void batchLosses.push(b.loss) }],
    });
    assert.equal(batchLosses.length, c.batchLosses.length);
    batchLosses.forEach((v, i) => close(v, c.batchLosses[i]!, `batch loss ${i}`));
    assert.equal(result.history.length, c.epochs);
    result.history.series('loss').forEach((v, i) => close(v, c.epochLosses[i]!, `epoch ${i + 1} loss`));
    (model.layers as readonly Dense[]).forEach((l, i) => {
      l.weight.to2D().forEach((row, r) => row.forEach((v, k) => close(v, c.final.layers[i]!.weights[r]![k]!, `layers[${i}].weights[${r}][${k}]`)));
      l.bias.to1D().forEach((v, k) => close(v, c.final.layers[i]!.bias[k]!, `layers[${i}].bias[${k}]`));
    });
  });
}
