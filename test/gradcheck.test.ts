// Every op, activation and loss against a float64 central-difference gradient check, through one
// table-driven helper, with kinks and extremes (relu at 0, sigmoid at ±400, softmax of large logits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  abs, add, bce, clip, crossEntropy, div, elu, exp, gatherRows, gelu, gradcheck, leakyRelu, log, logSoftmax, matmul, max,
  maximum, mean, minimum, mse, mul, neg, pow, relu, reshape, Rng, sigmoid, sigmoidBinaryCrossEntropy, sliceRows, softmax,
  softmaxCrossEntropy, softplus, sqrt, sse, sub, sum, tanh, tensor, transpose, Tensor, type NestedArray,
} from '../src/index.js';

interface Case {
  name: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: NestedArray[];
  /** Inputs that are constants (targets): no gradient is checked for them. */
  constants?: number[];
  atol?: number;
}

const rng = new Rng(7);
const r = (rows: number, cols: number, scale = 1): number[][] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal(0, scale)));
const extremes = [-400, -30, -5, -2, -0.5, 0.25, 2, 5, 30, 400];
const moderate = [-5, -2, -0.7, 0.3, 2, 5];

const cases: Case[] = [
  { name: 'add (broadcast row)', fn: add, inputs: [r(3, 4), r(1, 4)[0]!] },
  { name: 'add (broadcast column)', fn: add, inputs: [r(3, 4), r(3, 1)] },
  { name: 'sub (broadcast scalar)', fn: sub, inputs: [r(2, 3), [[0.5]]] },
  { name: 'mul (broadcast)', fn: mul, inputs: [r(2, 3), r(2, 1)] },
  { name: 'div', fn: div, inputs: [r(2, 3), [[1.5, -2, 3], [0.7, 4, -1.2]]] },
  { name: 'neg', fn: neg, inputs: [r(2, 2)] },
  { name: 'pow (tensor base, scalar exponent)', fn: (a) => pow(a, 3), inputs: [r(2, 3)] },
  { name: 'pow (both tensors)', fn: pow, inputs: [[[1.5, 2, 0.5]], [[2, -1.5, 3]]] },
  { name: 'exp', fn: exp, inputs: [[moderate]] },
  { name: 'log', fn: log, inputs: [[[0.1, 1, 3, 40]]] },
  { name: 'sqrt', fn: sqrt, inputs: [[[0.1, 1, 3, 40]]] },
  { name: 'abs (away from 0)', fn: abs, inputs: [[moderate]] },
  { name: 'maximum (ties split)', fn: maximum, inputs: [[[1, -2, 3, 0.5]], [[0.5, -1, 3.5, -4]]] },
  { name: 'minimum (broadcast)', fn: minimum, inputs: [r(3, 2), [[0.1, -0.2]]] },
  { name: 'clip', fn: (a) => clip(a, -1, 1), inputs: [[[-3, -0.5, 0.2, 0.9, 2]]] },
  { name: 'matmul', fn: (a, b) => matmul(a, b), inputs: [r(3, 4), r(4, 2)] },
  { name: 'matmul Aᵀ·B', fn: (a, b) => matmul(a, b, { transA: true }), inputs: [r(4, 3), r(4, 2)] },
  { name: 'matmul A·Bᵀ', fn: (a, b) => matmul(a, b, { transB: true }), inputs: [r(3, 4), r(2, 4)] },
  { name: 'matmul Aᵀ·Bᵀ', fn: (a, b) => matmul(a, b, { transA: true, transB: true }), inputs: [r(4, 3), r(2, 4)] },
  { name: 'sum (all)', fn: (a) => sum(a), inputs: [r(2, 3)] },
  { name: 'sum (axis 0, keepDims)', fn: (a) => mul(sum(a, 0, true), tensor([[1, 2, 3]])), inputs: [r(2, 3)] },
  { name: 'mean (axis 1)', fn: (a) => mul(mean(a, 1), tensor([1, -2])), inputs: [r(2, 3)] },
  { name: 'max (axis -1)', fn: (a) => mul(max(a, -1), tensor([1, -2])), inputs: [[[1, 5, 2], [-3, -1, -2]]] },
  { name: 'reshape', fn: (a) => mul(reshape(a, [3, 2]), tensor([[1, 2], [3, 4], [5, 6]])), inputs: [r(2, 3)] },
  { name: 'transpose', fn: (a) => mul(transpose(a), tensor([[1, 2], [3, 4], [5, 6]])), inputs: [r(2, 3)] },
  { name: 'transpose 3-D permutation', fn: (a) => mul(transpose(a, [2, 0, 1]), tensor([[[1, 2]], [[3, 4]], [[5, 6]]])), inputs: [[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]]] },
  { name: 'sliceRows', fn: (a) => mul(sliceRows(a, 1, 3), tensor([[1, 2], [3, 4]])), inputs: [r(4, 2)] },
  { name: 'gatherRows (repeated row)', fn: (a) => mul(gatherRows(a, [2, 0, 2]), tensor([[1, 2], [3, 4], [5, 6]])), inputs: [r(3, 2)] },
  { name: 'sigmoid at extremes', fn: sigmoid, inputs: [[extremes]] },
  { name: 'tanh at extremes', fn: tanh, inputs: [[extremes]] },
  { name: 'relu (near the kink)', fn: relu, inputs: [[[-2, -1e-3, 1e-3, 2]]] },
  { name: 'leaky_relu (near the kink)', fn: (a) => leakyRelu(a), inputs: [[[-2, -1e-3, 1e-3, 2]]] },
  { name: 'elu', fn: (a) => elu(a), inputs: [[moderate]] },
  { name: 'gelu', fn: gelu, inputs: [[[-8, -3, -1, -0.2, 0, 0.4, 1.3, 3, 8]]] },
  { name: 'softplus at extremes', fn: softplus, inputs: [[extremes]] },
  { name: 'softmax (weighted)', fn: (a) => mul(softmax(a), tensor([[1, 2, 3], [-1, 0.5, 4]])), inputs: [r(2, 3, 3)] },
  { name: 'softmax of large logits', fn: (a) => mul(softmax(a), tensor([[1, 2, 3]])), inputs: [[[1000, 1001, 1002]]] },
  { name: 'logSoftmax of large logits', fn: (a) => mul(logSoftmax(a), tensor([[1, 2, 3], [3, -1, 0.5]])), inputs: [[[1000, 1001, 1002], [-1000, 0, 1000]]] },
  { name: 'sse', fn: sse, inputs: [r(3, 2), r(3, 2)], constants: [1] },
  { name: 'mse', fn: mse, inputs: [r(3, 2), r(3, 2)], constants: [1] },
  { name: 'cross_entropy on probabilities', fn: crossEntropy, inputs: [[[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], [[0, 1, 0], [0.2, 0.3, 0.5]]], constants: [1] },
  { name: 'softmax cross-entropy (large logits)', fn: softmaxCrossEntropy, inputs: [[[50, -20, 3], [0.1, 0.2, 0.3]], [[0, 1, 0], [1, 0, 0]]], constants: [1] },
  { name: 'bce on probabilities', fn: bce, inputs: [[[0.2, 0.7], [0.9, 0.4]], [[0, 1], [1, 0.3]]], constants: [1] },
  { name: 'sigmoid BCE on logits (extremes)', fn: sigmoidBinaryCrossEntropy, inputs: [[[-40, -2, 0.5, 40]], [[0, 1, 1, 0.2]]], constants: [1] },
];

