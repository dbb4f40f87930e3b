// Interop fixtures made by scripts/fixtures/make_interop.py (PyTorch 1.13, onnx 1.12) and
// scripts/fixtures/write-safetensors.ts. No Python runs here: the files and PyTorch's outputs are committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { INTEROP_DIR, interopWrites, SEED_MODEL } from '../../scripts/fixtures/write-safetensors.js';
import { parseModelFile, type ModelFile } from './model-file.js';
import { decodeSafetensors } from './safetensors.js';
import { linearIndices, parseModelSpec, safetensorsToModelFile } from './state-dict.js';
import { maxAbsDiff, referenceForward } from './test-util.js';
import { tensor } from '../tensor/create.js';

interface Case {
  file: string;
  sha256: string;
  spec: string;
  dtype: 'F32' | 'F64';
  state_dict_keys?: string[];
  input: number[][];
  output: number[][];
}

const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(INTEROP_DIR, name), 'utf8')) as T;
const readBytes = (name: string) => new Uint8Array(readFileSync(join(INTEROP_DIR, name)));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The engine's forward pass on a model file (float32 models compute in float32). */
function engineForward(model: ModelFile, input: number[][]): number[][] {
  const { model: net } = parseModelFile(model);
  return net.forward(tensor(input, { dtype: model.dtype })).to2D();
}

// float64 files: PyTorch and we agree to round-off; float32: PyTorch computes in float32.
const tolerance = (dtype: 'F32' | 'F64') => (dtype === 'F64' ? 1e-12 : 2e-6);

const torchWritten = readJson<{ cases: Case[] }>('torch-written.json');
for (const c of torchWritten.cases) {
  test(`reads ${c.file} written from PyTorch and reproduces PyTorch's outputs (${c.spec})`, () => {
    const bytes = readBytes(c.file);
    assert.equal(sha256(bytes), c.sha256);
    const model = safetensorsToModelFile(bytes, c.spec);
    const spec = parseModelSpec(c.spec);
    assert.deepEqual(c.state_dict_keys, linearIndices(spec.activations).flatMap((k) => [`${k}.weight`, `${k}.bias`]));
    assert.equal(model.dtype, c.dtype === 'F32' ? 'float32' : 'float64');
    const reference = maxAbsDiff(referenceForward(model, c.input)!, c.output);
    assert.ok(reference < tolerance(c.dtype), `float64 reference vs PyTorch: ${reference}`);
    const engine = maxAbsDiff(engineForward(model, c.input), c.output);
    assert.ok(engine < tolerance(c.dtype), `engine vs PyTorch: ${engine}`);
  });
}

const backpropWritten = readJson<{ cases: Case[]; onnx_checker: { sha256: string; check_model: string } }>('backprop-written.json');

test('our encoders still write, byte for byte, the files PyTorch and the ONNX checker accepted', () => {
  const writes = interopWrites();
  for (const [name, bytes] of writes) {
    assert.ok(Buffer.from(bytes).equals(readBytes(name)), `${name} differs from the committed fixture`);
  }
  for (const c of backpropWritten.cases) assert.equal(sha256(writes.get(c.file)!), c.sha256, c.file);
  assert.equal(sha256(writes.get('backprop-mixed.onnx')!), backpropWritten.onnx_checker.sha256);
  assert.match(backpropWritten.onnx_checker.check_model, /^passed/);
});

for (const c of backpropWritten.cases) {
  test(`PyTorch's outputs on ${c.file} (which we wrote) match ours`, () => {
    const model = safetensorsToModelFile(readBytes(c.file));
    assert.equal(decodeSafetensors(readBytes(c.file)).metadata.get('backprop.spec'), c.spec);
    const engine = maxAbsDiff(engineForward(model, c.input), c.output);
    assert.ok(engine < tolerance(c.dtype), `engine vs PyTorch: ${engine}`);
  });
}

test('the seed file holds the notebook\'s weights and PyTorch gave the notebook\'s outputs', () => {
  const seedCase = backpropWritten.cases.find((c) => c.file === 'backprop-seed-f64.safetensors')!;
  assert.deepEqual(safetensorsToModelFile(readBytes(seedCase.file)), SEED_MODEL);
  // ../shared/seed/expected.json forward.y
  assert.deepEqual(seedCase.output, [[0.8610339864424298, 0.7587912922319807]]);
});

test('ONNX Runtime on backprop-mixed.onnx gives PyTorch\'s outputs for the same network', async () => {
  const c = backpropWritten.cases.find((x) => x.file === 'backprop-mixed-f32.safetensors')!;
  const session = await ort.InferenceSession.create(readBytes('backprop-mixed.onnx'));
  try {
    const feed = new ort.Tensor('float32', Float32Array.from(c.input.flat()), [c.input.length, c.input[0]!.length]);
    const out = (await session.run({ input: feed })).output!;
    const width = out.dims[1]!;
    const data = out.data as Float32Array;
    const rows = c.input.map((_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));
    const diff = maxAbsDiff(rows, c.output);
    assert.ok(diff < 2e-6, `ONNX Runtime vs PyTorch: ${diff}`);
  } finally {
    await session.release();
  }
});
