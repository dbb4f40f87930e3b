// The playground trains through the library's Trainer, exactly as `backprop train` does: the same
// settings give the same weights bit for bit (its training run, loaded here in Node as Vite builds
// it, against `main(['train', …])` in-process); a run restarted from a snapshot, and the rows the
// page steps through by hand, follow the same trajectory; a dropped CSV is standardised with the
// training rows' statistics only, and the exported model file carries that scaler to `predict`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { parseCsv } from '../../src/data/csv.js';
import { memoryIo } from '../helpers/cli-io.js';
import { root } from './build.js';
import { importWeb } from './web-module.js';
import type { LayerWeights, Settings } from '../../web/src/state.js';

const { TrainingRun, buildData, csvColumns, lossFits, modelFileText, paramAt, SYNTHETIC_DEFAULTS, lib } = await importWeb();

/** xor, noise 0.1, 2-4-1 tanh/sigmoid, bce, Adam η = 0.03, batch 10, training share ½, seed 7. */
const XOR: Settings = { ...SYNTHETIC_DEFAULTS, dataset: 'xor', noise: 0.1, hidden: [4], activation: 'tanh', loss: 'bce', optimizer: 'adam', lr: 0.03, batch: 10, trainRatio: 0.5, seed: 7, l2: 0, lang: 'en' };
/** The same run on the command line (250 training rows in batches of 10: 25 steps an epoch). */
const XOR_FLAGS = ['--data', 'xor', '--noise', '0.1', '--layers', '2,4,1', '--activation', 'tanh', '--output', 'sigmoid', '--loss', 'bce', '--optimizer', 'adam', '--lr', '0.03', '--batch-size', '10', '--test', '0.5', '--seed', '7'];

async function cliTrain(flags: string[], files: Record<string, string> = {}): Promise<{ file: { layers: { weights: number[][]; bias: number[] }[]; preprocessing?: Record<string, unknown> }; text: string }> {
  const io = memoryIo({ files });
  assert.equal(await main(['train', ...flags, '--out', 'm.json'], io), 0, io.err);
  const text = io.files.get('m.json')!;
  return { file: JSON.parse(text), text };
}

/** Every weight and bias equal bit for bit (Object.is: −0 is not 0). */
function assertSameBits(page: LayerWeights[], cli: { weights: number[][]; bias: number[] }[], what: string): void {
  assert.equal(page.length, cli.length);
  page.forEach((l, i) => {
    l.W.forEach((row, r) => row.forEach((w, c) => assert.ok(Object.is(w, cli[i]!.weights[r]![c]), `${what}: W${i + 1}[${r}][${c}] ${w} ≠ ${cli[i]!.weights[r]![c]}`)));
    l.b.forEach((b, r) => assert.ok(Object.is(b, cli[i]!.bias[r]), `${what}: b${i + 1}[${r}] ${b} ≠ ${cli[i]!.bias[r]}`));
  });
}

test('50 steps of the playground (xor, 2-4-1, Adam, batch 10, seed 7) give the weights of backprop train --epochs 2, bit for bit, and the same model file', async () => {
  const run = new TrainingRun(XOR, buildData(XOR, null), null, null, 0);
  const initial = run.snapshot().weights;
  for (let i = 0; i < 50; i++) run.step();
  assert.equal(run.steps, 50);
  const { file, text } = await cliTrain([...XOR_FLAGS, '--epochs', '2']);
  assertSameBits(run.snapshot().weights, file.layers, 'after 50 steps');
  // the exported model file is the command line's: layers, loss, feature and class names
  assert.deepEqual(JSON.parse(modelFileText(run.model, run.data)), JSON.parse(text));
  // and training moved the weights (a run that did nothing would also agree)
  assert.notDeepEqual(run.snapshot().weights, initial);
});

