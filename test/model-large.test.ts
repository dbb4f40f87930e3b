// What can be trained can be saved and resumed: a 21-million-parameter network — past the ~20 M at
// which the indented JSON of its weights passes V8's longest string — is saved, loaded back bit for
// bit, and checkpointed with its Adam buffers; a network above the inline limit resumes through
// the CLI to the same weights as a run that never stopped. The weights live in a safetensors file
// beside the JSON (docs/model-file.md).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadCheckpoint, loadModel, main, nodeIo, parseModelFile, Rng, saveCheckpoint, saveModel, Sequential, toModelFile, type CliIo, type TrainingState } from '../src/node.js';

const tmp = mkdtempSync(join(tmpdir(), 'backprop-large-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SIZES = [5000, 4200, 2];

async function cli(argv: string[]): Promise<{ status: number; text: string }> {
  let text = '';
  const io: CliIo = { ...nodeIo(), stdout: (s) => void (text += s), stderr: (s) => void (text += s), isTTY: false };
  return { status: await main(argv, io), text };
}

test('a 21 M-parameter model saves and loads back bit for bit (weights in a safetensors file beside the JSON)', { timeout: 180_000 }, () => {
  const model = Sequential.mlp(SIZES, { activation: 'tanh', output: 'softmax', rng: new Rng(3), dtype: 'float32' });
  assert.ok(model.parameterCount() > 21_000_000);
  const path = join(tmp, 'big.json');
  saveModel(path, model, 'cross_entropy');
  const files = readdirSync(tmp).filter((f) => f.startsWith('big.'));
  assert.equal(files.length, 2, files.join(', '));
  const sidecar = files.find((f) => f.endsWith('.safetensors'))!;
  assert.match(sidecar, /^big\.[0-9a-f]{8}\.safetensors$/);
  assert.ok(statSync(join(tmp, 'big.json')).size < 4096, 'the JSON holds the structure, not the weights');
  assert.ok(statSync(join(tmp, sidecar)).size > 4 * 21_000_000);
  const back = loadModel(path);
  assert.deepEqual(back.model.sizes, SIZES);
  assert.equal(back.model.dtype, 'float32');
  model.parameters().forEach((p, i) => assert.ok(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).equals(Buffer.from(back.model.parameters()[i]!.data.buffer)), `parameter ${i} differs`));
  // A damaged weights file is refused in words, never loaded.
  const bytes = readFileSync(join(tmp, sidecar));
  bytes[bytes.length - 1]! ^= 1;
  writeFileSync(join(tmp, sidecar), bytes);
  assert.throws(() => loadModel(path), /big\.json: big\.[0-9a-f]{8}\.safetensors: the weights file's checksum differs from the document's/);
  // Saved again, small: the weights file of the large save goes.
  saveModel(path, Sequential.mlp([2, 2], { rng: new Rng(1) }), 'mse');
  assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('big.')), ['big.json']);
});

test('a checkpoint of a 21 M-parameter network with its Adam buffers (some 1.3 GB as JSON text) saves and loads back', { timeout: 180_000 }, () => {
  const model = Sequential.mlp(SIZES, { activation: 'tanh', output: 'softmax', rng: new Rng(3), dtype: 'float32' });
  const params = model.parameters();
  // A state as fit makes it after one Adam step: typed copies of the weights and of both buffers.
  const state: TrainingState = {
    format: 'backprop-checkpoint', version: 1, epoch: 1,
    model: toModelFile(model, 'cross_entropy'),
    optimizer: { name: 'adam', lr: 0.001, step: 1, buffers: params.map((p) => ({ m: p.data.map((v) => v / 2), v: p.data.map((v) => v * v) })), paramSteps: params.map(() => 1) },
    baseLr: 0.001, rng: [1, 2, 3, 4], history: [{ epoch: 1, loss: 0.7, batchLoss: 0.7, lr: 0.001, seconds: 1 }], schedule: null, earlyStopping: null, stopReason: null,
  };
  const dir = join(tmp, 'ckpt-21m');
  saveCheckpoint(dir, state);
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 2, files.join(', '));
  assert.ok(statSync(join(dir, 'checkpoint.json')).size < 8192);
  const back = loadCheckpoint(dir);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Buffer.from((a as Float32Array).buffer, (a as Float32Array).byteOffset, (a as Float32Array).byteLength).equals(Buffer.from((b as Float32Array).buffer, (b as Float32Array).byteOffset, (b as Float32Array).byteLength));
  params.forEach((p, i) => {
    assert.ok(same(back.optimizer.buffers[i]!.m!, state.optimizer.buffers[i]!.m!), `m of parameter ${i}`);
    assert.ok(same(back.optimizer.buffers[i]!.v!, state.optimizer.buffers[i]!.v!), `v of parameter ${i}`);
  });
  const loaded = parseModelFile(back.model, 'checkpoint model').model.parameters();
  params.forEach((p, i) => assert.ok(same(loaded[i]!.data, p.data), `weights of parameter ${i}`));
});

test('train checkpoints and resumes a network above the inline limit with Adam: the same weights as a run that never stopped', { timeout: 300_000 }, async () => {
  const sizes = [2000, 600, 2];
  const rng = new Rng(5);
  const rows = 4;
  const data = join(tmp, 'wide.json');
  writeFileSync(data, JSON.stringify({ inputs: Array.from({ length: rows }, () => Array.from({ length: sizes[0]! }, () => rng.uniform() - 0.5)), targets: Array.from({ length: rows }, (_, i) => [i % 2, 1 - (i % 2)]) }));
  const settings = ['--data', data, '--layers', sizes.join(','), '--activation', 'tanh', '--dtype', 'float32', '--optimizer', 'adam', '--lr', '0.001', '--batch-size', '2', '--seed', '9'];
  const ckpt = join(tmp, 'ckpt');
  const first = await cli(['train', ...settings, '--epochs', '1', '--checkpoint', ckpt, '--out', join(tmp, 'first.json')]);
  assert.equal(first.status, 0, first.text);
  const inDir = readdirSync(ckpt).sort();
  assert.equal(inDir.length, 2, inDir.join(', '));
  assert.ok(statSync(join(ckpt, inDir.find((f) => f.endsWith('.safetensors'))!)).size > 3 * 4 * 1_200_000, 'weights and both Adam buffers');
  const resumed = await cli(['train', '--resume', ckpt, '--data', data, '--epochs', '2', '--out', join(tmp, 'resumed.json')]);
  assert.equal(resumed.status, 0, resumed.text);
  assert.match(resumed.text, /resuming after epoch 1/);
  const straight = await cli(['train', ...settings, '--epochs', '2', '--out', join(tmp, 'straight.json')]);
  assert.equal(straight.status, 0, straight.text);
  const a = loadModel(join(tmp, 'resumed.json')).model.parameters();
  const b = loadModel(join(tmp, 'straight.json')).model.parameters();
  a.forEach((p, i) => assert.ok(Buffer.from(p.data.buffer).equals(Buffer.from(b[i]!.data.buffer)), `parameter ${i} differs`));
});
