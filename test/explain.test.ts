// The ledger (src/explain): the seed notebook's figures, gradients equal to the engine's .grad,
// and every activation and loss checked against float64 central differences.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dense, liveNodeCount, modelLoss, noGrad, Rng, Sequential, tensor, type ActivationName, type LossName, type Tensor } from '../src/index.js';
import { explain, parseParamName, numberNodes, type Ledger } from '../src/explain/index.js';
import { seedNetwork } from '../src/nn/seed.js';
import { assertAllClose, assertClose } from './helpers/close.js';
import { seedExpected } from './helpers/seed.js';

const E = seedExpected();

function seedLedger(options = {}): { ledger: Ledger; model: Sequential } {
  const model = seedNetwork();
  return { ledger: explain(model, E.input, E.target, { lr: E.sgd.lr, ...options }), model };
}

/** Every parameter's ledger gradient is exactly its .grad, and the chain-rule sums agree. */
function assertLedgerMatchesGrad(ledger: Ledger, model: Sequential): void {
  for (const p of ledger.params) {
    const dense = (model.layers as readonly Dense[])[p.layer - 1]!;
    const g = p.kind === 'weight' ? dense.weight.grad!.get(p.row, p.col!) : dense.bias.grad!.get(p.row);
    assert.equal(p.grad, g, `${p.id}: ledger ${p.grad} vs .grad ${g}`);
    assertClose(p.chainSum, g, `${p.id} chain sum`, 1e-12, 1e-15);
  }
  assert.ok(ledger.checks.chain < 1e-14, `chain check ${ledger.checks.chain}`);
  assert.ok(ledger.checks.paths < 1e-14, `paths check ${ledger.checks.paths}`);
  assert.ok(ledger.checks.symbolic < 1e-8, `symbolic check ${ledger.checks.symbolic}`);
}

/** The seed network's cost ½·Σ(y − t)², written out by hand (independent of the engine). */
function seedCostByHand(W1: number[][], b1: number[], W2: number[][], b2: number[]): number {
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const h = W1.map((row, i) => sig(row.reduce((s, w, j) => s + w * E.input[0]![j]!, b1[i]!)));
  const y = W2.map((row, i) => sig(row.reduce((s, w, j) => s + w * h[j]!, b2[i]!)));
  return 0.5 * y.reduce((s, v, i) => s + (v - E.target[0]![i]!) ** 2, 0);
}

test('a narrowed ledger says that the step updates every parameter, and gives the cost after updating only the shown ones', async () => {
  const { ledger } = seedLedger({ param: 'w41' });
  const u = ledger.update;
  assert.equal(u.parameterCount, 14);
  assertClose(u.costAfter, E.sgd.afterSteps['1']!.lossAfterStep, 'all 14 updated');
  const W2 = E.weights.W2.map((r) => [...r]);
  W2[0]![0] = W2[0]![0]! - E.sgd.lr * E.notebook.bw41;
  const onlyW41 = seedCostByHand(E.weights.W1, E.weights.b1, W2, E.weights.b2);
  assertClose(u.costAfterFocusOnly!, onlyW41, 'only w41 updated');
  assert.ok(Math.abs(onlyW41 - 0.2813535) < 5e-8, `the issue's figure: ${onlyW41}`);
  assert.equal(seedLedger().ledger.update.costAfterFocusOnly, undefined, 'the whole ledger has no "only" cost');
  const { renderText } = await import('../src/explain/index.js');
  for (const [lang, lines] of [
    ['en', ['The table lists only w41 = W2[0][0]; the step updates all 14 weights and biases', 'With all 14 weights and biases updated, E: 0.28217575 → 0.25831632', 'With only w41 = W2[0][0] updated (the others unchanged), E: 0.28217575 → 0.28135347']],
    ['ko', ['표에는 w41 = W2[0][0]만 있지만, 이 단계는 신경망의 가중치와 편향 14개를 모두 수정합니다', '가중치와 편향 14개를 모두 수정하면 E: 0.28217575 → 0.25831632', 'w41 = W2[0][0]만 수정하고 나머지는 그대로 두면 E: 0.28217575 → 0.28135347']],
  ] as const) {
    const text = renderText(ledger, { lang });
    for (const line of lines) assert.ok(text.includes(line), `${lang}: ${line}`);
  }
});

