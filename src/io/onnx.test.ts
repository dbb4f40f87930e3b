import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { modelFileToOnnx } from './onnx.js';
import { ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import { maxAbsDiff, randomMatrix, randomModel, referenceForward } from './test-util.js';
import { Rng } from '../tensor/rng.js';
import { BackpropError } from '../errors.js';
import { parseModelFile, type ModelFile } from './model-file.js';
import { tensor } from '../tensor/create.js';

/** Runs the exported bytes in ONNX Runtime (CPU) and returns the output rows. */
async function runOnnx(bytes: Uint8Array, input: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    assert.deepEqual(session.inputNames, ['input']);
    assert.deepEqual(session.outputNames, ['output']);
    const cols = input[0]!.length;
    const feed = new ort.Tensor('float32', Float32Array.from(input.flat()), [input.length, cols]);
    const result = await session.run({ input: feed });
    const out = result.output!;
    const [rows, width] = out.dims as [number, number];
    assert.equal(rows, input.length);
    const data = out.data as Float32Array;
    return Array.from({ length: rows }, (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));
  } finally {
    await session.release();
  }
}

/**
 * ONNX Runtime's float32 output against the engine's float64 forward pass (every activation of
 * which is held to PyTorch), and against the independent float64 formulas where they exist.
 */
async function checkAgainstReference(model: ModelFile, input: number[][], opset?: number): Promise<number> {
  const bytes = modelFileToOnnx(model, opset === undefined ? {} : { opset });
  const got = await runOnnx(bytes, input);
  const engine = parseModelFile(model).model.forward(tensor(input)).to2D();
  const diff = maxAbsDiff(got, engine);
  assert.ok(diff < 1e-5, `max |onnx − engine| = ${diff}`);
  const want = referenceForward(model, input);
  if (want !== null) {
    assert.ok(maxAbsDiff(engine, want) < 1e-12, 'engine vs reference');
    assert.ok(maxAbsDiff(got, want) < 1e-5, 'onnx vs reference');
  }
  return diff;
}

const rng = new Rng(20261130);

for (const activation of ACTIVATIONS) {
  test(`ONNX Runtime agrees with the float64 forward for ${activation} (4-6-3, batch 7) within 1e-5`, async () => {
    // NOTE: the model file allows softmax on the last layer only.
    const model = randomModel([4, 6, 3], [activation === 'softmax' ? 'tanh' : activation, activation], rng);
    await checkAgainstReference(model, randomMatrix(7, 4, rng));
  });
}

test('gelu both ways: native Gelu at opset 20 and the Erf form at opset 13 and 17', async () => {
  const model = randomModel([3, 5, 2], ['gelu', 'gelu'], rng);
  const input = randomMatrix(6, 3, rng, 3);
  for (const opset of [13, 17, 20]) await checkAgainstReference(model, input, opset);
  const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
  assert.match(text(modelFileToOnnx(model)), /Gelu/);
  assert.doesNotMatch(text(modelFileToOnnx(model, { opset: 13 })), /Gelu/);
  assert.match(text(modelFileToOnnx(model, { opset: 13 })), /Erf/);
});

test('a deep model chaining every activation, batch of 1 and of 33 (symbolic batch dimension)', async () => {
  const acts: ActivationName[] = ['tanh', 'relu', 'linear', 'leaky_relu', 'elu', 'gelu', 'softplus', 'sigmoid', 'softmax'];
  const sizes = [5, 8, 7, 6, 8, 7, 6, 5, 6, 4];
  const model = randomModel(sizes, acts, rng);
  await checkAgainstReference(model, randomMatrix(1, 5, rng));
  await checkAgainstReference(model, randomMatrix(33, 5, rng));
});

test('the seed network exported to ONNX gives the notebook\'s outputs', async () => {
  const seed = {
    format: 'backprop-model', version: 1, dtype: 'float64', loss: 'sse',
    layers: [
      { type: 'dense', activation: 'sigmoid', weights: [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], bias: [0.5, 0.5] },
      { type: 'dense', activation: 'sigmoid', weights: [[0.7, 0.9], [0.8, 0.1]], bias: [0.3, 0.3] },
    ],
  } as ModelFile;
  const [y] = await runOnnx(modelFileToOnnx(seed), [[1, 2, 3]]);
  // ../shared/seed/expected.json forward.y
  assert.ok(Math.abs(y![0]! - 0.8610339864424298) < 1e-6);
  assert.ok(Math.abs(y![1]! - 0.7587912922319807) < 1e-6);
});

test('export refuses models it cannot write, with model-file / value errors', () => {
  const model = randomModel([2, 2], ['relu'], rng);
  assert.throws(() => modelFileToOnnx(model, { opset: 12 }), (e) => e instanceof BackpropError && e.code === 'value');
  const noWeights = { ...model, layers: [{ type: 'dense', activation: 'relu', inputs: 2, units: 2 }] } as unknown as ModelFile;
  assert.throws(() => modelFileToOnnx(noWeights), /layers\[0\]: expected weights and bias/);
  const badChain = randomModel([2, 3], ['relu'], rng);
  (badChain.layers as unknown[]).push(randomModel([4, 1], ['linear'], rng).layers[0]);
  assert.throws(() => modelFileToOnnx(badChain), /layers\[1\]\.weights: expected 1 rows of 3 numbers \(the previous layer has 3 outputs\)/);
});
