// backprop train / eval / predict in-process: the original contract, the new modes, bad input, help examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { iris } from '../src/data/iris.js';
import { split } from '../src/data/split.js';
import { parseModelFile } from '../src/io/model-file.js';
import { tensor } from '../src/tensor/create.js';
import { seedStream } from '../src/cli/commands/data-args.js';
import { memoryIo } from './helpers/cli-io.js';
import { BackpropError } from '../src/errors.js';

interface Case {
  name: string;
  model: unknown;
  final: { layers: { weights: number[][]; bias: number[] }[] };
  data: { inputs: number[][]; targets: number[][] };
  optimizer: Record<string, number | boolean | string>;
  epochs: number;
  batchSize: number;
  epochLosses: number[];
}
const cases = (JSON.parse(readFileSync(new URL('./fixtures/torch/train-cases.json', import.meta.url), 'utf8')) as { cases: Case[] }).cases;

test('train MODEL.json --data DATA.json keeps the PyTorch-fixture semantics (sgd with Nesterov momentum and weight decay)', async () => {
  const c = cases.find((k) => k.name === 'sgd-nesterov-wd')!;
  const io = memoryIo({ files: { 'm.json': JSON.stringify(c.model), 'd.json': JSON.stringify(c.data) } });
  const o = c.optimizer;
  const status = await main(['train', 'm.json', '--data', 'd.json', '--out', 't.json', '--optimizer', 'sgd', '--lr', String(o.lr), '--momentum', String(o.momentum), '--nesterov', '--weight-decay', String(o.weightDecay), '--epochs', String(c.epochs), '--batch-size', String(c.batchSize), '--no-shuffle', '--exact-metrics'], io);
  assert.equal(status, 0, io.err);
  const printed = [...io.out.matchAll(/^epoch +\d+ +loss (\S+)/gm)].map((m) => Number(m[1]));
  assert.equal(printed.length, c.epochs);
  printed.forEach((v, i) => assert.ok(Math.abs(v - c.epochLosses[i]!) <= 1e-7 * Math.abs(c.epochLosses[i]!), `epoch ${i + 1}: ${v} vs ${c.epochLosses[i]}`));
  const saved = JSON.parse(io.files.get('t.json')!);
  saved.layers.forEach((l: { weights: number[][] }, i: number) =>
    l.weights.flat().forEach((v, k) => assert.ok(Math.abs(v - c.final.layers[i]!.weights.flat()[k]!) < 1e-11)),
  );
});

test('train --layers on iris with --scale standardize saves the training rows\' statistics; predict applies them to raw inputs', async () => {
  const io = memoryIo();
  const status = await main(['train', '--data', 'iris', '--layers', '4,8,3', '--activation', 'tanh', '--scale', 'standardize', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '30', '--batch-size', '8', '--test', '0.2', '--seed', '1', '--out', 'iris.json'], io);
  assert.equal(status, 0, io.err);
  assert.match(io.out, /training 4-8-3 \(cross_entropy, adam, η=0\.01\) on 120 samples \(test 30\), batch 8, 30 epochs/);
  assert.match(io.out, /^test: +loss \S+ +accuracy \d+\.\d\d % +\(30 rows\)$/m);
  assert.match(io.out, /^loss {2}\(\* train\)$/m);
  const file = JSON.parse(io.files.get('iris.json')!);
  assert.deepEqual(file.preprocessing.classNames, ['setosa', 'versicolor', 'virginica']);
  // the mean and population std of the 120 training rows, computed here
  const { train } = split(iris(), { train: 0.8, validation: 0, test: 0.2 }, seedStream(1, 2));
  for (let j = 0; j < 4; j++) {
    const col = Array.from({ length: train.rows }, (_, i) => train.x[i * 4 + j]!);
    const mean = col.reduce((s, v) => s + v, 0) / col.length;
    const std = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length);
    assert.ok(Math.abs(file.preprocessing.inputs.mean[j] - mean) < 1e-12);
    assert.ok(Math.abs(file.preprocessing.inputs.std[j] - std) < 1e-12);
  }
  const raw = [5.1, 3.5, 1.4, 0.2];
  const p = memoryIo({ files: { 'iris.json': io.files.get('iris.json')! } });
  assert.equal(await main(['predict', 'iris.json', '--input', JSON.stringify([raw]), '--json'], p), 0, p.err);
  const got = JSON.parse(p.out);
  const { model } = parseModelFile(file);
  const z = raw.map((v, j) => (v - file.preprocessing.inputs.mean[j]) / file.preprocessing.inputs.std[j]);
  assert.deepEqual(got.outputs, model.forward(tensor([z])).to2D());
  assert.deepEqual(got.classes, ['setosa']);
  const e = memoryIo({ files: { 'iris.json': io.files.get('iris.json')! } });
  assert.equal(await main(['eval', 'iris.json', '--data', 'iris', '--test', '0.2', '--seed', '1', '--json'], e), 0, e.err);
  const m = JSON.parse(e.out);
  assert.equal(m.part, 'test');
  assert.equal(m.confusion.flat().reduce((s: number, v: number) => s + v, 0), 30);
  assert.equal(m.accuracy, m.confusion.reduce((s: number, r: number[], k: number) => s + r[k]!, 0) / 30);
  assert.ok(io.out.includes(`test:        loss ${''}`) || /test: +loss/.test(io.out));
});