test('a check that agrees to the last bit says "exactly", never "differs by at most 0"', async () => {
  const { renderText } = await import('../src/explain/index.js');
  const { ledger } = seedLedger();
  assert.equal(ledger.checks.chain, 0);
  const en = renderText(ledger, { lang: 'en' });
  const ko = renderText(ledger, { lang: 'ko' });
  assert.match(en, /the sum of the chain-rule contributions agrees with it exactly/);
  assert.match(ko, /연쇄 법칙으로 더한 기여와 정확히 같습니다/);
  assert.doesNotMatch(en, /at most 0\b(?!\.\d)/);
  assert.doesNotMatch(ko, /많아야|\b0 이하/);
});

test('seed ledger: forward values and cost agree with expected.json', () => {
  const { ledger } = seedLedger();
  const [l1, l2] = ledger.layers;
  assertAllClose(l1!.z[0], E.forward.g, 'g');
  assertAllClose(l1!.a[0], E.forward.h, 'h');
  assertAllClose(l2!.z[0], E.forward.z, 'z');
  assertAllClose(ledger.output[0], E.forward.y, 'y');
  assertClose(ledger.cost.value, E.forward.E, 'E');
  assertAllClose(ledger.cost.perSample, [E.forward.E], 'per-sample E');
  assertAllClose(l2!.delta[0], E.deltaOutput, 'δ output');
  // z = Σ w·x + b term by term reproduces z
  const s = l1!.neurons[0]!.samples[0]!;
  assertClose(s.terms.reduce((a, t) => a + t.w * t.x, s.b), E.forward.g[0]!, 'z4 from its terms');
  assert.deepEqual(s.terms.map((t) => t.from), [1, 2, 3]);
});

test('seed ledger: all 12 gradients, the notebook names bw41…bw52 and bb2', () => {
  const { ledger, model } = seedLedger();
  assertLedgerMatchesGrad(ledger, model);
  const grad = (id: string): number => ledger.params.find((p) => p.id === id)!.grad;
  E.gradients.W1.forEach((row, i) => row.forEach((g, j) => assertClose(grad(`W1[${i}][${j}]`), g, `W1[${i}][${j}]`)));
  E.gradients.W2.forEach((row, i) => row.forEach((g, j) => assertClose(grad(`W2[${i}][${j}]`), g, `W2[${i}][${j}]`)));
  E.gradients.b1.forEach((g, i) => assertClose(grad(`b1[${i}]`), g, `b1[${i}]`));
  E.gradients.b2.forEach((g, i) => assertClose(grad(`b2[${i}]`), g, `b2[${i}]`));
  const byNotebook = (n: string): number => ledger.params.find((p) => p.notebook === n)!.grad;
  assertClose(byNotebook('w41'), E.notebook.bw41, 'bw41');
  assertClose(byNotebook('w42'), E.notebook.bw42, 'bw42');
  assertClose(byNotebook('w51'), E.notebook.bw51, 'bw51');
  assertClose(byNotebook('w52'), E.notebook.bw52, 'bw52');
  assert.equal(ledger.params.find((p) => p.notebook === 'w41')!.id, 'W2[0][0]');
  assert.equal(ledger.params.find((p) => p.notebook === 'w42')!.id, 'W2[1][0]');
  const bias = ledger.biasSums.find((b) => b.layer === 2)!;
  assertAllClose(bias.perNeuron, E.gradients.b2, 'per-neuron bias gradients');
  assertClose(bias.sum, E.notebook.bb2_sum, 'bb2');
  assert.equal(bias.notebook, 'bb2');
});

test('seed ledger: hidden neurons sum every downstream path; δ_hidden = (W2ᵀ δ_out) ⊙ h(1 − h)', () => {
  const { ledger } = seedLedger();
  const hidden = ledger.layers[0]!;
  hidden.neurons.forEach((nr, j) => {
    const s = nr.samples[0]!;
    assert.deepEqual(s.paths!.map((p) => p.to), [6, 7]);
    const expected = E.weights.W2[0]![j]! * E.deltaOutput[0]! + E.weights.W2[1]![j]! * E.deltaOutput[1]!;
    assertClose(s.dEda!, expected, `∂E/∂a${nr.node}`);
    const h = E.forward.h[j]!;
    assertClose(s.dadz!, h * (1 - h), `σ′(z${nr.node})`);
    assertClose(s.delta, expected * h * (1 - h), `δ${nr.node}`);
  });
});

