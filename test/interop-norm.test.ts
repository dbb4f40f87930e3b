// Batch norm, layer norm and dropout through safetensors (PyTorch's state-dict names, both ways:
// running_mean, running_var, num_batches_tracked as int64) and ONNX (BatchNormalization,
// LayerNormalization, Dropout as the identity) — against files PyTorch wrote and read
// (scripts/fixtures/make_interop.py, part c) and against onnxruntime-node.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { INTEROP_DIR, normModel } from '../scripts/fixtures/write-safetensors.js';
import { decodeSafetensors, modelFileToOnnx, modelFileToSafetensors, noGrad, parseModelFile, safetensorsToModelFile, Sequential, Rng, tensor, toModelFile, type ModelFile } from '../src/index.js';
import { BatchNorm1d } from '../src/nn/batch-norm.js';
import { formatModelSpec, parseModelSpec, specOf } from '../src/io/state-dict.js';

interface Case {
  file: string;
  sha256: string;
  spec: string;
  state_dict_keys?: string[];
  input: number[][];
  output: number[][];
}

const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(INTEROP_DIR, name)));
const json = <T>(name: string): T => JSON.parse(readFileSync(join(INTEROP_DIR, name), 'utf8')) as T;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function evalForward(file: ModelFile, input: number[][]): number[][] {
  const { model } = parseModelFile(file);
  return noGrad(() => model.eval().forward(tensor(input, { dtype: file.dtype }))).to2D();
}

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

test('reads the state dict PyTorch wrote for Linear, BatchNorm1d, ReLU, Dropout, Linear, LayerNorm, Tanh, Linear and reproduces its eval outputs', () => {
  const c = json<{ cases: Case[] }>('torch-norm-written.json').cases[0]!;
  const bytes = read(c.file);
  assert.equal(sha256(bytes), c.sha256);
  const file = decodeSafetensors(bytes);
  assert.deepEqual([...file.tensors.keys()].sort(), [...c.state_dict_keys!].sort());
  assert.equal(file.tensors.get('1.num_batches_tracked')!.dtype, 'I64');
  const model = safetensorsToModelFile(bytes, c.spec);
  assert.deepEqual(model.layers.map((l) => l.type), ['dense', 'batch_norm', 'activation', 'dropout', 'dense', 'layer_norm', 'activation', 'dense']);
  const { model: net } = parseModelFile(model);
  assert.equal((net.layers[1] as BatchNorm1d).numBatchesTracked.item(), 3);
  const diff = maxDiff(evalForward(model, c.input), c.output);
  assert.ok(diff < 1e-12, `max |ours − PyTorch| = ${diff}`);
});

test('PyTorch loads our safetensors of the same kinds strictly and gets our eval outputs; our file round-trips exactly', () => {
  const written = json<{ cases: Case[]; onnx_checker: { sha256: string; check_model: string; ops: string[] } }>('backprop-norm-written.json');
  const c = written.cases[0]!;
  const bytes = modelFileToSafetensors(normModel());
  assert.equal(sha256(bytes), c.sha256, 'the encoder still writes the bytes PyTorch read');
  assert.equal(decodeSafetensors(bytes).metadata.get('backprop.spec'), c.spec);
  const diff = maxDiff(evalForward(normModel(), c.input), c.output);
  assert.ok(diff < 1e-12, `max |ours − PyTorch| = ${diff}`);
  assert.deepEqual(safetensorsToModelFile(bytes), toModelFile(parseModelFile(normModel()).model, 'cross_entropy'));
  assert.equal(sha256(modelFileToOnnx(normModel())), written.onnx_checker.sha256);
  assert.match(written.onnx_checker.check_model, /^passed/);
  assert.deepEqual(written.onnx_checker.ops.filter((op) => op !== 'Gemm'), ['BatchNormalization', 'Relu', 'Dropout', 'LayerNormalization', 'Tanh', 'Softmax']);
});

test('ONNX Runtime runs the exported network in inference: batch norm with its running statistics, dropout the identity, layer norm (opset 17)', async () => {
  const file = normModel();
  const input = [[0.3, -1.2, 2, 0.5], [1, 1, -1, 0], [-0.7, 0.2, 0.4, 1.5]];
  const session = await ort.InferenceSession.create(modelFileToOnnx(file));
  try {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(input.flat()), [3, 4]) });
    const data = out.output!.data as Float32Array;
    const got = [0, 1, 2].map((r) => Array.from(data.subarray(r * 3, r * 3 + 3)));
    const diff = maxDiff(got, evalForward(file, input));
    assert.ok(diff < 1e-5, `max |onnxruntime − ours| = ${diff}`);
  } finally {
    await session.release();
  }
  assert.throws(() => modelFileToOnnx(file, { opset: 16 }), /layer norm needs opset 17 or later/);
});

test('a trained batch-norm network through safetensors keeps every parameter and buffer bit for bit', () => {
  const model = Sequential.mlp([3, 5, 4, 2], { batchNorm: { momentum: null, eps: 1e-3 }, dropout: 0.3, output: 'sigmoid', rng: new Rng(4) });
  noGrad(() => model.train().forward(tensor([[1, 2, 3], [0, -1, 2], [3, 1, 1]])));
  const file = toModelFile(model, 'bce');
  const spec = formatModelSpec(specOf(model, 'bce'));
  assert.equal(spec, '3-5-4-2:linear,batch_norm(eps=0.001,momentum=none),relu,dropout(0.3),linear,batch_norm(eps=0.001,momentum=none),relu,dropout(0.3),sigmoid:bce');
  assert.deepEqual(parseModelSpec(spec).layers!.map((l) => l.type), ['activation', 'batch_norm', 'activation', 'dropout', 'activation', 'batch_norm', 'activation', 'dropout', 'activation']);
  const back = safetensorsToModelFile(modelFileToSafetensors(file));
  assert.deepEqual(back, file);
});

test('an import spec that disagrees with the tensors is refused, naming the tensor', () => {
  const bytes = read('torch-norm-f64.safetensors');
  assert.throws(() => safetensorsToModelFile(bytes, 'linear,relu,linear,tanh,linear'), /"1\.num_batches_tracked" is not a Linear parameter .*needs a spec that names every layer/);
  assert.throws(() => safetensorsToModelFile(bytes, 'linear,batch_norm,relu,dropout(0.25),linear,layer_norm,tanh'), /places no layer that holds "7\.(weight|bias)"/);
  assert.throws(() => parseModelSpec('linear,batch_norm(alpha=1),linear'), /batch_norm takes eps, momentum, affine, got "alpha=1"/);
  assert.throws(() => parseModelSpec('linear,batchnorm,linear'), /expected one of .*, or a layer: batch_norm, layer_norm, dropout\(P\)/);
});