test('on a terminal the progress bar shows epoch, batch, loss, accuracy, samples/s and ETA; elsewhere only epoch lines', async () => {
  const tty = memoryIo({ isTTY: true });
  assert.equal(await main(['train', '--data', 'circle', '--layers', '2,8,2', '--epochs', '3', '--optimizer', 'adam', '--lr', '0.01', '--out', 'c.json'], tty), 0, tty.err);
  assert.match(tty.out, /\r\x1b\[2Kepoch 1\/3 +\[[=> ]{12}\] +\d+\/16 +loss \S+ +acc \d+\.\d\d % +[\d,]+ samples\/s +ETA \d+:\d\d/);
  assert.match(tty.out, /\x1b\[2Kepoch 3 +loss \S+ +accuracy/);
  const plain = memoryIo();
  assert.equal(await main(['train', '--data', 'circle', '--layers', '2,8,2', '--epochs', '3', '--optimizer', 'adam', '--lr', '0.01', '--out', 'c.json'], plain), 0);
  assert.ok(!plain.out.includes('\r') && !plain.out.includes('samples/s'));
  assert.equal([...plain.out.matchAll(/^epoch \d +loss/gm)].length, 3);
});

test('--plot writes an SVG with a loss and an accuracy panel (and the health panels); --early-stopping reports why it stopped', async () => {
  const io = memoryIo();
  assert.equal(await main(['train', '--data', 'moons', '--noise', '0.1', '--layers', '2,8,2', '--epochs', '400', '--optimizer', 'sgd', '--lr', '2', '--validation', '0.3', '--early-stopping', '--patience', '3', '--plot', 'p.svg', '--out', 'm.json'], io), 0, io.err);
  const svg = io.files.get('p.svg')!;
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 8, 'loss and accuracy (train, validation), then gradient flow and update ratio (2 layers each)');
  assert.match(svg, />accuracy</);
  assert.match(svg, />gradient flow: ‖∂E\/∂W‖ \/ ‖W‖ per layer</);
  assert.match(io.out, /early stopping: valLoss did not improve for 3 epochs .*; the model holds the weights of epoch \d+/);
});

test('the model is saved before the plot: a plot that cannot be written loses nothing', async () => {
  const io = memoryIo();
  const write = io.writeAtomic;
  io.writeAtomic = (p, d) => {
    if (p.endsWith('.svg')) throw new BackpropError('io', `${p}: cannot write (no such directory); the previous file, if any, is unchanged`);
    write(p, d);
  };
  assert.equal(await main(['train', '--data', 'xor', '--layers', '2,4,2', '--epochs', '3', '--plot', 'missing/p.svg', '--out', 'm.json'], io), 2);
  assert.ok(parseModelFile(JSON.parse(io.files.get('m.json')!)), 'the trained model was written');
  assert.match(io.out, /saved m\.json/);
  assert.match(io.err, /missing\/p\.svg: cannot write/);
});

const bad: [string, string[], RegExp][] = [
  ['unknown flag', ['--data', 'xor', '--layers', '2,2', '--epoch', '3', '--out', 'x.json'], /unknown flag --epoch \(did you mean --epochs\?\)/],
  ['unknown data', ['--data', 'spirals', '--layers', '2,2', '--out', 'x.json'], /--data: expected one of circle, xor, gauss, spiral, moons, iris, mnist, fashion-mnist, mnist-full, a \.csv \/ \.csv\.gz \/ \.json file or a directory of IDX files \(train-images-idx3-ubyte\.gz, …\), got "spirals"/],
  ['a CSV file that is not there', ['--data', 'houses.csv', '--layers', '2,1', '--out', 'x.json'], /^backprop: houses\.csv: no such file or directory$/m],
  ['a CSV flag with other data', ['--data', 'xor', '--layers', '2,2', '--missing', 'drop', '--out', 'x.json'], /--missing is for CSV data, got --data xor/],
  ['both --test and --test-data', ['--data', 'xor', '--layers', '2,2', '--test', '0.2', '--test-data', 't.csv', '--out', 'x.json'], /give --test F or --test-data FILE, not both/],
  ['bad --layers', ['--data', 'xor', '--layers', '2,x,2', '--out', 'x.json'], /--layers expects at least two positive whole numbers/],
  ['no network', ['--data', 'xor', '--out', 'x.json'], /missing the network: give MODEL\.json or --layers/],
  ['widths that do not fit', ['--data', 'xor', '--layers', '3,4,2', '--out', 'x.json'], /--layers 3,4,2 does not fit the data "xor", which has 2 input columns and 2 target columns; try --layers 2,4,2/],
  ['fractions', ['--data', 'xor', '--layers', '2,2', '--validation', '0.6', '--test', '0.5', '--out', 'x.json'], /leave no training rows/],
  ['a validation fraction that leaves no training row', ['--data', 'xor', '--layers', '2,2', '--validation', '0.999999', '--out', 'x.json'], /^backprop: train: --validation 0\.999999 and --test 0 of 500 rows leave no training rows$/m],
  ['a whole number past 2⁵³ (read as another number)', ['--data', 'xor', '--layers', '2,2', '--seed', '9007199254740993', '--out', 'x.json'], /--seed expects a whole number between −9007199254740991 and 9007199254740991 \(2⁵³ − 1\), got 9007199254740993/],
  ['schedule', ['--data', 'xor', '--layers', '2,2', '--schedule', 'step:0', '--out', 'x.json'], /--schedule "step:0": step schedule: every must be an integer ≥ 1/],
  ['plot name', ['--data', 'xor', '--layers', '2,2', '--plot', 'x.png', '--out', 'x.json'], /--plot must name an \.svg file/],
  ['missing resume dir', ['--resume', 'no-such-dir', '--out', 'x.json'], /no-such-dir\/checkpoint\.json: no such file/],
  ['negative learning rate', ['--data', 'xor', '--layers', '2,2', '--lr', '-1', '--out', 'x.json'], /--lr must be > 0, got -1/],
  ['test split with mnist', ['--data', 'mnist', '--layers', '784,10', '--test', '0.1', '--out', 'x.json'], /--test: mnist has its own test set of 2000 rows/],
];
for (const [what, argv, message] of bad) {
  test(`bad input (${what}): one line on stderr, exit 2, nothing written`, async () => {
    const io = memoryIo();
    assert.equal(await main(['train', ...argv], io), 2);
    assert.match(io.err, message);
    assert.equal(io.err.split('\n').filter(Boolean).length, 1);
    assert.equal(io.files.size, 0);
  });
}

test('bad input to eval and predict: one line, exit 2', async () => {
  const model = JSON.stringify({ format: 'backprop-model', version: 1, loss: 'cross_entropy', layers: [{ type: 'dense', activation: 'softmax', weights: [[1, 0], [0, 1]], bias: [0, 0] }] });
  for (const [argv, re] of [
    [['eval', 'm.json', '--data', 'iris'], /the data "iris" has 4 input columns .*takes 2 inputs/],
    [['eval', 'm.json', '--data', 'xor', '--part', 'test'], /--part test needs --test F/],
    [['predict', 'm.json', '--input', '[[1,2,3]]'], /--input: row 0: expected 2 numbers/],
    [['predict', 'm.json'], /missing --input/],
  ] as [string[], RegExp][]) {
    const io = memoryIo({ files: { 'm.json': model } });
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.match(io.err, re);
    assert.equal(io.err.trim().split('\n').length, 1);
  }
});

// NOTE: test/docs-cli-help.test.ts pastes the other commands' examples and leaves these to this test.
test('every --help example of train, eval and predict runs as pasted (MNIST with 1 epoch instead of 20)', async () => {
  const io = memoryIo();
  for (const name of ['train', 'eval', 'predict']) {
    const command = COMMANDS.find((c) => c.name === name)!;
    for (const example of command.examples) {
      const line = example.replace(/\s+#.*$/, '').replace('--epochs 20', '--epochs 1');
      const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      assert.deepEqual(words.slice(0, 2), ['npx', 'backprop'], example);
      const argv = words.slice(2);
      io.err = '';
      assert.equal(await main(argv, io), 0, `${example}: ${io.err}`);
    }
  }
  assert.ok(['xor.json', 'iris.json', 'iris.svg', 'mnist.json'].every((f) => io.files.has(`scratch/${f}`)), [...io.files.keys()].join(', '));
  assert.match(io.out, /scratch\/mnist\.json: 784-128-64-10 \(cross_entropy\) on mnist, test part: 2000 rows/);
  assert.match(io.out, /→ setosa \(\d+\.\d %\)\n1 .*→ virginica/);
});

test('CSV data: --target and --features choose columns by name; predict reads a CSV of raw rows by the saved feature names', async () => {
  const rows = ['size,colour,noise,kind'];
  for (let i = 0; i < 60; i++) rows.push(`${i % 2 === 0 ? 10 + (i % 7) : 30 + (i % 5)},${i % 3},${(i * 37) % 11},${i % 2 === 0 ? 'small' : 'large'}`);
  const io = memoryIo({ files: { 'things.csv': rows.join('\n') + '\n' } });
  const argv = ['train', '--data', 'things.csv', '--target', 'kind', '--features', 'size,colour', '--layers', '2,4,2', '--scale', 'minmax', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '60', '--batch-size', '10', '--seed', '2', '--out', 'things.json'];
  assert.equal(await main(argv, io), 0, io.err);
  const file = JSON.parse(io.files.get('things.json')!);
  assert.deepEqual(file.preprocessing.featureNames, ['size', 'colour']);
  assert.deepEqual(file.preprocessing.classNames, ['large', 'small']);
  assert.deepEqual(file.preprocessing.inputs, { type: 'minmax', min: [10, 0], max: [34, 2], range: [0, 1] });
  assert.match(io.out, /^train: +loss \S+ +accuracy 100\.00 %/m);
  io.files.set('new.csv', 'kind,colour,size\n?,1,12\n?,0,33\n');
  const p = memoryIo({ files: Object.fromEntries(io.files) });
  assert.equal(await main(['predict', 'things.json', '--input', 'new.csv', '--json'], p), 0, p.err);
  assert.deepEqual(JSON.parse(p.out).classes, ['small', 'large']);
  const bad = memoryIo({ files: { ...Object.fromEntries(io.files), 'bad.csv': 'size,colour\n12,x\n' } });
  assert.equal(await main(['predict', 'things.json', '--input', 'bad.csv'], bad), 2);
  assert.match(bad.err, /bad\.csv line 2, column "colour": expected a number, got "x"/);
});

test('regression from JSON data: MSE and R² each epoch and in eval (checked against the outputs)', async () => {
  const inputs = Array.from({ length: 40 }, (_, i) => [i / 40, ((i * 7) % 40) / 40]);
  const targets = inputs.map(([a, b]) => [2 * a! - b! + 0.5]);
  const data = JSON.stringify({ inputs, targets });
  const io = memoryIo({ files: { 'r.json': data } });
  assert.equal(await main(['train', '--data', 'r.json', '--layers', '2,1', '--output', 'linear', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '200', '--batch-size', '8', '--validation', '0.25', '--out', 'lin.json'], io), 0, io.err);
  assert.match(io.out, /training 2-1 \(mse, adam/);
  assert.match(io.out, /^epoch 200 +loss \S+ +r2 \S+ +val_loss \S+ +val_r2 \S+$/m);
  const e = memoryIo({ files: Object.fromEntries(io.files) });
  assert.equal(await main(['eval', 'lin.json', '--data', 'r.json', '--json'], e), 0, e.err);
  const m = JSON.parse(e.out);
  const { model } = parseModelFile(JSON.parse(io.files.get('lin.json')!));
  const y = model.forward(tensor(inputs)).to2D().map((r) => r[0]!);
  const mse = y.reduce((s, v, i) => s + (v - targets[i]![0]!) ** 2, 0) / 40;
  const mean = targets.reduce((s, t) => s + t[0]!, 0) / 40;
  const tot = targets.reduce((s, t) => s + (t[0]! - mean) ** 2, 0);
  assert.ok(Math.abs(m.mse - mse) < 1e-12 && Math.abs(m.loss - mse) < 1e-12);
  assert.ok(Math.abs(m.r2 - (1 - (mse * 40) / tot)) < 1e-12);
  assert.ok(m.r2 > 0.99, `a linear target is learnt: r2 ${m.r2}`);
});
