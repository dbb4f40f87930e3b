// The ledger of networks with batch norm, layer norm, dropout, activation layers and L1/L2 penalties:
// every number from the engine, the by-hand derivations checked against it, the model left as it was,
// and the words in English and Korean.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, noGrad, Rng, tensor } from '../src/index.js';
import { explain, renderMarkdown, renderText } from '../src/explain/index.js';
import type { LedgerDropoutStep, LedgerNormStep } from '../src/explain/types.js';
import { BatchNorm1d } from '../src/nn/batch-norm.js';
import { Dense } from '../src/nn/dense.js';
import { Dropout } from '../src/nn/dropout.js';
import { LayerNorm } from '../src/nn/layer-norm.js';
import { Activation } from '../src/nn/activation-layer.js';
import { modelLoss } from '../src/nn/losses.js';
import { penaltyTerm } from '../src/nn/penalty.js';
import { Sequential } from '../src/nn/sequential.js';

const x = [[1, 2], [0.5, -1], [2, 0]];
const t = [[1], [0], [1]];

function bnNetwork(): Sequential {
  return Sequential.mlp([2, 3, 1], { activation: 'relu', output: 'sigmoid', batchNorm: true, dropout: 0.5, rng: new Rng(3) });
}

test('a batch-norm + dropout network: every check at round-off, the batch norm derivation equal to the engine', () => {
  const model = bnNetwork();
  const ledger = explain(model, x, t, { loss: 'bce', penalty: { l1: 0.001, l2: 0.01 } });
  assert.deepEqual(ledger.steps.map((s) => s.kind), ['dense', 'batch_norm', 'activation', 'dropout', 'dense']);
  for (const [name, v] of Object.entries(ledger.checks)) assert.ok(v <= 1e-15, `${name}: ${v}`);
  const bn = ledger.steps[1] as LedgerNormStep;
  assert.equal(bn.batchStatistics, true);
  bn.derivation.dx.forEach((row, n) => row.forEach((v, j) => assert.ok(Math.abs(v - bn.dEdInput[n]![j]!) <= 1e-16, `∂E/∂x[${n}][${j}]`)));
  assert.ok(bn.dEdInput.flat().some((v) => v !== 0));
  // NOTE: μ and σ² of feature j are the batch's mean and biased variance of the dense layer's z.
  const z = ledger.layers[0]!.z;
  const mu = z.reduce((s, r) => s + r[0]!, 0) / 3;
  assert.ok(Math.abs(bn.mean[0]! - mu) < 1e-16);
  assert.ok(Math.abs(bn.variance[0]! - z.reduce((s, r) => s + (r[0]! - mu) ** 2, 0) / 3) < 1e-15);
  assert.deepEqual(bn.running!.meanBefore, [0, 0, 0]);
  assert.ok(Math.abs(bn.running!.meanAfter[0]! - 0.1 * mu) < 1e-16);
  // γ and β are parameters of the ledger, with the engine's gradients.
  const gammas = ledger.params.filter((p) => p.kind === 'gamma');
  assert.equal(gammas.length, 3);
  assert.deepEqual(gammas.map((p) => p.grad), [...(model.layers[1] as BatchNorm1d).weight!.grad!.data]);
  assert.deepEqual(gammas.map((p) => p.id), ['γ1[0]', 'γ1[1]', 'γ1[2]']);
  // The penalty: in the cost, and as λ₁·sign(w) + λ₂·w in each weight's gradient (not the biases').
  const w = ledger.params.find((p) => p.id === 'W1[1][0]')!;
  assert.equal(w.penalty, 0.001 * Math.sign(w.value) + 0.01 * w.value);
  assert.ok(Math.abs(w.chainSum + w.penalty! - w.grad) < 1e-17);
  assert.equal(ledger.params.find((p) => p.id === 'b1[0]')!.penalty, undefined);
  assert.ok(Math.abs(ledger.cost.value - ledger.penalty!.loss - ledger.penalty!.value) < 1e-16);
});