test('seed ledger: the update step and the cost after it agree with expected.json', () => {
  const { ledger, model } = seedLedger();
  const step = E.sgd.afterSteps['1']!;
  assertClose(ledger.update.costBefore, step.lossBeforeStep, 'cost before');
  assertClose(ledger.update.costAfter, step.lossAfterStep, 'cost after');
  assertAllClose(ledger.update.outputAfter[0], step.outputAfterStep, 'output after');
  for (const p of ledger.params) assertClose(p.after, p.value - E.sgd.lr * p.grad, `${p.id} after`);
  // explain leaves the model's values untouched and releases every graph node it recorded
  assert.deepEqual((model.layers as readonly Dense[])[0]!.weight.to2D(), E.weights.W1);
  const live = liveNodeCount();
  seedLedger();
  assert.equal(liveNodeCount(), live);
});

test('seed ledger: symbolic sigmoid derivative (mathjs) is proven equal to σ(1 − σ) and matches the engine', () => {
  const { ledger } = seedLedger();
  const sig = ledger.symbolic.activations[0]!;
  assert.equal(sig.activation, 'sigmoid');
  assert.equal(sig.proven, true);
  assert.match(sig.alt!.text, /e \^ \(-x\) \/ \(1 \+ e \^ \(-x\)\) \^ 2/);
  assert.equal(sig.points.length, 4);
  for (const p of sig.points) {
    const s = 1 / (1 + Math.exp(-p.at));
    assertClose(p.cas, s * (1 - s), `mathjs σ′(${p.at})`, 1e-13);
    assertClose(p.engine!, s * (1 - s), `engine σ′(${p.at})`, 1e-13);
  }
  const loss = ledger.symbolic.loss;
  assert.equal(loss.raw.text, 'y - t');
  loss.points.forEach((p, k) => assertClose(p.cas, E.forward.y[k]! - E.target[0]![k]!, `∂E/∂y${k}`));
});

test('names: nodes 1–7, notebook names, --param forms and a precise error', () => {
  assert.deepEqual(numberNodes([3, 2, 2]).map((n) => `${n.id}${n.role[0]}`), ['1i', '2i', '3i', '4h', '5h', '6o', '7o']);
  const sizes = [3, 2, 2];
  assert.deepEqual(parseParamName('w41', sizes), { kind: 'weight', layer: 2, row: 0, col: 0 });
  assert.deepEqual(parseParamName('w42', sizes), { kind: 'weight', layer: 2, row: 1, col: 0 });
  assert.deepEqual(parseParamName('w31', sizes), { kind: 'weight', layer: 1, row: 0, col: 2 });
  assert.deepEqual(parseParamName('W1[0][2]', sizes), { kind: 'weight', layer: 1, row: 0, col: 2 });
  assert.deepEqual(parseParamName('0.weight[0][2]', sizes), { kind: 'weight', layer: 1, row: 0, col: 2 });
  assert.deepEqual(parseParamName('b2', sizes), { kind: 'bias', layer: 2, row: null, col: null });
  assert.throws(() => parseParamName('w63', sizes), /no parameter "w63" in a network of sizes \[3, 2, 2\]; expected one of/);
  assert.throws(() => parseParamName('W3[0][0]', sizes), /--param/);
  const { ledger } = seedLedger({ param: 'w63'.replace('63', '31') });
  assert.deepEqual(ledger.focus, ['W1[0][2]']);
  assert.equal(ledger.params.length, 1);
  assertClose(ledger.params[0]!.grad, E.gradients.W1[0]![2]!, 'focused W1[0][2]');
  assert.equal(seedLedger({ param: 'b2' }).ledger.params.length, 2);
});

/** ∂E/∂p by float64 central differences, through the engine's forward only (an independent route). */
function numericGrad(model: Sequential, loss: LossName, x: Tensor, t: Tensor, p: Tensor, i: number): number {
  const h = 1e-6;
  const old = p.data[i]!;
  const at = (v: number): number => {
    p.data[i] = v;
    return noGrad(() => modelLoss(model, loss, x, t).item());
  };
  const g = (at(old + h) - at(old - h)) / (2 * h);
  p.data[i] = old;
  return g;
}

