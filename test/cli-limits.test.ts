// Sizes checked before memory is spent, numbers that tell the truth, and the model saved before
// anything that could fail after training: a 130,000-epoch history, --layers far beyond the limit,
// --size and --steps that would run for hours, a learning rate that makes the loss explode while it
// stays finite, targets the loss cannot take, a training set of one class.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { datasetFromArrays, DivergenceCheck, fit, historySvg, History, loadModel, main, nodeIo, Rng, Sequential, SGD, TrainingDivergedError, type CliIo, type EpochLogs } from '../src/node.js';
import { lineChart } from '../src/cli/chart.js';
import { memoryIo } from './helpers/cli-io.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'backprop-limits-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ status: number; out: string; err: string; ms: number }> {
  let out = '';
  let err = '';
  const io: CliIo = { ...nodeIo(), stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTTY: false };
  const t0 = performance.now();
  const status = await main(argv, io);
  return { status, out, err, ms: performance.now() - t0 };
}

test('a history of 150,000 epochs: the terminal chart, the SVG plot and a resumed run all work (no spread into Math.min)', async () => {
  const epochs: EpochLogs[] = Array.from({ length: 150_000 }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), batchLoss: 1 / (i + 1), lr: 0.1, seconds: 0, accuracy: 0.5 }));
  const chart = lineChart('loss', [{ name: 'train', values: epochs.map((e) => e.loss), mark: '*' }], { width: 40, height: 6 });
  assert.match(chart, /^ +1 │ +\n/m, 'the largest value labels the top row');
  assert.match(chart, /^6\.667e-6 │\*{40}$/m, 'every column drawn');
  assert.match(historySvg(new History(epochs)), /^<svg/);
  // A checkpoint whose history is that long resumes, saves its model first, then plots and charts.
  const dir = join(tmp, 'long');
  const first = await cli(['train', '--data', 'xor', '--layers', '2,3,2', '--epochs', '1', '--checkpoint', dir, '--out', join(tmp, 'first.json')]);
  assert.equal(first.status, 0, first.err);
  const ck = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
  const one = ck.history[0];
  ck.history = epochs.map((e) => ({ ...one, epoch: e.epoch, loss: e.loss }));
  ck.epoch = 150_000;
  writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(ck));
  const r = await cli(['train', '--resume', dir, '--epochs', '150001', '--plot', join(tmp, 'long.svg'), '--out', join(tmp, 'long.json')]);
  assert.equal(r.status, 0, r.err);
  assert.equal(loadModel(join(tmp, 'long.json')).model.sizes.join('-'), '2-3-2');
  assert.match(readFileSync(join(tmp, 'long.svg'), 'utf8'), /^<svg/);
  assert.match(r.out, /epoch 150001\n/);
  assert.ok(r.out.indexOf('saved ') < r.out.indexOf('loss  (* train)'), 'the model is saved before the chart is drawn');
});

