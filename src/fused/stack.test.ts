// The fused dense path against the autograd graph: every activation × output activation × loss,
// float64 to 1e-12 relative (in fact bit-identical), float32 within a stated tolerance.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initKernels } from '../kernels/kernel-state.js';
import { ACTIVATIONS, HIDDEN_ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import { Dense } from '../nn/dense.js';
import { LOSSES } from '../nn/losses.js';
import { seedNetwork, SEED } from '../nn/seed.js';
import { Sequential } from '../nn/sequential.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import { Tensor } from '../tensor/tensor.js';
import { canFuse, FusedDenseStack, whyNotFused } from './stack.js';
import { FusedGradientEngine, fusedEngine } from './engine.js';
import { autogradLossAndGrads, maxRelDiff, normRelDiff, randomBatch, randomModel } from './test-util.js';

// NOTE: load the WASM kernels first, so that the autograd and fused calls of one test take the
// same kernel path (matmul switches to WASM by itself once loading finishes).
before(async () => {
  await initKernels({ threads: 1 });
});

const HIDDEN = HIDDEN_ACTIVATIONS;

function compare(sizes: number[], hidden: ActivationName, output: ActivationName, loss: (typeof LOSSES)[number], rows: number, seed: number, dtype: 'float64' | 'float32' = 'float64') {
  const modelA = randomModel(sizes, hidden, output, dtype, seed);
  const modelB = modelA.clone();
  const { x, t } = randomBatch(rows, sizes[0]!, sizes[sizes.length - 1]!, loss, dtype, seed + 1);
  const ref = autogradLossAndGrads(modelA, loss, x, t);
  const stack = new FusedDenseStack(modelB, loss, { maxBatch: rows });
  const E = stack.lossAndGrad(x.data, t.data, rows);
  const grads = modelB.parameters().map((p) => p.grad!.data);
  return { ref, E, grads, modelA, modelB, x, t };
}

test('float64: loss and all gradients equal the autograd graph for every activation pair and loss (≤ 1e-12 relative)', () => {
  let cases = 0;
  let finite = 0;
  let worst = 0;
  let seed = 100;
  for (const hidden of HIDDEN) {
    for (const output of ACTIVATIONS) {
      for (const loss of LOSSES) {
        const { ref, E, grads } = compare([4, 5, 3, 3], hidden, output, loss, 3, seed++);
        const what = `${hidden}/${output}/${loss}`;
        worst = Math.max(worst, maxRelDiff([E], [ref.loss], `${what} loss`));
        grads.forEach((g, i) => (worst = Math.max(worst, maxRelDiff(g, ref.grads[i]!, `${what} grad ${i}`))));
        cases++;
        if (Number.isFinite(ref.loss)) finite++;
      }
    }
  }
  assert.equal(cases, HIDDEN.length * ACTIVATIONS.length * LOSSES.length);
  // Unfused cross_entropy/bce on outputs outside (0, 1) is NaN on both paths; most cases are finite.
  assert.ok(finite > 200, `only ${finite} of ${cases} cases had a finite loss`);
  assert.ok(worst <= 1e-12, `largest relative difference ${worst}`);
  assert.equal(worst, 0, 'float64 is expected to be bit-identical (same expressions, same kernel calls)');
});

test('float64: networks large enough for the kernel layer (WASM / blocked matmul) agree too', () => {
  for (const [hidden, output, loss] of [['relu', 'softmax', 'cross_entropy'], ['tanh', 'sigmoid', 'bce'], ['gelu', 'linear', 'mse'], ['elu', 'softmax', 'sse']] as const) {
    const { ref, E, grads } = compare([30, 70, 40, 10], hidden, output, loss, 33, 7);
    assert.equal(maxRelDiff([E], [ref.loss], 'loss'), 0);
    grads.forEach((g, i) => assert.ok(maxRelDiff(g, ref.grads[i]!, `${hidden}/${output}/${loss} grad ${i}`) <= 1e-12));
  }
});

test('float32: within 1e-5 of the float32 graph (norm-wise; measured: identical) and 2e-4 of the float64 graph (measured 3.2e-5)', () => {
  let worst32 = 0;
  let worst64 = 0;
  for (const hidden of HIDDEN) {
    for (const [output, loss] of [['softmax', 'cross_entropy'], ['sigmoid', 'bce'], ['linear', 'mse'], ['tanh', 'sse']] as const) {
      for (const sizes of [[4, 5, 3], [30, 70, 40, 10]]) {
        const { ref, E, grads, modelA, x, t } = compare(sizes, hidden, output, loss, 9, 3, 'float32');
        assert.ok(Math.abs(E - ref.loss) <= 1e-6 * Math.abs(ref.loss) + 1e-7, `${hidden}/${output}/${loss}: loss ${E} vs ${ref.loss}`);
        grads.forEach((g, i) => (worst32 = Math.max(worst32, normRelDiff(g, ref.grads[i]!))));
        const m64 = new Sequential((modelA.layers as readonly Dense[]).map((l) => new Dense(l.weight.astype('float64'), l.bias.astype('float64'), l.activation)));
        const ref64 = autogradLossAndGrads(m64, loss, x.astype('float64'), t.astype('float64'));
        grads.forEach((g, i) => (worst64 = Math.max(worst64, normRelDiff(g, ref64.grads[i]!))));
      }
    }
  }
  assert.ok(worst32 <= 1e-5, `float32 fused vs float32 graph: ${worst32}`);
  assert.ok(worst64 <= 2e-4, `float32 fused vs float64 graph: ${worst64}`);
});

test('the seed network: the notebook loss and W2 gradient; sgdStep equals lossAndGrad + SGD bit for bit', () => {
  const a = seedNetwork();
  const b = seedNetwork();
  const x = Float64Array.from(SEED.input.flat());
  const t = Float64Array.from(SEED.target.flat());
  const stackA = new FusedDenseStack(a, 'sse', { maxBatch: 1 });
  const stackB = new FusedDenseStack(b, 'sse', { maxBatch: 1 });
  const sgd = new SGD(a.parameters(), { lr: SEED.lr });
  const first = stackA.lossAndGrad(x, t, 1);
  // ../shared/seed/expected.json: E = 0.2821757530435978.
  assert.ok(Math.abs(first - 0.2821757530435978) <= 1e-15);
  sgd.step();
  stackB.sgdStep(x, t, 1, SEED.lr);
  for (let i = 1; i < 200; i++) {
    const ea = stackA.lossAndGrad(x, t, 1);
    sgd.step();
    const eb = stackB.sgdStep(x, t, 1, SEED.lr);
    assert.equal(eb, ea);
  }
  a.parameters().forEach((p, i) => assert.deepEqual(b.parameters()[i]!.data, p.data));
  // Trained 200 steps towards the target [0.5, 0.1].
  assert.ok(stackB.lossOnly(x, t, 1) < 0.01);
});

test('the small-network path equals the general path bit for bit (both dtypes, every activation pair and loss, SGD steps)', () => {
  let cases = 0;
  for (const dtype of ['float64', 'float32'] as const) {
    let seed = 500;
    for (const hidden of HIDDEN) {
      for (const output of ACTIVATIONS) {
        for (const loss of LOSSES) {
          const a = randomModel([3, 4, 2], hidden, output, dtype, seed);
          const b = a.clone();
          const { x, t } = randomBatch(3, 3, 2, loss, dtype, seed++);
          const small = new FusedDenseStack(a, loss, { maxBatch: 3 });
          const general = new FusedDenseStack(b, loss, { maxBatch: 3, smallPath: false });
          for (let s = 0; s < 3; s++) {
            const what = `${dtype} ${hidden}/${output}/${loss} step ${s}`;
            const ea = small.lossAndGrad(x.data, t.data, 3);
            const eb = general.lossAndGrad(x.data, t.data, 3);
            assert.ok(Object.is(ea, eb) || (Number.isNaN(ea) && Number.isNaN(eb)), `${what}: loss ${ea} vs ${eb}`);
            a.parameters().forEach((p, i) => assert.equal(maxRelDiff(p.grad!.data, b.parameters()[i]!.grad!.data, what), 0, `${what} grad ${i}`));
            small.sgdStep(x.data, t.data, 2, 0.1);
            general.sgdStep(x.data, t.data, 2, 0.1);
            // one row: the single-row backward of the small path
            const e1 = small.lossAndGrad(x.data, t.data, 1);
            assert.ok(Object.is(e1, general.lossAndGrad(x.data, t.data, 1)) || Number.isNaN(e1), `${what}: one-row loss`);
            a.parameters().forEach((p, i) => assert.equal(maxRelDiff(p.grad!.data, b.parameters()[i]!.grad!.data, what), 0, `${what} one-row grad ${i}`));
            small.sgdStep(x.data, t.data, 1, 0.1);
            general.sgdStep(x.data, t.data, 1, 0.1);
            a.parameters().forEach((p, i) => assert.equal(maxRelDiff(p.data, b.parameters()[i]!.data, what), 0, `${what} weights ${i}`));
          }
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 2 * HIDDEN.length * ACTIVATIONS.length * LOSSES.length);
});

test('training with an optimizer: the fused path follows the autograd path step for step (Adam, 30 steps)', () => {
  const a = randomModel([6, 8, 4], 'relu', 'softmax', 'float64', 11);
  const b = a.clone();
  const { x, t } = randomBatch(12, 6, 4, 'cross_entropy', 'float64', 12);
  const optA = new Adam(a.parameters(), { lr: 0.01 });
  const optB = new Adam(b.parameters(), { lr: 0.01 });
  const engine = new FusedGradientEngine(b, 'cross_entropy');
  for (let s = 0; s < 30; s++) {
    const ref = autogradLossAndGrads(a, 'cross_entropy', x, t);
    optA.step();
    const E = engine.lossAndGrad(x, t);
    optB.step();
    assert.equal(E, ref.loss);
  }
  a.parameters().forEach((p, i) => assert.deepEqual(b.parameters()[i]!.data, p.data));
});

test('buffers: allocated once, reused every step, grown once for a larger batch; .grad survives zeroGrad', () => {
  const model = randomModel([3, 4, 2], 'tanh', 'linear', 'float64', 5);
  const stack = new FusedDenseStack(model, 'mse', { maxBatch: 2 });
  const { x, t } = randomBatch(5, 3, 2, 'mse', 'float64', 6);
  stack.lossAndGrad(x.data, t.data, 2);
  const g0 = (model.layers as readonly Dense[])[0]!.weight.grad;
  stack.lossAndGrad(x.data, t.data, 2);
  assert.equal((model.layers as readonly Dense[])[0]!.weight.grad, g0, 'the same gradient tensor every step');
  assert.equal(stack.maxBatch, 2);
  stack.lossAndGrad(x.data, t.data, 5);
  assert.equal(stack.maxBatch, 5);
  model.zeroGrad();
  assert.equal((model.layers as readonly Dense[])[0]!.weight.grad, null);
  const ref = autogradLossAndGrads(model.clone(), 'mse', x, t);
  assert.equal(stack.lossAndGrad(x.data, t.data, 5), ref.loss);
  assert.deepEqual((model.layers as readonly Dense[])[0]!.weight.grad!.data, ref.grads[0]);
});

test('buffers in WebAssembly memory (inputBuffer, no staging copies) give the same numbers as ordinary arrays; a network too small for the kernels keeps ordinary arrays', () => {
  const a = randomModel([120, 40, 10], 'relu', 'softmax', 'float32', 31);
  const b = a.clone();
  const { x, t } = randomBatch(20, 120, 10, 'cross_entropy', 'float32', 32);
  const inWasm = new FusedDenseStack(a, 'cross_entropy', { maxBatch: 20 });
  const plain = new FusedDenseStack(b, 'cross_entropy', { maxBatch: 20, wasmMemory: false });
  assert.equal(inWasm.inWasmMemory, true, 'the kernels were loaded on a shared memory in before(), and 120·40 ≥ MATMUL_THRESHOLDS.wasmMin');
  assert.equal(plain.inWasmMemory, false);
  assert.equal(new FusedDenseStack(randomModel([50, 40, 10], 'relu', 'softmax', 'float32', 3), 'cross_entropy').inWasmMemory, false, '50·40 < MATMUL_THRESHOLDS.wasmMin: JavaScript loops on ordinary arrays');
  const xb = inWasm.inputBuffer();
  xb.set(x.data);
  assert.equal(inWasm.lossAndGrad(xb, t.data, 20), plain.lossAndGrad(x.data, t.data, 20));
  a.parameters().forEach((p, i) => assert.deepEqual(p.grad!.data, b.parameters()[i]!.grad!.data));
  inWasm.dispose();
});

test('forward gives the model outputs, the activation included for fused losses', () => {
  for (const [out, loss] of [['softmax', 'cross_entropy'], ['sigmoid', 'bce'], ['tanh', 'sse']] as const) {
    const model = randomModel([3, 5, 4], 'elu', out, 'float64', 9);
    const { x } = randomBatch(4, 3, 4, loss, 'float64', 10);
    const y = new FusedDenseStack(model, loss).forward(x.data, 4);
    assert.equal(maxRelDiff(y.subarray(0, 16), model.forward(x).data, `${out} outputs`), 0);
  }
});

test('an activation changed on the model after construction is picked up', () => {
  const model = randomModel([3, 4, 2], 'tanh', 'softmax', 'float64', 21);
  const stack = new FusedDenseStack(model, 'cross_entropy');
  const { x, t } = randomBatch(3, 3, 2, 'cross_entropy', 'float64', 22);
  (model.layers as readonly Dense[])[0]!.activation = 'relu';
  (model.layers as readonly Dense[])[1]!.activation = 'sigmoid';
  const ref = autogradLossAndGrads(model.clone(), 'cross_entropy', x, t);
  assert.equal(stack.lossAndGrad(x.data, t.data, 3), ref.loss);
});

test('canFuse and the errors of the fused path', () => {
  const model = randomModel([3, 4, 2], 'relu', 'linear', 'float64', 1);
  assert.equal(canFuse(model, 'mse'), true);
  assert.equal(canFuse(model, 'hinge'), false);
  assert.equal(canFuse({ layers: [] }, 'mse'), false);
  const mixed = new Sequential([Dense.fromWeights([[1, 2]], [0]), Dense.fromWeights([[1]], [0], 'linear', 'float32')]);
  assert.match(whyNotFused(mixed, 'mse')!, /layer 1 is float32/);
  assert.equal(fusedEngine(mixed, 'mse'), null);
  assert.throws(() => new FusedDenseStack(mixed, 'mse'), /cannot fuse/);
  const stack = new FusedDenseStack(model, 'mse');
  assert.throws(() => stack.lossAndGrad(new Float32Array(3), new Float32Array(2), 1), /x is float32 but the model is float64/);
  assert.throws(() => stack.lossAndGrad(new Float64Array(5), new Float64Array(4), 2), /x needs 6 numbers for 2 rows, got 5/);
  assert.throws(() => stack.lossAndGrad(new Float64Array(3), new Float64Array(2), 0), /rows must be a positive integer/);
  const engine = new FusedGradientEngine(model, 'mse');
  assert.throws(() => engine.lossAndGrad(new Tensor(new Float64Array(4), [2, 2]), new Tensor(new Float64Array(4), [2, 2])), /expected x of shape \[N, 3\], got \[2, 2\]/);
  assert.throws(() => engine.lossAndGrad(new Tensor(new Float64Array(6), [2, 3]), new Tensor(new Float64Array(2), [1, 2])), /expected t of shape \[2, 2\]/);
});

test('lastOutputs: the outputs f(z) of the batch just trained, without another forward pass (softmax-CE: its loss\'s probabilities)', () => {
  for (const [out, loss] of [['softmax', 'cross_entropy'], ['sigmoid', 'bce'], ['tanh', 'mse']] as const) {
    const model = randomModel([3, 5, 4], 'relu', out, 'float64', 19);
    const { x, t } = randomBatch(6, 3, 4, loss, 'float64', 20);
    const stack = new FusedDenseStack(model, loss, { maxBatch: 6 });
    stack.lossAndGrad(x.data, t.data, 6);
    const want = model.forward(x).data;
    const got = stack.lastOutputs(6).subarray(0, 24);
    assert.ok(maxRelDiff(got, want, `${out} outputs`) <= (out === 'softmax' ? 1e-15 : 0), out);
  }
});