test('a run restarted from a snapshot mid-epoch (weights, optimizer state, step, trainer position) continues bit for bit; Forward shows the rows Update trains on', () => {
  const whole = new TrainingRun(XOR, buildData(XOR, null), null, null, 0);
  for (let i = 0; i < 60; i++) whole.step();
  const first = new TrainingRun(XOR, buildData(XOR, null), null, null, 0);
  for (let i = 0; i < 23; i++) first.step();
  // what the page keeps (and a link carries), through JSON as the URL and the worker's messages do
  const snap = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<typeof first.snapshot>;
  // with the trainer's position (one permutation drawn), and without it (every epoch's replayed)
  const replayed = new TrainingRun(XOR, buildData(XOR, null), snap.weights, snap.optimizer, snap.step);
  const resumed = new TrainingRun(XOR, buildData(XOR, null), snap.weights, snap.optimizer, snap.step, snap.position);
  assert.deepEqual(snap.position, replayed.trainer.position());
  assert.equal(resumed.steps, 23);
  for (let k = 23; k < 60; k++) replayed.step();
  assertSameBits(replayed.snapshot().weights, whole.snapshot().weights.map((l) => ({ weights: l.W, bias: l.b })), 'resumed at step 23 without a position');
  for (let k = 23; k < 60; k++) {
    // the page's Forward / Backward / Update on the next rows: the recorded pass's gradients are the ones applied
    const { x, t } = resumed.nextBatch();
    // NOTE: typed through dist/ (the root tsconfig's view of web/src), the same classes at run time.
    const pass = lib.recordForward(resumed.model as unknown as Parameters<typeof lib.recordForward>[0], resumed.data.loss, x as unknown as Parameters<typeof lib.recordForward>[2], t as unknown as Parameters<typeof lib.recordForward>[3]);
    pass.backward();
    const shown = resumed.model.parameters().map((p) => Array.from(p.grad!.data));
    const logs = resumed.step();
    assert.ok(Object.is(logs.loss, pass.cost), `step ${k + 1}: the Trainer's batch loss ${logs.loss} is the recorded pass's cost ${pass.cost}`);
    assert.deepEqual(resumed.model.parameters().map((p) => Array.from(p.grad!.data)), shown, `step ${k + 1}: the applied gradients are the ones Backward showed`);
  }
  assertSameBits(resumed.snapshot().weights, whole.snapshot().weights.map((l) => ({ weights: l.W, bias: l.b })), 'resumed at step 23');
});

test('a step that makes the numbers infinite throws the library\'s TrainingDivergedError; the last good weights stay', () => {
  const rows = ['a,b,y'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 7},${(i * 3) % 11},${50 * (i % 7) + 20 * ((i * 3) % 11)}`);
  const settings: Settings = { ...XOR, dataset: 'csv', loss: 'sse', optimizer: 'sgd', lr: 10, batch: 10, hidden: [4], activation: 'linear' };
  const run = new TrainingRun(settings, buildData(settings, { name: 'lin.csv', text: rows.join('\n'), target: 'y' }), null, null, 0);
  let error: unknown = null;
  let good = run.snapshot().weights;
  for (let i = 0; i < 200 && error === null; i++) {
    try {
      run.step();
      good = run.snapshot().weights;
    } catch (e) {
      error = e;
    }
  }
  assert.ok(error instanceof lib.TrainingDivergedError, `diverged: ${String(error)}`);
  assert.match(error.message, /^training stopped: .* became .* in epoch \d+, batch \d+ of 2; .*likely cause: /);
  assert.deepEqual(run.snapshot().weights, good, 'the weights before the failing step');
  assert.ok(good.every((l) => l.W.flat().concat(l.b).every(Number.isFinite)));
});

test('a dropped CSV (iris) is standardised with the training rows only, trains as backprop train --scale standardize does, and predict on raw rows gives the page\'s outputs', async () => {
  const text = readFileSync(join(root, 'examples/iris.csv'), 'utf8');
  const settings: Settings = { ...XOR, dataset: 'csv' };
  const data = buildData(settings, { name: 'iris.csv', text, target: 'species' });
  assert.equal(data.loss, 'cross_entropy', 'three classes take softmax with cross-entropy');
  assert.equal(data.train.rows, 75);
  // the training rows have mean 0 and standard deviation 1 in every column; the test rows do not (their own statistics were never used)
  const stats = (x: ArrayLike<number>, j: number): { mean: number; std: number } => {
    const col = Array.from({ length: x.length / 4 }, (_, i) => x[i * 4 + j]!);
    const mean = col.reduce((s, v) => s + v, 0) / col.length;
    return { mean, std: Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length) };
  };
  for (let j = 0; j < 4; j++) {
    const tr = stats(data.train.x, j);
    assert.ok(Math.abs(tr.mean) < 1e-12 && Math.abs(tr.std - 1) < 1e-12, `column ${j} of the training rows: mean ${tr.mean}, std ${tr.std}`);
  }
  const te = [0, 1, 2, 3].map((j) => stats(data.test.x, j));
  assert.ok(te.some((s) => Math.abs(s.mean) > 1e-3), `the test rows are not standardised by their own statistics: ${JSON.stringify(te)}`);

  const run = new TrainingRun(settings, data, null, null, 0);
  for (let i = 0; i < 24; i++) run.step();
  const { file, text: cliText } = await cliTrain(['--data', 'iris.csv', '--target', 'species', '--layers', '4,4,3', '--activation', 'tanh', '--output', 'softmax', '--loss', 'cross_entropy', '--scale', 'standardize', '--optimizer', 'adam', '--lr', '0.03', '--batch-size', '10', '--test', '0.5', '--seed', '7', '--epochs', '3'], { 'iris.csv': text });
  assertSameBits(run.snapshot().weights, file.layers, 'iris after 24 steps (3 epochs of 8)');
  const exported = modelFileText(run.model, run.data);
  assert.deepEqual(JSON.parse(exported), JSON.parse(cliText), 'the model file, scaler included, is the command line\'s');
  assert.deepEqual(JSON.parse(exported).preprocessing.inputs, data.scaler!.toJSON());

  // predict on the raw rows with the exported file = the page's network on its scaled rows
  const raw = parseCsv(text, { target: 'species' });
  const rawRows = Array.from({ length: raw.rows }, (_, i) => Array.from(raw.x.subarray(i * 4, (i + 1) * 4)));
  const scaledRaw = data.scaler!.transform(raw.x);
  const key = (a: ArrayLike<number>, i: number): string => Array.from({ length: 4 }, (_, j) => a[i * 4 + j]).join(',');
  const pageRows = new Set([...Array.from({ length: data.train.rows }, (_, i) => key(data.train.x, i)), ...Array.from({ length: data.test.rows }, (_, i) => key(data.test.x, i))]);
  for (let i = 0; i < raw.rows; i++) assert.ok(pageRows.has(key(scaledRaw, i)), `raw row ${i} scaled is one of the page's rows`);
  const io = memoryIo({ files: { 'page.json': exported } });
  assert.equal(await main(['predict', 'page.json', '--input', JSON.stringify(rawRows), '--json'], io), 0, io.err);
  const predicted = JSON.parse(io.out) as { outputs: number[][]; classes: string[] };
  const pageOutputs = lib.noGrad(() => run.model.forward(new lib.Tensor(scaledRaw, [raw.rows, 4]) as unknown as Parameters<typeof run.model.forward>[0])).to2D();
  assert.deepEqual(predicted.outputs, pageOutputs);
  const right = predicted.classes.filter((c, i) => c === raw.classNames![raw.labels![i]!]).length;
  assert.ok(right / raw.rows > 0.8, `${right} of ${raw.rows} flowers classified right after 3 epochs`);
});