test('--layers beyond the parameter limit or this machine\'s memory is refused at once, in words, before allocating', async () => {
  const cases: [string, RegExp][] = [
    ['100000,100000,10', /--layers: the network 100000-100000-10 would have 10,001,100,010 parameters, above the limit of 50,000,000/],
    ['2,30000,30000,2', /would have 900,180,002 parameters, above the limit of 50,000,000/],
    [Array.from({ length: 1002 }, () => '2').join(','), /would have 1001 layers, above the limit of 1000/],
  ];
  for (const [layers, message] of cases) {
    const r = await cli(['train', '--data', 'xor', '--layers', layers, '--out', join(tmp, 'never.json')]);
    assert.equal(r.status, 2, r.err);
    assert.match(r.err, message);
    assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms`);
  }
  // Within the parameter limit, above what this machine can hold: the estimate is checked.
  const { checkTrainingMemory } = await import('../src/cli/memory.js');
  assert.throws(() => checkTrainingMemory([2, 7000, 7000, 2], { dtype: 'float64', optimizerBuffers: 2 }, 1e9), /the network 2-7000-7000-2 needs about 2\.0 GB to train .*and this machine has 1\.0 GB of memory/);
  assert.doesNotThrow(() => checkTrainingMemory([784, 128, 64, 10], { dtype: 'float32', optimizerBuffers: 2 }, 1e9));
  // The library refuses too, instead of "Invalid typed array length".
  assert.throws(() => Sequential.mlp([100000, 100000, 10], { rng: new Rng(1) }), /Sequential\.mlp: the network 100000-100000-10 would have 10,001,100,010 parameters/);
});

test('a network that is saved as two files (above the inline limit) with --out - or a device is refused before training, not after', async () => {
  for (const out of ['-', '/dev/null']) {
    const r = await cli(['train', '--data', 'xor', '--layers', '2,1000,1000,2', '--epochs', '1', '--out', out]);
    assert.equal(r.status, 2, r.err);
    assert.match(r.err, new RegExp(`^backprop: train: --out ${out}: a network of 1006002 parameters \\(above 1000000\\) is saved as its JSON and a weights file beside it, so --out needs a file name`));
    assert.doesNotMatch(r.out + r.err, /epoch 1/, 'no epoch was trained');
  }
});

test('--size and --steps are bounded: no silent run of hours', async () => {
  const size = await cli(['train', '--data', 'circle', '--size', '1e9', '--layers', '2,2', '--out', join(tmp, 'never.json')]);
  assert.equal(size.status, 2);
  assert.match(size.err, /--size must be at most 1,000,000, got 1e9/);
  const steps = await cli(['demo', '--steps', '1e12']);
  assert.equal(steps.status, 2);
  assert.match(steps.err, /--steps must be at most 100,000, got 1e12/);
});

test('a learning rate that makes the loss grow a billion-fold stops training with the reason; demo advises a smaller one', async () => {
  const r = await cli(['train', '--data', 'iris', '--layers', '4,16,3', '--lr', '1e10', '--epochs', '100', '--checkpoint', join(tmp, 'div'), '--out', join(tmp, 'div.json')]);
  assert.equal(r.status, 2, r.out);
  assert.match(r.err, /training stopped: the loss grew from [\d.]+ to \S+ \(×\S+\) by epoch 1 — it diverges; likely cause: the learning rate η = 1e\+10 is too high; lower it or clip gradients \(--clip-norm 1\); .*div\.json was not written/);
  assert.equal(r.err.trim().split('\n').length, 1);
  // Sound training is not stopped: Iris at a sensible rate, and a loss that falls then rises a little.
  const ok = await cli(['train', '--data', 'iris', '--layers', '4,16,3', '--scale', 'standardize', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '30', '--out', join(tmp, 'ok.json')]);
  assert.equal(ok.status, 0, ok.err);
  const check = new DivergenceCheck();
  check.start(1.1);
  assert.equal(check.check(0.01), null);
  assert.equal(check.check(900), null, 'below 1000× the start');
  assert.deepEqual(check.check(2e9), { kind: 'growth', from: 1.1, to: 2e9, ratio: 2e9 / 1.1 });
  assert.equal(check.check(NaN)?.kind, 'non-finite');
  // fit: the check uses the loss of all rows before training, not one batch (one row can be ~0).
  const data = datasetFromArrays([[0.001], [1], [2], [3]], [[0.001], [1], [2], [3]], { task: 'regression' });
  const model = Sequential.mlp([1, 1], { output: 'linear', rng: new Rng(2) });
  await fit(model, data, { loss: 'mse', optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 5, batchSize: 1, shuffle: false });
  const wild = Sequential.mlp([1, 1], { output: 'linear', rng: new Rng(2) });
  await assert.rejects(fit(wild, data, { loss: 'mse', optimizer: new SGD(wild.parameters(), { lr: 5 }), epochs: 20, batchSize: 4 }), (e: unknown) => e instanceof TrainingDivergedError && e.diagnosis.what === 'growth');
  // demo: at η = 10¹⁰ the sigmoids saturate; the advice is a smaller rate, not a larger one.
  const io = memoryIo();
  assert.equal(await main(['demo', '--lr', '1e10'], io), 0);
  assert.match(io.out, /After 1000 steps the outputs are \[0, 0\]; .*the learning rate η = 1e\+10 is too large .*A smaller --lr gets closer/);
  assert.doesNotMatch(io.out, /a larger --lr/);
  const slow = memoryIo();
  assert.equal(await main(['demo', '--lr', '0.001'], slow), 0);
  assert.match(slow.out, /More steps \(--steps\) or a larger --lr get closer/);
});

test('grad and explain refuse targets their loss cannot take; a training set of one class trains with a warning', async () => {
  const seed = join(root, 'examples/seed-model.json');
  for (const command of ['grad', 'explain']) {
    const r = await cli([command, seed, '--input', '[[1,2,3]]', '--target', '[[-2.9,3.9]]', '--loss', 'cross_entropy']);
    assert.equal(r.status, 2, `${command}: ${r.out}`);
    assert.match(r.err, /--target: .*-2\.9, outside \[0, 1\]/);
  }
  const csv = join(tmp, 'one-class.csv');
  writeFileSync(csv, ['a,b,species', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 3},setosa`)].join('\n'));
  const r = await cli(['train', '--data', csv, '--target', 'species', '--layers', '2,4,1', '--loss', 'mse', '--output', 'sigmoid', '--epochs', '2', '--out', join(tmp, 'one.json')]);
  assert.equal(r.status, 0, r.err);
  assert.match(r.err, /^warning: every training row is of class "setosa": the network can only learn to answer that class, and its accuracy says nothing$/m);
});
