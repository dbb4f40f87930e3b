import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatModelSpec, linearIndices, modelFileToSafetensors, modelFileToStateDict, parseModelSpec,
  safetensorsToModelFile, stateDictToModelFile,
} from './state-dict.js';
import { encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { randomModel } from './test-util.js';
import { Rng } from '../tensor/rng.js';
import { BackpropError } from '../errors.js';
import type { DenseLayerFile, ModelFile } from './model-file.js';

const seed: ModelFile = {
  format: 'backprop-model', version: 1, dtype: 'float64', loss: 'sse',
  layers: [
    { type: 'dense', activation: 'sigmoid', weights: [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], bias: [0.5, 0.5] },
    { type: 'dense', activation: 'sigmoid', weights: [[0.7, 0.9], [0.8, 0.1]], bias: [0.3, 0.3] },
  ],
};

const isError = (code: string, message: RegExp) => (e: unknown) =>
  e instanceof BackpropError && e.code === code && message.test(e.message);

test('the seed network maps to 0.weight, 0.bias, 2.weight, 2.bias with the spec in metadata', () => {
  const { tensors, metadata } = modelFileToStateDict(seed);
  assert.deepEqual([...tensors.keys()], ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.deepEqual(tensors.get('0.weight')!.shape, [2, 3]);
  assert.deepEqual([...tensors.get('0.weight')!.data], [0.1, 0.3, 0.5, 0.2, 0.4, 0.6]);
  assert.deepEqual([...tensors.get('2.bias')!.data], [0.3, 0.3]);
  assert.equal(tensors.get('2.weight')!.dtype, 'F64');
  assert.deepEqual(metadata, { format: 'pt', 'backprop.spec': '3-2-2:sigmoid,sigmoid:sse' });
});

test('index rule: a linear layer adds one module, any other activation two', () => {
  assert.deepEqual(linearIndices(['sigmoid', 'sigmoid']), [0, 2]);
  assert.deepEqual(linearIndices(['linear', 'tanh']), [0, 1]);
  assert.deepEqual(linearIndices(['relu', 'linear', 'linear', 'softmax']), [0, 2, 3, 4]);
});

test('spec strings parse and format back', () => {
  assert.deepEqual(parseModelSpec('3-2-2:sigmoid,sigmoid'), { sizes: [3, 2, 2], activations: ['sigmoid', 'sigmoid'] });
  assert.deepEqual(parseModelSpec(' tanh, softmax : cross_entropy '), { activations: ['tanh', 'softmax'], loss: 'cross_entropy' });
  for (const s of ['4-8-3:tanh,softmax:cross_entropy', 'relu,linear', '2-1:gelu']) assert.equal(formatModelSpec(parseModelSpec(s)), s);
  assert.throws(() => parseModelSpec('3-2-2:sigmoid'), isError('argument', /3 sizes describe 2 layers but 1 activations/));
  assert.throws(() => parseModelSpec('3-2:sigmod'), isError('argument', /activation 1 is "sigmod"/));
  assert.throws(() => parseModelSpec('relu:l2'), isError('argument', /loss is "l2"/));
  assert.throws(() => parseModelSpec(''), isError('argument', /expected \[SIZES:\]ACTIVATIONS/));
  assert.throws(() => parseModelSpec('3-0:relu'), isError('argument', /positive integers/));
});

test('round trip through safetensors bytes: F64 exact, F32 rounded to float32, spec from metadata', () => {
  const model = randomModel([5, 7, 4, 3], ['gelu', 'linear', 'softmax'], new Rng(7), 'cross_entropy');
  assert.deepEqual(safetensorsToModelFile(modelFileToSafetensors(model)), model);
  const f32 = safetensorsToModelFile(modelFileToSafetensors(model, { dtype: 'F32' }));
  assert.equal(f32.dtype, 'float32');
  assert.deepEqual((f32.layers[1] as DenseLayerFile).weights, ((model.layers[1] as DenseLayerFile).weights as number[][]).map((r) => r.map(Math.fround)));
  assert.deepEqual([...modelFileToStateDict(model).tensors.keys()], ['0.weight', '0.bias', '2.weight', '2.bias', '3.weight', '3.bias']);
});

function tensor(shape: number[], values?: number[]): SafetensorsTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'F32', shape, data: Float32Array.from(values ?? Array.from({ length: n }, (_, i) => i / 4)) };
}

