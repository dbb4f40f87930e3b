// The CLI in-process (main(argv, io) with a fake io) and as a real subprocess; bad input of every
// kind ends in one line on stderr, exit status 2, and no output file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main, nodeIo, type CliIo } from '../src/node.js';
import { seedExpected } from './helpers/seed.js';
import { assertAllClose, assertClose } from './helpers/close.js';

const E = seedExpected();
const root = new URL('..', import.meta.url).pathname;

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { ...nodeIo(), stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, env: { ...process.env, ...env } };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'backprop-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const seedModel = join(root, 'examples/seed-model.json');

test('demo prints the finished notebook: forward, cost, all gradients, descent to the target', async () => {
  const r = await run(['demo']);
  assert.equal(r.status, 0);
  for (const s of ['0.93702664', '0.86103399', '0.28217575', '0.04047892', '(bw41)', '(bw52)', '0.16377596', '0.0074763267', '0.0052423218', '2.2117236e-13']) {
    assert.ok(r.stdout.includes(s), `demo output lacks ${s}`);
  }
  const ko = await run(['demo', '--lang', 'ko', '--steps', '10']);
  assert.equal(ko.status, 0);
  for (const s of ['순전파', '역전파', '비용 함수', '가중치', '편향', '기울기', '학습률', '0.28217575', '0.07893603']) assert.ok(ko.stdout.includes(s), `Korean demo lacks ${s}`);
});

test('one numbering on screen: grad\'s layer k is Wk, and the demo\'s descent table names the outputs y6, y7 as its text does', async () => {
  const r = await run(['grad', seedModel, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]']);
  assert.equal(r.status, 0);
  const headings = [...r.stdout.matchAll(/^∂E\/∂W(\d) \(layer (\d): (\d) neurons × (\d) inputs\):$/gm)].map((m) => m.slice(1).map(Number));
  assert.deepEqual(headings, [[1, 1, 2, 3], [2, 2, 2, 2]]);
  for (const lang of ['en', 'ko']) {
    const demo = (await run(['demo', '--lang', lang, '--steps', '1'])).stdout;
    const outputs = /→ [^\n]*?(\d)–(\d)\)\n/.exec(demo)!;  // the network line: … output neurons (6–7)
    assert.match(demo, new RegExp(`\\s{2,}y${outputs[1]}\\s+y${outputs[2]}\\n`), `${lang}: the descent table's columns`);
  }
});

test('grad --json prints exactly one JSON object with the seed figures', async () => {
  const r = await run(['grad', seedModel, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]', '--json']);
  assert.equal(r.status, 0);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['loss', 'output', 'gradients']);
  assertClose(out.loss, E.forward.E, 'loss');
  assertAllClose(out.output, [E.forward.y], 'output');
  assertAllClose(out.gradients[0].weights, E.gradients.W1, 'W1');
  assertAllClose(out.gradients[0].bias, E.gradients.b1, 'b1');
  assertAllClose(out.gradients[1].weights, E.gradients.W2, 'W2');
  assertAllClose(out.gradients[1].bias, E.gradients.b2, 'b2');
});

test('grad reads X and T from files and in float32', async () => {
  const xs = join(tmp, 'x.json');
  writeFileSync(xs, '[[1,2,3]]');
  const r = await run(['grad', seedModel, '--input', xs, '--target', '[0.5,0.1]', '--dtype', 'float32', '--json']);
  assert.equal(r.status, 0);
  assertClose(JSON.parse(r.stdout).loss, E.forward.E, 'float32 loss', 1e-6);
});

test('train writes a model whose loss fell, printing the loss after each epoch', async () => {
  const out = join(tmp, 'xor.json');
  const r = await run(['train', join(root, 'examples/xor-model.json'), '--data', join(root, 'examples/xor-data.json'), '--out', out, '--lr', '0.5', '--epochs', '300', '--no-shuffle']);
  assert.equal(r.status, 0, r.stderr);
  const losses = [...r.stdout.matchAll(/epoch +\d+ +loss (\S+)/g)].map((m) => Number(m[1]));
  assert.equal(losses.length, 300);
  assert.ok(losses[299]! < losses[0]! / 5, `loss went from ${losses[0]} to ${losses[299]}`);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).format, 'backprop-model');
});

test('train with the same seed gives bit-identical models; Adam and momentum flags are accepted', async () => {
  const args = (out: string) => ['train', join(root, 'examples/xor-model.json'), '--data', join(root, 'examples/xor-data.json'), '--out', out, '--optimizer', 'adam', '--lr', '0.05', '--epochs', '20', '--batch-size', '3', '--seed', '4'];
  await run(args(join(tmp, 'a.json')));
  await run(args(join(tmp, 'b.json')));
  assert.equal(readFileSync(join(tmp, 'a.json'), 'utf8'), readFileSync(join(tmp, 'b.json'), 'utf8'));
  const r = await run(['train', join(root, 'examples/xor-model.json'), '--data', join(root, 'examples/xor-data.json'), '--out', join(tmp, 'c.json'), '--momentum', '0.9', '--nesterov', '--weight-decay', '0.001', '--epochs', '2']);
  assert.equal(r.status, 0, r.stderr);
});

