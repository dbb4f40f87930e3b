// `backprop export` and `backprop import` end to end on real files: the safetensors round trip is
// exact in F64, ONNX files written by the CLI run in ONNX Runtime and agree with the engine,
// PyTorch-written files import with PyTorch's outputs, and bad input exits 2 with one line and
// leaves no file (not even a temporary one) behind.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { main, nodeIo, type CliIo } from '../src/node.js';
import { ACTIVATIONS, decodeSafetensors, noGrad, parseModelFile, Rng, tensor, type ActivationName } from '../src/index.js';
import type { DenseModelFile as ModelFile } from '../src/io/test-util.js';
import { maxAbsDiff, randomMatrix, randomModel, referenceForward } from '../src/io/test-util.js';
import { seedExpected } from './helpers/seed.js';

const root = new URL('..', import.meta.url).pathname;
const seedModel = join(root, 'examples/seed-model.json');
const interop = join(root, 'test/fixtures/interop');
const tmp = mkdtempSync(join(tmpdir(), 'backprop-interop-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { ...nodeIo(), stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, env: { ...process.env, ...env } };
  return { status: await main(argv, io), stdout, stderr };
}

const readModel = (p: string): ModelFile => JSON.parse(readFileSync(p, 'utf8')) as ModelFile;
const writeModel = (name: string, m: ModelFile): string => {
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify(m));
  return p;
};

/** Every float64 weight and bias as raw bits, so "equal" means bit-identical (to the last ulp). */
function bits(m: ModelFile): string[] {
  const out: string[] = [];
  for (const l of m.layers) {
    for (const v of [...(l.weights as number[][]).flat(), ...l.bias!]) out.push(Buffer.from(new Float64Array([v]).buffer).toString('hex'));
  }
  return out;
}

test('export → import in F64 gives back the same model, bit for bit (seed network and random models of every activation)', async () => {
  const rng = new Rng(7);
  const cases: [string, ModelFile][] = [['seed', readModel(seedModel)]];
  for (const a of ACTIVATIONS) {
    const hidden: ActivationName = a === 'softmax' ? 'tanh' : a;
    const m = randomModel([3, 4, 2], [hidden, a], rng, a === 'softmax' ? 'cross_entropy' : 'mse');
    // NOTE: values that a decimal round trip through a short printout would lose.
    (m.layers[0]!.weights as number[][])[0]![0] = 0.1 + 0.2;
    (m.layers[0]!.weights as number[][])[1]![0] = 5e-324;
    cases.push([a, m]);
  }
  for (const [name, m] of cases) {
    const src = writeModel(`rt-${name}.json`, m);
    const st = join(tmp, `rt-${name}.safetensors`);
    const back = join(tmp, `rt-${name}-back.json`);
    const e = await run(['export', src, '--format', 'safetensors', '--out', st, '--dtype', 'F64']);
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /wrote .* \(safetensors, F64, tensors 0\.weight, 0\.bias, /);
    const i = await run(['import', st, '--out', back]);
    assert.equal(i.status, 0, i.stderr);
    const got = readModel(back);
    assert.deepEqual(got.layers.map((l) => l.activation), m.layers.map((l) => l.activation), name);
    assert.equal(got.loss, m.loss, name);
    assert.equal(got.dtype, 'float64', name);
    assert.deepEqual(bits(got), bits(readModel(src)), `${name}: weights differ after the round trip`);
    assert.deepEqual(bits(got), bits(m), `${name}: the model file did not keep the weights`);
  }
});

test('export in F32 stores each weight rounded to float32; the import is a float32 model of exactly those values', async () => {
  const st = join(tmp, 'seed-f32.safetensors');
  assert.equal((await run(['export', seedModel, '--format', 'safetensors', '--out', st, '--dtype', 'F32'])).status, 0);
  const file = decodeSafetensors(new Uint8Array(readFileSync(st)));
  assert.deepEqual([...file.tensors.keys()].sort(), ['0.bias', '0.weight', '2.bias', '2.weight']);
  assert.deepEqual(file.tensors.get('0.weight')!.shape, [2, 3]);
  assert.equal(file.tensors.get('0.weight')!.dtype, 'F32');
  const back = join(tmp, 'seed-f32.json');
  assert.equal((await run(['import', st, '--out', back])).status, 0);
  const got = readModel(back);
  assert.equal(got.dtype, 'float32');
  const want = readModel(seedModel);
  assert.deepEqual(got.layers[1]!.weights, (want.layers[1]!.weights as number[][]).map((r) => r.map(Math.fround)));
  assert.deepEqual(got.layers[0]!.bias, want.layers[0]!.bias!.map(Math.fround));
});