test('import from a PyTorch-style state dict: explicit spec, prefixes, missing bias, F32', () => {
  const tensors = new Map([
    ['net.0.weight', tensor([3, 2])], ['net.0.bias', tensor([3])],
    ['net.2.weight', tensor([1, 3], [0.5, -0.25, 2])],
  ]);
  const model = stateDictToModelFile(tensors, '2-3-1:relu,linear');
  assert.equal(model.dtype, 'float32');
  assert.equal(model.loss, 'mse');
  const layers = model.layers as DenseLayerFile[];
  assert.deepEqual(layers.map((l) => l.activation), ['relu', 'linear']);
  assert.deepEqual(layers[0]!.weights, [[0, 0.25], [0.5, 0.75], [1, 1.25]]);
  assert.deepEqual(layers[1]!.weights, [[0.5, -0.25, 2]]);
  assert.deepEqual(layers[1]!.bias, [0]);
});

test('import refuses specs that disagree with the tensors, naming what and where', () => {
  const tensors = new Map([['0.weight', tensor([3, 2])], ['0.bias', tensor([3])], ['2.weight', tensor([1, 3])], ['2.bias', tensor([1])]]);
  assert.throws(() => stateDictToModelFile(tensors, 'linear,linear'), isError('argument', /places layer 1's Linear at index 1, but the file has it at 2/));
  assert.throws(() => stateDictToModelFile(tensors, 'relu'), isError('argument', /1 activations but the file holds 2 Linear layers/));
  assert.throws(() => stateDictToModelFile(tensors, '2-4-1:relu,relu'), isError('argument', /layer 0 is 2→4, but "0.weight" is 3×2/));
  const dropout = new Map([['0.weight', tensor([3, 2])], ['3.weight', tensor([1, 3])]]);
  assert.throws(() => stateDictToModelFile(dropout, 'relu,relu'), isError('argument', /at 3 \(2 module\(s\) without parameters before it\)/));
  assert.throws(() => stateDictToModelFile(new Map([['0.running_mean', tensor([3])]]), 'relu'), isError('model-file', /"0.running_mean" is not a Linear parameter/));
  assert.throws(() => stateDictToModelFile(new Map([['a.0.weight', tensor([1, 1])], ['b.2.weight', tensor([1, 1])]]), 'relu,relu'), isError('model-file', /prefix "a\."/));
  assert.throws(() => stateDictToModelFile(new Map([['0.weight', tensor([3])]]), 'relu'), isError('model-file', /rank 2/));
  assert.throws(() => stateDictToModelFile(new Map([['0.weight', tensor([3, 2])], ['0.bias', tensor([2])]]), 'relu'), isError('model-file', /"0.bias" must have shape \[3\]/));
  assert.throws(() => stateDictToModelFile(new Map([['0.weight', tensor([3, 2])], ['1.weight', tensor([1, 2])]]), 'linear,relu'), isError('model-file', /layer 1 takes 2 inputs but layer 0 gives 3/));
  assert.throws(() => stateDictToModelFile(new Map([['0.bias', tensor([3])]]), 'relu'), isError('model-file', /"0.bias" has no "0.weight"/));
});

test('a weights-only file needs a spec; a spec stored badly is the file\'s fault', () => {
  const bare = encodeSafetensors(modelFileToStateDict(seed).tensors);
  assert.throws(() => safetensorsToModelFile(bare), isError('argument', /give the activations with a spec/));
  assert.deepEqual(safetensorsToModelFile(bare, '3-2-2:sigmoid,sigmoid:sse'), seed);
  const wrong = encodeSafetensors(modelFileToStateDict(seed).tensors, { 'backprop.spec': 'sigmoid' });
  assert.throws(() => safetensorsToModelFile(wrong), isError('model-file', /metadata "backprop.spec": spec gives 1 activations/));
  // An explicit spec wins over the stored one.
  const model = safetensorsToModelFile(modelFileToSafetensors(seed), 'sigmoid,sigmoid');
  assert.equal(model.loss, 'mse');
});

test('export refuses a layer without weights or with non-finite numbers', () => {
  const sized = { ...seed, layers: [{ type: 'dense', activation: 'relu', inputs: 3, units: 2 }] } as ModelFile;
  assert.throws(() => modelFileToStateDict(sized), isError('model-file', /layers\[0\]: expected weights and bias/));
  const nan = structuredClone(seed);
  ((nan.layers[1] as DenseLayerFile).weights as number[][])[0]![1] = NaN;
  assert.throws(() => modelFileToStateDict(nan), isError('model-file', /layers\[1\]\.weights\[0\]\[1\]: expected a finite number, got NaN/));
});