for (const c of cases) {
  test(`gradcheck: ${c.name}`, () => {
    const xs = c.inputs.map((v) => tensor(v));
    const checked = xs.filter((_, i) => !(c.constants ?? []).includes(i));
    const result = gradcheck((...args) => {
      const all = [...xs];
      let k = 0;
      xs.forEach((_, i) => {
        if (!(c.constants ?? []).includes(i)) all[i] = args[k++]!;
      });
      return c.fn(...all);
    }, checked, { atol: c.atol ?? 1e-6, rtol: 1e-5 });
    assert.ok(result.ok, `${c.name}: ${result.worst} (max error ${result.maxAbsError})`);
  });
}

test('gradients at the kinks follow PyTorch: relu\'(0) = 0, leaky_relu\'(0) = 0.01, abs\'(0) = 0', () => {
  const x = tensor([0, 0, 0], { requiresGrad: true });
  add(add(mul(relu(x), tensor([1, 0, 0])), mul(leakyRelu(x), tensor([0, 1, 0]))), mul(abs(x), tensor([0, 0, 1]))).backward(tensor([1, 1, 1]));
  assert.deepEqual(x.grad!.to1D(), [0, 0.01, 0]);
});

test('sigmoid, softplus and softmax stay finite at ±400 and for logits of 1000', () => {
  for (const v of [...sigmoid(tensor(extremes)).to1D(), ...softplus(tensor(extremes)).to1D(), ...softmax(tensor([[1000, -1000, 0]])).to2D()[0]!]) {
    assert.ok(Number.isFinite(v), `got ${v}`);
  }
  assert.equal(sigmoid(tensor([-400])).item(), Math.exp(-400) / (1 + Math.exp(-400)));
  assert.equal(softplus(tensor([400])).item(), 400);
});
