// The compiled one-row step (compiled-step.ts) against the small path's loops: the same loss,
// outputs, deltas, gradients and updated weights, bit for bit, for every hidden and output
// activation it compiles, both squared-error losses, and networks of one to three layers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVATION_TABLE, ACTIVATIONS } from '../nn/activations.js';
import { seedNetwork, SEED } from '../nn/seed.js';
import { FusedDenseStack } from './stack.js';
import { randomBatch, randomModel } from './test-util.js';

const ELEMENTWISE = ACTIVATIONS.filter((a) => ACTIVATION_TABLE[a].form === 'elementwise');

test('the seed network runs compiled and trains to the notebook figures (first E 0.28217575…)', () => {
  const model = seedNetwork();
  const stack = new FusedDenseStack(model, 'sse', { maxBatch: 1 });
  const x = Float64Array.from(SEED.input.flat());
  const t = Float64Array.from(SEED.target.flat());
  const E = stack.sgdStep(x, t, 1, SEED.lr);
  assert.equal(stack.compiledOneRow, true);
  assert.ok(Math.abs(E - 0.2821757530435978) <= 1e-15, `E ${E}`);
});

test('compiled and looped one-row steps agree bit for bit (every elementwise activation, sse and mse, 1–3 layers)', () => {
  let cases = 0;
  let seed = 900;
  for (const sizes of [[3, 2], [3, 2, 2], [2, 5, 3, 1]]) {
    for (const hidden of ELEMENTWISE) {
      for (const output of ELEMENTWISE) {
        if (sizes.length === 2 && hidden !== output) continue;
        for (const loss of ['sse', 'mse'] as const) {
          const a = randomModel(sizes, hidden, output, 'float64', seed);
          const b = a.clone();
          const { x, t } = randomBatch(1, sizes[0]!, sizes[sizes.length - 1]!, loss, 'float64', seed++);
          const compiled = new FusedDenseStack(a, loss, { maxBatch: 1 });
          const looped = new FusedDenseStack(b, loss, { maxBatch: 1, compile: false });
          const what = `${sizes.join('-')} ${hidden}/${output}/${loss}`;
          for (let s = 0; s < 4; s++) {
            const update = s % 2 === 0;
            const ea = update ? compiled.sgdStep(x.data, t.data, 1, 0.3) : compiled.lossAndGrad(x.data, t.data, 1);
            const eb = update ? looped.sgdStep(x.data, t.data, 1, 0.3) : looped.lossAndGrad(x.data, t.data, 1);
            assert.ok(Object.is(ea, eb), `${what} step ${s}: E ${ea} vs ${eb}`);
            assert.deepEqual(compiled.logits(1).data, looped.logits(1).data, `${what} step ${s}: logits`);
            a.parameters().forEach((p, i) => {
              const q = b.parameters()[i]!;
              assert.deepEqual(p.grad!.data, q.grad!.data, `${what} step ${s}: gradient of ${p.name}`);
              assert.deepEqual(p.data, q.data, `${what} step ${s}: ${p.name}`);
            });
          }
          assert.equal(compiled.compiledOneRow, true, `${what} compiled`);
          assert.equal(looped.compiledOneRow, false);
          cases++;
        }
      }
    }
  }
  const n = ELEMENTWISE.length;
  assert.equal(cases, 2 * n + 2 * n * n * 2);
});

test('float32 networks, softmax outputs and large networks keep the looped path', () => {
  const f32 = randomModel([3, 2, 2], 'sigmoid', 'sigmoid', 'float32', 1);
  const s32 = new FusedDenseStack(f32, 'sse', { maxBatch: 1 });
  const b32 = randomBatch(1, 3, 2, 'sse', 'float32', 1);
  s32.sgdStep(b32.x.data, b32.t.data, 1, 0.5);
  assert.equal(s32.compiledOneRow, false);
  const big = randomModel([20, 20, 2], 'tanh', 'sigmoid', 'float64', 2);
  const sBig = new FusedDenseStack(big, 'sse', { maxBatch: 1 });
  const bBig = randomBatch(1, 20, 2, 'sse', 'float64', 2);
  const E = sBig.sgdStep(bBig.x.data, bBig.t.data, 1, 0.5);
  assert.ok(Number.isFinite(E));
  assert.equal(sBig.compiledOneRow, false, '400 + 40 weights: above the compile limit');
});
