// The model file (JSON, version 1): round trips, initialisation from a seed, and errors that name
// the JSON path of what is wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BackpropError, parseModelFile, toModelFile, type DenseLayerFile } from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';

const seedFile = {
  format: 'backprop-model', version: 1, dtype: 'float64', loss: 'sse',
  layers: [
    { type: 'dense', activation: 'sigmoid', weights: [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], bias: [0.5, 0.5] },
    { type: 'dense', activation: 'sigmoid', weights: [[0.7, 0.9], [0.8, 0.1]], bias: [0.3, 0.3] },
  ],
};

test('the seed model file loads and writes back identically', () => {
  const { model, loss } = parseModelFile(seedFile);
  assert.deepEqual(model.sizes, [3, 2, 2]);
  assert.deepEqual(model.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '1.weight', '1.bias']);
  assert.deepEqual(toModelFile(model, loss), seedFile);
});

test('layers given by inputs/units are drawn from the top-level seed, reproducibly', () => {
  const spec = { format: 'backprop-model', version: 1, loss: 'mse', seed: 5, layers: [{ type: 'dense', activation: 'relu', inputs: 4, units: 3 }, { type: 'dense', activation: 'linear', inputs: 3, units: 1 }] };
  const a = toModelFile(parseModelFile(spec).model, 'mse');
  const b = toModelFile(parseModelFile(spec).model, 'mse');
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, toModelFile(parseModelFile({ ...spec, seed: 6 }).model, 'mse'));
  assert.equal((a.layers[0] as DenseLayerFile).weights!.length, 3);
});

const bad: [string, unknown, RegExp][] = [
  ['wrong shape', { ...seedFile, layers: [seedFile.layers[0], { ...seedFile.layers[1], weights: [[0.7, 0.9, 1], [0.8, 0.1, 1]] }] }, /layers\[1\]\.weights: expected 2 rows of 2 numbers \(the previous layer has 2 outputs\), got 2×3/],
  ['ragged rows', { ...seedFile, layers: [{ ...seedFile.layers[0], weights: [[0.1, 0.3, 0.5], [0.2]] }] }, /layers\[0\]\.weights: .*ragged/],
  ['string weight', { ...seedFile, layers: [{ ...seedFile.layers[0], weights: [[0.1, '0.3', 0.5], [0.2, 0.4, 0.6]] }] }, /layers\[0\]\.weights\[0\]\[1\]: expected a finite number, got "0.3"/],
  ['bias length', { ...seedFile, layers: [{ ...seedFile.layers[0], bias: [0.5] }] }, /layers\[0\]\.bias: expected 2 numbers/],
  ['unknown activation', { ...seedFile, layers: [{ ...seedFile.layers[0], activation: 'sigmod' }] }, /layers\[0\]\.activation: .*got "sigmod" \(did you mean "sigmoid"\?\)/],
  ['unknown loss', { ...seedFile, loss: 'cross-entropy' }, /loss: .*did you mean "cross_entropy"/],
  ['wrong format', { ...seedFile, format: 'keras' }, /format: expected "backprop-model"/],
  ['absurd size', { format: 'backprop-model', version: 1, layers: [{ type: 'dense', activation: 'relu', inputs: 1e12, units: 3 }] }, /layers\[0\]\.inputs: expected a positive integer/],
  ['too many parameters', { format: 'backprop-model', version: 1, layers: [{ type: 'dense', activation: 'relu', inputs: 100000, units: 100000 }] }, /more than 50000000 parameters/],
  ['not an object', [1, 2], /expected a JSON object, got an array of 2/],
  ['softmax in the middle', { ...seedFile, layers: [{ ...seedFile.layers[0], activation: 'softmax' }, seedFile.layers[1]] }, /only supported on the last layer/],
];
for (const [what, json, message] of bad) {
  test(`a model file with ${what} is refused with its JSON path`, () => {
    assert.throws(() => parseModelFile(json, 'm.json'), (e: unknown) => e instanceof BackpropError && e.code === 'model-file' && message.test(e.message) && e.message.startsWith('m.json: '));
  });
}

test('saveModel writes atomically and loadModel reads it back; no temporary file remains', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-'));
  const path = join(dir, 'm.json');
  writeFileSync(path, 'previous');
  const { model, loss } = parseModelFile(seedFile);
  saveModel(path, model, loss);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), seedFile);
  assert.deepEqual(toModelFile(loadModel(path).model, 'sse'), seedFile);
  assert.deepEqual(readdirSync(dir), ['m.json']);
  assert.throws(() => saveModel(join(dir, 'missing-dir', 'm.json'), model, loss), /cannot write \(no such file or directory\); the previous file, if any, is unchanged/);
  rmSync(dir, { recursive: true, force: true });
});

test('a model whose later layer crosses the parameter limit is refused before any layer is built', () => {
  const json = { format: 'backprop-model', version: 1, layers: [{ type: 'dense', activation: 'relu', inputs: 7000, units: 7000 }, { type: 'dense', activation: 'relu', inputs: 7000, units: 7000 }] };
  const started = process.memoryUsage().arrayBuffers;
  assert.throws(() => parseModelFile(json), /layers\[1\]: the model would have more than 50000000 parameters/);
  assert.ok(process.memoryUsage().arrayBuffers - started < 100e6, 'no 392 MB weight matrix was allocated');
});