test('explain leaves the model as it found it (running statistics, dropout generator, mode), with the engine\'s gradients', () => {
  const model = bnNetwork();
  model.eval();
  const bn = model.layers[1] as BatchNorm1d;
  const drop = model.layers[3] as Dropout;
  const rng = drop.rng.getState();
  const ledger = explain(model, x, t, { loss: 'bce' });
  assert.deepEqual([...bn.runningMean.data], [0, 0, 0]);
  assert.equal(bn.numBatchesTracked.item(), 0);
  assert.deepEqual(drop.rng.getState(), rng);
  assert.equal(model.training, false);
  assert.equal(bn.training, false);
  // the same forward pass (same mask) and backward in training mode, by hand:
  const mask = (ledger.steps[3] as LedgerDropoutStep).mask!;
  const copy = bnNetwork();
  (copy.layers[3] as Dropout).setMask(mask.flat());
  const E = modelLoss(copy.train(), 'bce', tensor(x), tensor(t));
  E.backward();
  assert.equal(ledger.cost.value, E.item());
  copy.parameters().forEach((p, i) => assert.deepEqual([...p.grad!.data], [...model.parameters()[i]!.grad!.data], `parameter ${i}`));
});

test('dropout in the ledger: the dropped units, a zero gradient behind each, and the words for it', () => {
  const ledger = explain(bnNetwork(), x, t, { loss: 'bce' });
  const d = ledger.steps[3] as LedgerDropoutStep;
  assert.equal(d.scale, 2);
  d.mask!.forEach((row, n) => row.forEach((m, j) => {
    if (m === 0) assert.ok(d.dEdInput[n]![j] === 0);
    else assert.equal(d.dEdInput[n]![j], d.dEdOutput[n]![j]! * 2);
  }));
  const en = renderText(ledger);
  const dropped = d.mask![0]!.flatMap((m, j) => (m === 0 ? [j + 3] : []));
  assert.match(en, new RegExp(`sample 1: ${dropped.length} of 3 units dropped \\(m = 0\\): nodes ${dropped.join(', ')}`));
  assert.match(en, /its output did not depend on h at all, so its gradient is 0/);
  const ko = renderText(ledger, { lang: 'ko' });
  assert.match(ko, /떨어뜨린 뉴런\(m = 0\)은 출력이 h와 전혀 상관이 없었으므로 기울기가 0입니다/);
  assert.match(ko, /배치 정규화/);
});