/** Runs an ONNX file in ONNX Runtime (CPU) on `input` rows. */
async function runOnnx(path: string, input: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(path);
  try {
    const feed = new ort.Tensor('float32', Float32Array.from(input.flat()), [input.length, input[0]!.length]);
    const out = (await session.run({ input: feed })).output!;
    const [rows, width] = out.dims as [number, number];
    const data = out.data as Float32Array;
    return Array.from({ length: rows }, (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));
  } finally {
    await session.release();
  }
}

test('export --format onnx: the file runs in ONNX Runtime and agrees with the engine within 1e-5', async () => {
  const seedOnnx = join(tmp, 'seed.onnx');
  const r = await run(['export', seedModel, '--format', 'onnx', '--out', seedOnnx]);
  assert.equal(r.status, 0, r.stderr);
  const [y] = await runOnnx(seedOnnx, [[1, 2, 3]]);
  const E = seedExpected();
  assert.ok(maxAbsDiff([y!], [E.forward.y]) < 1e-6, `seed output ${y} vs the notebook's ${E.forward.y}`);

  const rng = new Rng(11);
  const acts: ActivationName[] = ['relu', 'gelu', 'elu', 'softmax'];
  const m = randomModel([4, 6, 5, 6, 3], acts, rng, 'cross_entropy');
  const src = writeModel('deep.json', m);
  const input = randomMatrix(9, 4, rng);
  const engine = noGrad(() => parseModelFile(m).model.forward(tensor(input))).to2D();
  assert.ok(maxAbsDiff(engine, referenceForward(m, input)!) < 1e-12, 'engine vs independent float64 reference');
  for (const opset of [undefined, 13, 17]) {
    const out = join(tmp, `deep-${opset ?? 'default'}.onnx`);
    const argv = ['export', src, '--format', 'onnx', '--out', out, ...(opset ? ['--opset', String(opset)] : [])];
    const e = await run(argv);
    assert.equal(e.status, 0, e.stderr);
    const diff = maxAbsDiff(await runOnnx(out, input), engine);
    assert.ok(diff < 1e-5, `opset ${opset}: max |onnxruntime − engine| = ${diff}`);
  }
});