function checkNetwork(sizes: number[], acts: ActivationName[], loss: LossName, x: number[][], t: number[][], seed: number): Ledger {
  const rng = new Rng(seed);
  const model = new Sequential(acts.map((a, l) => Dense.create({ inputs: sizes[l]!, units: sizes[l + 1]!, activation: a, init: 'glorot_uniform', rng })));
  for (const layer of model.layers) for (let i = 0; i < layer.bias.size; i++) layer.bias.data[i] = rng.uniformRange(-0.5, 0.5);
  const ledger = explain(model, x, t, { loss, lr: 0.1 });
  assertLedgerMatchesGrad(ledger, model);
  const X = tensor(x);
  const T = tensor(t);
  for (const p of ledger.params) {
    const dense = (model.layers as readonly Dense[])[p.layer - 1]!;
    const tensorOf = p.kind === 'weight' ? dense.weight : dense.bias;
    const idx = p.kind === 'weight' ? p.row * dense.inputs + p.col! : p.row;
    assertClose(p.grad, numericGrad(model, loss, X, T, tensorOf, idx), `${acts.join('/')} ${loss} ${p.id} vs central difference`, 1e-5, 1e-8);
  }
  assertClose(ledger.cost.perSample.reduce((a, b) => a + b, 0), ledger.cost.value, 'per-sample costs add up to E');
  assert.ok(ledger.update.costAfter < ledger.update.costBefore, `${acts.join('/')} ${loss}: a small step lowers the cost`);
  return ledger;
}

test('3-layer tanh/softmax network, batch of 3: gradients match autograd and central differences; δ = (y − t)/N', () => {
  const x = [[0.5, -1.2, 2.0, 0.1], [1.5, 0.3, -0.7, 0.9], [-0.4, 0.8, 0.2, -1.1]];
  const t = [[1, 0, 0], [0, 0, 1], [0, 1, 0]];
  const ledger = checkNetwork([4, 5, 3, 3], ['tanh', 'tanh', 'softmax'], 'cross_entropy', x, t, 7);
  assert.equal(ledger.network.fused, true);
  const out = ledger.layers[2]!;
  assert.equal(out.deltaRule, 'fused');
  out.neurons.forEach((nr, k) => nr.samples.forEach((s, n) => assertClose(s.delta, (out.a[n]![k]! - t[n]![k]!) / 3, `δ${nr.node} sample ${n}`)));
  assert.equal(ledger.params[0]!.contributions.length, 3);
  const soft = ledger.symbolic.activations.find((a) => a.activation === 'softmax')!;
  assert.ok(soft.maxDiff < 1e-12);
  assert.ok(ledger.symbolic.loss.fused && ledger.symbolic.loss.maxDiff < 1e-12);
});

test('every activation and loss: ledger = .grad = central differences, symbolic = engine', () => {
  const x = [[0.3, -0.8], [1.1, 0.4]];
  const cases: [ActivationName[], LossName, number[][]][] = [
    [['relu', 'sigmoid'], 'bce', [[1, 0], [0, 1]]],
    [['leaky_relu', 'linear'], 'mse', [[0.2, -0.4], [0.5, 0.1]]],
    [['elu', 'softmax'], 'sse', [[1, 0], [0, 1]]],
    [['gelu', 'softplus'], 'sse', [[0.2, 0.9], [1.4, 0.3]]],
    [['sigmoid', 'softmax'], 'cross_entropy', [[0, 1], [1, 0]]],
    [['tanh', 'sigmoid'], 'sse', [[0.9, 0.1], [0.2, 0.7]]],
  ];
  cases.forEach(([acts, loss, t], k) => {
    const ledger = checkNetwork([2, 3, 2], acts, loss, x, t, 11 + k);
    for (const s of ledger.symbolic.activations) assert.ok(s.maxDiff < 1e-8, `${s.activation}: symbolic vs engine ${s.maxDiff}`);
    assert.ok(ledger.symbolic.loss.maxDiff < 1e-12, `${loss}: symbolic loss derivative ${ledger.symbolic.loss.maxDiff}`);
  });
});

test('explain refuses a network too large to read, unless narrowed', () => {
  const model = Sequential.mlp([100, 100, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
  const x = [Array.from({ length: 100 }, (_, i) => i / 100)];
  const t = [Array.from({ length: 10 }, (_, i) => (i === 3 ? 1 : 0))];
  assert.throws(() => explain(model, x, t, { loss: 'cross_entropy' }), /more than maxParameters = 5000/);
  const narrowed = explain(model, x, t, { loss: 'cross_entropy', param: 'W2[3][0]' });
  assert.equal(narrowed.network.naming, 'matrix');
  assert.equal(narrowed.params.length, 1);
  assert.equal(narrowed.params[0]!.grad, (model.layers as readonly Dense[])[1]!.weight.grad!.get(3, 0));
});