test('the batch norm derivation in the text: through x̂, the variance and the mean, for one feature, en and ko', () => {
  const ledger = explain(bnNetwork(), x, t, { loss: 'bce' });
  const en = renderText(ledger);
  for (const line of [/∂E\/∂x̂\d\[1\] = ∂E\/∂u\d\[1\] · γ\d = /, /∂E\/∂σ²\d +=/, /∂E\/∂μ\d +=/, /∂E\/∂z\d\[2\] += ∂E\/∂x̂\d\[2\]\/√\(σ²\d \+ ε\) \+ ∂E\/∂σ²\d·2\(z\d\[2\] − μ\d\)\/3 \+ ∂E\/∂μ\d\/3 = /]) {
    assert.match(en, line);
  }
  assert.match(en, /running_var {2}= \[1, 1, 1\] → \[/);
  assert.match(en, /The biases of layer 1 get a gradient of 0/);
  assert.match(renderText(ledger, { lang: 'ko' }), /μ와 σ²는 같은 배치에서 구하므로 각 표본의 x는 세 갈래로 E에 닿습니다/);
  const md = renderMarkdown(ledger);
  assert.match(md, /\\frac\{\\partial E\}\{\\partial \\sigma\^2_\{\d\}\}/);
});

test('batch norm with a batch of 2 and a constant feature: x̂ = 0 there and its gradient by hand equals the engine\'s', () => {
  const model = new Sequential([Dense.fromWeights([[1, 0], [0, 0]], [0, 0.5], 'linear'), new BatchNorm1d(2), new Activation(2, 'tanh'), Dense.fromWeights([[0.7, -0.4]], [0.1], 'linear')]);
  const ledger = explain(model, [[1, 3], [-2, 5]], [[0.5], [-0.5]], { loss: 'mse' });
  const bn = ledger.steps[1] as LedgerNormStep;
  assert.deepEqual(bn.variance.map((v) => v === 0), [false, true]);
  assert.deepEqual(bn.xhat.map((r) => r[1]), [0, 0]);
  assert.ok(ledger.checks.steps! <= 1e-15 && ledger.checks.chain <= 1e-15, JSON.stringify(ledger.checks));
});

test('eval mode: batch norm with its running statistics (the gradient through x̂ only), dropout the identity', () => {
  const model = bnNetwork();
  const bnLayer = model.layers[1] as BatchNorm1d;
  bnLayer.runningMean.data.set([0.1, -0.2, 0.3]);
  bnLayer.runningVar.data.set([0.5, 2, 1.5]);
  const ledger = explain(model, x, t, { loss: 'bce', mode: 'eval' });
  const bn = ledger.steps[1] as LedgerNormStep;
  assert.equal(bn.batchStatistics, false);
  assert.equal(bn.running, null);
  assert.deepEqual(bn.mean, [0.1, -0.2, 0.3]);
  assert.deepEqual(bn.derivation.dvar, [0, 0, 0]);
  assert.equal((ledger.steps[3] as LedgerDropoutStep).mask, null);
  for (const v of Object.values(ledger.checks)) assert.ok(v <= 1e-15);
  assert.match(renderText(ledger), /eval mode: batch norm uses its running statistics/);
  assert.match(renderText(ledger), /In eval mode dropout passes every value unchanged/);
});

test('layer norm: statistics per sample, the derivation for one sample; a narrowed ledger still shows the layers that reach it', () => {
  const model = Sequential.mlp([3, 4, 2], { activation: 'gelu', output: 'softmax', layerNorm: true, rng: new Rng(5) });
  const xs = [[1, -1, 0.5], [0.2, 0.4, -2]];
  const ts = [[1, 0], [0, 1]];
  const ledger = explain(model, xs, ts, { loss: 'cross_entropy' });
  const ln = ledger.steps[1] as LedgerNormStep;
  assert.equal(ln.kind, 'layer_norm');
  assert.equal(ln.mean.length, 2);
  // NOTE: gelu's derivative is checked against a central difference in the symbolic section (≈1e-11).
  for (const [name, v] of Object.entries(ledger.checks)) assert.ok(v <= (name === 'symbolic' ? 1e-9 : 1e-15), `${name}: ${v}`);
  assert.match(renderText(ledger), /Backward, for sample 1 \(the others go the same way\)/);
  const narrow = explain(model, xs, ts, { loss: 'cross_entropy', param: 'W1[0][0]' });
  assert.deepEqual(narrow.params.map((p) => p.id), ['W1[0][0]']);
  assert.match(renderText(narrow), /layer norm after layer 1/);
});

test('the L2 term in the text, and the cost with the penalty equal to the engine\'s', () => {
  const model = Sequential.mlp([2, 2, 1], { activation: 'tanh', output: 'linear', rng: new Rng(8) });
  const p = { l2: 0.1 };
  const ledger = explain(model, [[1, 2]], [[0.5]], { loss: 'sse', penalty: p });
  const E = noGrad(() => add(modelLoss(model, 'sse', tensor([[1, 2]]), tensor([[0.5]])), penaltyTerm(model, p)).item());
  assert.equal(ledger.cost.value, E);
  const text = renderText(ledger);
  assert.match(text, /∂E\/∂W2\[0\]\[0\] \(bw31\) = ∂E\/∂y5 · f′\(z5\) · a3 \+ λ₂·w31/);
  assert.match(text, /Σ +\= 1\.3630194 \+ 0\.1 · 1\.1108702 = 1\.4741064/);
  assert.match(text, /E_penalty = \(λ₂\/2\)·Σw² = \(0\.1\/2\)·/);
  assert.match(renderText(ledger, { lang: 'ko' }), /규제 항/);
  assert.equal(ledger.steps.every((s) => s.kind === 'dense'), true);
  assert.equal(ledger.checks.steps, undefined);
});

test('explain refuses a network that does not end with a dense layer', () => {
  const model = new Sequential([Dense.fromWeights([[1, 2]], [0]), new LayerNorm(1)]);
  assert.throws(() => explain(model, [[1, 1]], [[0]]), /must end with a dense layer/);
});