const badCases: [string, string[], RegExp][] = [
  ['an unknown command', ['trian'], /unknown command "trian" \(did you mean train\?\)/],
  ['an unknown flag', ['grad', seedModel, '--inptu', '[[1,2,3]]'], /unknown flag --inptu \(did you mean --input\?\)/],
  ['a missing model file', ['grad', join(tmp, 'nope.json'), '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]'], /nope\.json: no such file or directory/],
  ['malformed JSON', ['grad', seedModel, '--input', '[[1,2,', '--target', '[[0.5,0.1]]'], /--input: not valid JSON/],
  ['inputs of the wrong width', ['grad', seedModel, '--input', '[[1,2]]', '--target', '[[0.5,0.1]]'], /--input: row 0: expected 3 numbers \(the model's size\), got an array of 2/],
  ['a non-numeric input', ['grad', seedModel, '--input', '[[1,"a",3]]', '--target', '[[0.5,0.1]]'], /--input: \[0\]\[1\]: expected a finite number, got "a"/],
  ['a negative learning rate', ['train', seedModel, '--data', 'd.json', '--out', 'o.json', '--lr', '-0.1'], /--lr must be > 0, got -0.1/],
  ['a non-numeric epoch count', ['train', seedModel, '--data', 'd.json', '--out', 'o.json', '--epochs', 'ten'], /--epochs expects a number, got "ten"/],
  ['an unknown loss', ['grad', seedModel, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]', '--loss', 'mae'], /--loss must be one of sse, mse, cross_entropy, bce, got "mae"/],
  ['a dataset name where MODEL.json goes (forgot --data)', ['train', 'iris', '--layers', '4,8,3', '--out', join(tmp, 'o.json')], /train: "iris" is the name of a dataset, and the argument before the flags is a MODEL\.json to start from; write --data iris\n$/],
  ['--layers that do not fit the data (and no header before the error)', ['train', '--data', 'iris', '--layers', '2,8,2', '--out', join(tmp, 'o.json')], /--layers 2,8,2 does not fit the data "iris", which has 4 input columns and 3 target columns, one per class: setosa, versicolor, virginica; try --layers 4,8,3\n$/],
  ['a model file that does not fit the data: both problems named', ['train', join(root, 'examples/xor-model.json'), '--data', 'iris', '--out', join(tmp, 'o.json')], /has 4 input columns \(sepal length, sepal width, petal length, petal width\), but the network's first layer takes 2 inputs; also, the data "iris" has 3 target columns, but the network's last layer has 1 outputs/],
  ['a language that does not exist: the languages that do, and no far-fetched guess', ['demo', '--lang', 'fr'], /^backprop: demo: --lang must be one of en, ko, got "fr"\n$/],
  ['JSON with spaces, unquoted: cut by the shell, so quote it', ['grad', seedModel, '--input', '[[1,', '2,', '3]]', '--target', '[[0.5,0.1]]'], /the value of --input stops at a space \("\[\[1,"\): the shell splits unquoted text into words, so put it in quotes: --input "\[\[1, 2, 3\]\]"\n$/],
];
for (const [what, argv, message] of badCases) {
  test(`bad input — ${what}: one line, exit 2`, async () => {
    const r = await run(argv);
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(r.stdout, '');
  });
}

test('a 10,000-column mismatch is still one short line', async () => {
  const wide = join(tmp, 'wide.csv');
  const cols = Array.from({ length: 10_000 }, (_, j) => `pixel${j}`);
  writeFileSync(wide, [[...cols, 'y'].join(','), ...[0, 1, 2].map((r) => [...cols.map((_, j) => (r * j) % 7), r % 2].join(','))].join('\n'));
  for (const argv of [['train', join(root, 'examples/xor-model.json'), '--data', wide, '--target', 'y', '--out', join(tmp, 'o.json')], ['train', '--data', wide, '--target', 'y', '--layers', '9999,4,1', '--out', join(tmp, 'o.json')]]) {
    const r = await run(argv);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(r.stderr.length < 300, `${r.stderr.length} characters: ${r.stderr.slice(0, 400)}`);
    assert.match(r.stderr, /10000 input columns/);
  }
});

test('bad model and data files: exit 2 and no output file written', async () => {
  const model = join(tmp, 'bad-model.json');
  writeFileSync(model, JSON.stringify({ format: 'backprop-model', version: 1, layers: [{ type: 'dense', activation: 'relu', weights: [[1, 2], [3]], bias: [0, 0] }] }));
  const out = join(tmp, 'never.json');
  const r1 = await run(['train', model, '--data', join(root, 'examples/xor-data.json'), '--out', out]);
  assert.equal(r1.status, 2);
  assert.match(r1.stderr, /layers\[0\]\.weights: .*ragged/);
  const data = join(tmp, 'ragged-data.json');
  writeFileSync(data, '{"inputs": [[0, 0], [1]], "targets": [[0], [1]]}');
  const r2 = await run(['train', join(root, 'examples/xor-model.json'), '--data', data, '--out', out]);
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /inputs\[1\]/);
  const linear = join(tmp, 'linear.json');
  writeFileSync(linear, JSON.stringify({ format: 'backprop-model', version: 1, loss: 'mse', seed: 3, layers: [{ type: 'dense', activation: 'relu', inputs: 2, units: 8 }, { type: 'dense', activation: 'linear', inputs: 8, units: 1 }] }));
  const r3 = await run(['train', linear, '--data', join(root, 'examples/xor-data.json'), '--out', out, '--lr', '1e6', '--epochs', '50']);
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /learning rate/);
  assert.equal(existsSync(out), false);
});

test('as a real subprocess: demo runs, --help shows an example, bad input exits 2 without a stack trace', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args], { encoding: 'utf8', cwd: root });
  const ok = cli(['grad', 'examples/seed-model.json', '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]', '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  assertClose(JSON.parse(ok.stdout).loss, E.forward.E, 'subprocess loss');
  const help = cli(['train', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Examples? \(in the backprop repository; files they write go to scratch\/\):\n {2}npx backprop train /);
  const bad = cli(['grad', 'examples/seed-model.json', '--input', '[[1,2]]', '--target', '[[0.5,0.1]]']);
  assert.equal(bad.status, 2);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