test('a CSV with ; or tab delimiters, quoted names and a BOM offers its columns as the library reads them, and trains', () => {
  const rows = Array.from({ length: 40 }, (_, i) => [i % 5, (i * 7) % 3, i % 2 === 0 ? 'yes' : 'no, really']);
  for (const [sep, name] of [[';', 'semicolons'], ['\t', 'tabs'], [',', 'commas']] as const) {
    const text = '\uFEFF' + ['a', '"b; or c"', '"class, label"'].join(sep) + '\r\n' + rows.map((r) => [r[0], r[1], `"${r[2]}"`].join(sep)).join('\r\n') + '\r\n';
    const columns = csvColumns(text);
    assert.deepEqual(columns, ['a', 'b; or c', 'class, label'], name);
    const settings: Settings = { ...XOR, dataset: 'csv' };
    const data = buildData(settings, { name: `${name}.csv`, text, target: columns[columns.length - 1]! });
    assert.deepEqual([data.inputs, data.classes, data.train.rows + data.test.rows], [2, 2, 40], name);
    const run = new TrainingRun(settings, data, null, null, 0);
    for (let i = 0; i < 5; i++) assert.ok(Number.isFinite(run.step().loss), name);
  }
  assert.deepEqual(csvColumns('"open quote,b\n1,2\n'), [], 'a malformed header gives no columns (parseCsv names the problem)');
});

test('a selected parameter is read by the library\'s parameter names: W2[0][0] and b1[1] inside the network, nothing else', () => {
  const sizes = [3, 2, 2];
  assert.deepEqual(paramAt('W2[0][0]', sizes), { kind: 'weight', layer: 2, row: 0, col: 0 });
  assert.deepEqual(paramAt('b1[1]', sizes), { kind: 'bias', layer: 1, row: 1, col: null });
  for (const id of ['w41', 'W2', 'b1', 'W3[0][0]', 'W2[2][0]', 'W1[0][3]', 'b2[2]', ' W2[0][0]', 'W2[0][0]x', '0.weight[0][0]', '']) assert.equal(paramAt(id, sizes), null, id);
});

test('the cost functions offered follow the loss table\'s target rules, and a classifier ends with the activation its loss is fused with', () => {
  const offered = (kind: 'seed' | 'plane' | 'table', classes: number): string[] => lib.LOSSES.filter((l) => lossFits({ kind, classes }, l));
  assert.deepEqual(offered('seed', 0), ['sse', 'mse', 'bce'], 'the seed\'s two sigmoid outputs are no distribution');
  assert.deepEqual(offered('table', 0), ['sse', 'mse'], 'numbers to predict');
  assert.deepEqual(offered('table', 3), ['sse', 'mse', 'cross_entropy'], 'three classes: not as independent yes/no questions');
  assert.deepEqual(offered('plane', 2), ['sse', 'mse', 'cross_entropy', 'bce']);
  const ends = Object.fromEntries(lib.LOSSES.map((loss) => {
    const d = buildData({ ...XOR, loss }, null);
    return [loss, `${d.outputActivation}×${d.outputs}`];
  }));
  assert.deepEqual(ends, { sse: 'sigmoid×1', mse: 'sigmoid×1', bce: 'sigmoid×1', cross_entropy: 'softmax×2' });
  assert.equal(buildData({ ...XOR, dataset: 'seed', loss: 'cross_entropy' }, null).loss, 'sse', 'the seed falls back to its own cost function');
});
