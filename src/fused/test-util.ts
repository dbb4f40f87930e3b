// Helpers shared by the fused path's tests: models, data and the autograd reference.
import assert from 'node:assert/strict';
import { backward } from '../autograd/engine.js';
import { modelLoss } from '../nn/losses.js';
import type { LossName } from '../nn/losses.js';
import type { ActivationName } from '../nn/activations.js';
import { Sequential } from '../nn/sequential.js';
import type { DType, FloatArray } from '../tensor/dtype.js';
import { allocate } from '../tensor/dtype.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** A random MLP with normal(0, 0.7) weights and biases (so biases are not all zero). */
export function randomModel(sizes: number[], hidden: ActivationName, output: ActivationName, dtype: DType, seed: number): Sequential {
  const rng = new Rng(seed);
  const model = Sequential.mlp(sizes, { activation: hidden, output, init: 'zeros', rng, dtype });
  for (const p of model.parameters()) for (let i = 0; i < p.size; i++) p.data[i] = rng.normal(0, 0.7);
  return model;
}

/** Inputs (normal) and targets suited to the loss: one-hot rows for cross_entropy, [0, 1] for bce. */
export function randomBatch(rows: number, inputs: number, outputs: number, loss: LossName, dtype: DType, seed: number): { x: Tensor; t: Tensor } {
  const rng = new Rng(seed);
  const x = allocate(dtype, rows * inputs);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal(0, 1.5);
  const t = allocate(dtype, rows * outputs);
  for (let r = 0; r < rows; r++) {
    if (loss === 'cross_entropy') t[r * outputs + rng.int(outputs)] = 1;
    else for (let j = 0; j < outputs; j++) t[r * outputs + j] = loss === 'bce' ? (j % 3 === 0 ? j % 2 : rng.uniform()) : rng.normal(0, 1);
  }
  return { x: new Tensor(x, [rows, inputs]), t: new Tensor(t, [rows, outputs]) };
}

/** The autograd path's loss and gradients (fresh `.grad`s), in parameter order. */
export function autogradLossAndGrads(model: Sequential, loss: LossName, x: Tensor, t: Tensor): { loss: number; grads: FloatArray[] } {
  model.zeroGrad();
  const E = modelLoss(model, loss, x, t);
  backward(E);
  return { loss: E.item(), grads: model.parameters().map((p) => p.grad!.data.slice()) };
}

/** Largest |a − e|/|e| over the entries (0 when equal, NaN positions must match). */
export function maxRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(a) && Number.isNaN(e), `${what}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    if (a === e) continue;
    worst = Math.max(worst, Math.abs(a - e) / Math.abs(e));
  }
  return worst;
}

/** Largest |a − e| over the entries, divided by the largest |e| (a norm-wise relative error). */
export function normRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num = Math.max(num, Math.abs(actual[i]! - expected[i]!));
    den = Math.max(den, Math.abs(expected[i]!));
  }
  return den === 0 ? num : num / den;
}