test('import reads a PyTorch-written state_dict with --spec and reproduces PyTorch\'s outputs', async () => {
  const cases = (JSON.parse(readFileSync(join(interop, 'torch-written.json'), 'utf8')) as { cases: { file: string; spec: string; dtype: string; input: number[][]; output: number[][] }[] }).cases;
  assert.ok(cases.length >= 3);
  for (const c of cases) {
    const out = join(tmp, `${c.file}.json`);
    const r = await run(['import', join(interop, c.file), '--spec', c.spec, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const { model } = parseModelFile(readModel(out));
    const dtype = c.dtype === 'F32' ? 'float32' : 'float64';
    assert.equal(model.dtype, dtype);
    const got = noGrad(() => model.forward(tensor(c.input, { dtype }))).to2D();
    const diff = maxAbsDiff(got, c.output);
    assert.ok(diff < (dtype === 'float64' ? 1e-12 : 2e-6), `${c.file}: max |ours − PyTorch| = ${diff}`);
  }
});

/** Files in the scratch directory whose names start with `prefix` (temporary files included). */
const leftovers = (prefix: string) => readdirSync(tmp).filter((n) => n.startsWith(prefix) || n.startsWith(`.${prefix}`));

const garbage = join(tmp, 'garbage.safetensors');
writeFileSync(garbage, Buffer.from('this is not a safetensors file at all'));
const torchFile = join(interop, 'torch-4-8-3-tanh-softmax-f32.safetensors');
const softmaxFirst = writeModel('softmax-first.json', randomModel([2, 3, 2], ['softmax', 'tanh'], new Rng(3)));
const badCases: [string, string[], RegExp, Record<string, string>?][] = [
  ['export without --format', ['export', seedModel, '--out', 'OUT'], /export: missing --format safetensors\|onnx/],
  ['export to an unknown format', ['export', seedModel, '--format', 'pt', '--out', 'OUT'], /--format must be one of safetensors, onnx, pytorch, got "pt"/],
  ['export without --out', ['export', seedModel, '--format', 'onnx'], /export: missing --out FILE/],
  ['export --dtype with onnx', ['export', seedModel, '--format', 'onnx', '--dtype', 'F64', '--out', 'OUT'], /--dtype applies to safetensors only/],
  ['export --opset 12', ['export', seedModel, '--format', 'onnx', '--opset', '12', '--out', 'OUT'], /--opset must be ≥ 13, got 12/],
  ['export --opset 99', ['export', seedModel, '--format', 'onnx', '--opset', '99', '--out', 'OUT'], /opset must be an integer from 13 to 22, got 99/],
  ['export of a missing model', ['export', join(tmp, 'nope.json'), '--format', 'onnx', '--out', 'OUT'], /nope\.json: no such file or directory/],
  ['export of an invalid model', ['export', softmaxFirst, '--format', 'safetensors', '--out', 'OUT'], /layers\[0\]\.activation: softmax is only supported on the last layer/],
  ['import of a non-safetensors file', ['import', garbage, '--out', 'OUT'], /garbage\.safetensors: safetensors: the header claims \d+ bytes/],
  ['import without a spec or metadata', ['import', torchFile, '--out', 'OUT'], /holds only weights: give the activations with a spec/],
  ['import with too few activations', ['import', torchFile, '--spec', 'tanh', '--out', 'OUT'], /spec gives 1 activations but the file holds 2 Linear layers/],
  ['import with wrong sizes', ['import', torchFile, '--spec', '4-9-3:tanh,softmax', '--out', 'OUT'], /spec sizes 4-9-3 say layer 0 is 4→9/],
  ['import with softmax first', ['import', torchFile, '--spec', 'softmax,softmax', '--out', 'OUT'], /layers\[0\]\.activation: softmax is only supported on the last layer/],
  ['import with an unknown activation', ['import', torchFile, '--spec', 'tanh,sofmax', '--out', 'OUT'], /activation 2 is "sofmax"/],
  ['import above the size limit', ['import', torchFile, '--spec', 'tanh,softmax', '--out', 'OUT'], /the file is 564 bytes, above the limit of 100 bytes/, { BACKPROP_MAX_FILE_BYTES: '100' }],
  ['import without --out', ['import', torchFile], /import: missing --out MODEL\.json/],
  ['export over its own model file', ['export', seedModel, '--format', 'onnx', '--out', seedModel], /export: --out .*seed-model\.json would overwrite the model file itself/],
  ['import over its own input', ['import', torchFile, '--spec', 'tanh,softmax', '--out', torchFile], /import: --out .* would overwrite the safetensors file itself/],
];
badCases.forEach(([what, argv, message, env], k) => {
  test(`bad input — ${what}: exit 2, one line, no output file`, async () => {
    const prefix = `bad-${k}-`;
    const out = join(tmp, `${prefix}out`);
    const r = await run(argv.map((a) => (a === 'OUT' ? out : a)), env);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(out), false);
    assert.deepEqual(leftovers(prefix), []);
  });
});

test('a failed export leaves the previous file untouched', async () => {
  const out = join(tmp, 'keep.safetensors');
  assert.equal((await run(['export', seedModel, '--format', 'safetensors', '--out', out])).status, 0);
  const before = readFileSync(out);
  const r = await run(['export', softmaxFirst, '--format', 'safetensors', '--out', out]);
  assert.equal(r.status, 2);
  assert.deepEqual(readFileSync(out), before);
});

test('the --help examples of export and import work when pasted (run from the repository root, output redirected)', async () => {
  const { COMMANDS } = await import('../src/cli/commands/index.js');
  for (const name of ['export', 'import']) {
    const command = COMMANDS.find((c) => c.name === name)!;
    assert.ok(command.examples.length >= 1);
    for (const example of command.examples) {
      const words = [...example.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      assert.deepEqual(words.splice(0, 2), ['npx', 'backprop']);
      const argv = words.map((w, i) => (words[i - 1] === '--out' ? join(tmp, `example-${w.replace(/^scratch\//, '')}`) : /^(examples|test)\//.test(w) ? join(root, w) : w));
      const r = await run(argv);
      assert.equal(r.status, 0, `${example}: ${r.stderr}`);
      assert.ok(existsSync(argv[argv.indexOf('--out') + 1]!), example);
    }
  }
});
