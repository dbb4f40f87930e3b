// The playground's batch norm, dropout and L1/L2 penalty: its training run equals `backprop train
// --batch-norm --dropout P --l1 X --l2 X` bit for bit (weights, γ, β, running statistics); a run
// restarted from what a link carries (the other layers' numbers and the dropout generators
// included) continues bit for bit; the ledger explains the step in training mode with the masks
// the step drew; the model file carries the new layers both ways. Then, in Chromium: the toggles,
// the diagram's batch-norm band and crossed-out dropped units, the ledger panel naming the layers
// (en, ko), Play/Pause, the link and the model file. Screenshots go to test-artifacts/playground-layers/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { main } from '../../src/cli/main.js';
import { serveStatic, type StaticServer } from '../../src/cli/commands/playground.js';
import { memoryIo } from '../helpers/cli-io.js';
import { ensureWebBuilt, root, webDist } from './build.js';
import { importWeb } from './web-module.js';
import type { LayerState, LayerWeights, Settings } from '../../web/src/state.js';

const web = await importWeb();
const { TrainingRun, buildData, buildModel, decodeState, encodeState, lastMasks, modelFileText, readModelFile, SYNTHETIC_DEFAULTS, lib, explainLib } = web;

/** xor, 2-4-4-1 tanh/sigmoid with batch norm and dropout 0.2, L1 10⁻³ and L2 5·10⁻⁴ penalties, Adam, batch 10, seed 7. */
const BN: Settings = {
  ...SYNTHETIC_DEFAULTS, dataset: 'xor', noise: 0.1, hidden: [4, 4], activation: 'tanh', loss: 'bce', optimizer: 'adam', lr: 0.03, batch: 10,
  trainRatio: 0.5, seed: 7, l2: 0, batchNorm: true, dropout: 0.2, l1: 0.001, l2Penalty: 0.0005, lang: 'en',
};
const BN_FLAGS = ['--data', 'xor', '--noise', '0.1', '--layers', '2,4,4,1', '--activation', 'tanh', '--output', 'sigmoid', '--loss', 'bce', '--optimizer', 'adam', '--lr', '0.03', '--batch-size', '10', '--test', '0.5', '--seed', '7', '--batch-norm', '--dropout', '0.2', '--l1', '0.001', '--l2', '0.0005'];

async function cliModel(flags: string[]): Promise<string> {
  const io = memoryIo({});
  assert.equal(await main(['train', ...flags, '--out', 'm.json'], io), 0, io.err);
  return io.files.get('m.json')!;
}

/** Every number equal bit for bit (Object.is: −0 is not 0). */
function assertSameNumbers(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, `${what}: ${a.length} numbers, ${b.length} expected`);
  a.forEach((v, i) => assert.ok(Object.is(v, b[i]), `${what}[${i}]: ${v} ≠ ${b[i]}`));
}
const flat = (w: LayerWeights[]): number[] => w.flatMap((l) => [...l.W.flat(), ...l.b]);
const sameState = (a: { weights: LayerWeights[]; layers: LayerState | null }, b: { weights: LayerWeights[]; layers: LayerState | null }, what: string): void => {
  assertSameNumbers(flat(a.weights), flat(b.weights), `${what}: weights`);
  assertSameNumbers(a.layers!.values, b.layers!.values, `${what}: γ, β, running statistics`);
  assert.deepEqual(a.layers!.rng, b.layers!.rng, `${what}: dropout generators`);
};
/** A run of `steps` steps from fresh weights. */
function runFor(settings: Settings, steps: number): InstanceType<typeof TrainingRun> {
  const run = new TrainingRun(settings, buildData(settings, null), null, null, 0);
  for (let i = 0; i < steps; i++) run.step();
  return run;
}

test('50 steps with batch norm, dropout 0.2, L1 and L2 penalties give the model file of backprop train --batch-norm --dropout 0.2 --l1 --l2 --epochs 2, bit for bit', async () => {
  const run = runFor(BN, 50);
  assert.deepEqual(run.model.layers.map((l) => l.kind), ['dense', 'batch_norm', 'activation', 'dropout', 'dense', 'batch_norm', 'activation', 'dropout', 'dense']);
  const page = JSON.parse(modelFileText(run.model, run.data));
  const cli = JSON.parse(await cliModel([...BN_FLAGS, '--epochs', '2']));
  assert.deepEqual(page, cli);
  // the numbers moved: the running statistics left their start (0 and 1), the batches were counted
  const bn = run.model.layers[1] as unknown as InstanceType<typeof lib.BatchNorm1d>;
  assert.equal(bn.numBatchesTracked.data[0], 50);
  assert.ok(Array.from(bn.runningMean.data).every((m) => m !== 0));
  // the penalty is part of the run: without it the weights differ
  assert.notDeepEqual(runFor({ ...BN, l1: 0, l2Penalty: 0 }, 50).snapshot().weights, run.snapshot().weights);
});

test('a run restarted mid-epoch from what a link carries (weights, γ, β, running statistics, dropout generators, optimizer, position) continues bit for bit; without the other layers it would not', () => {
  const whole = runFor(BN, 60);
  const first = runFor(BN, 23);
  const snap = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<typeof first.snapshot>;
  const data = buildData(BN, null);
  const resumed = new TrainingRun(BN, data, snap.weights, snap.optimizer, snap.step, snap.position, snap.layers);
  for (let k = 23; k < 60; k++) resumed.step();
  sameState(resumed.snapshot(), whole.snapshot(), 'resumed at step 23');
  const forgetful = new TrainingRun(BN, data, snap.weights, snap.optimizer, snap.step, snap.position, null);
  for (let k = 23; k < 60; k++) forgetful.step();
  assert.notDeepEqual(forgetful.snapshot().weights, whole.snapshot().weights);
  // through the link: the settings and every number come back exactly
  const state = { ...decodeState(''), settings: BN, ...snap, history: [] };
  const back = decodeState(encodeState(state));
  assert.deepEqual(back.settings, BN);
  sameState(back as { weights: LayerWeights[]; layers: LayerState }, snap, 'link');
  assert.deepEqual(back.position, snap.position);
  // a link whose numbers do not fit the network leaves the other layers fresh (the page then starts afresh)
  assert.equal(decodeState('#v=1&g=1.x').layers, null);
  const unfit = buildModel(BN, data, snap.weights, { values: [1, 2], rng: [] });
  assert.deepEqual(web.readLayerState(unfit), web.readLayerState(buildModel(BN, data, null)));
});

test('the ledger explains the page\'s step in training mode: the masks the step drew, batch norm with the batch\'s statistics, the gradient the step applied (penalty included)', () => {
  const run = runFor(BN, 7);
  const { x, t } = run.nextBatch();
  // what the page's Forward does: a copy for the ledger, the pass recorded with the state put back
  const passModel = run.model.clone();
  const pass = run.model.preservingState(() => lib.recordForward(run.model as never, run.data.loss, x as never, t as never));
  const masks = lastMasks(run.model);
  assert.deepEqual([...masks.keys()], [3, 7]);
  const logs = run.step();
  const w = web.blocks(passModel).map((b) => Array.from((passModel.layers[b.dense] as unknown as InstanceType<typeof lib.Dense>).weight.data)).flat();
  const penalty = BN.l1 * w.reduce((s, v) => s + Math.abs(v), 0) + (BN.l2Penalty / 2) * w.reduce((s, v) => s + v * v, 0);
  assert.ok(Math.abs(logs.loss - (pass.cost + penalty)) <= 1e-12, `the step's loss ${logs.loss} is the pass's cost ${pass.cost} plus the penalty ${penalty}`);
  const stepMasks = lastMasks(run.model);
  for (const [i, m] of masks) assert.deepEqual(Array.from(stepMasks.get(i)!), Array.from(m), `layer ${i}: the step drew the mask Forward showed`);
  const applied = (run.model.layers[0] as unknown as InstanceType<typeof lib.Dense>).weight.grad!.data[1]!;
  const ledger = explainLib.explain(passModel as never, x as never, t as never, { loss: run.data.loss, lr: BN.lr, param: 'W1[0][1]', mode: 'train', penalty: { l1: BN.l1, l2: BN.l2Penalty } });
  const drop = ledger.steps.find((s) => s.kind === 'dropout' && s.index === 3) as { mask: number[][] } | undefined;
  assert.deepEqual(drop!.mask.flat(), Array.from(masks.get(3)!));
  assert.ok(ledger.steps.some((s) => s.kind === 'batch_norm' && (s as { batchStatistics: boolean }).batchStatistics));
  const g = ledger.params.find((p) => p.id === 'W1[0][1]')!;
  assert.ok(Math.abs(g.grad - applied) <= 1e-12 * Math.max(1, Math.abs(applied)), `ledger ${g.grad} vs the step's ${applied}`);
  assert.ok(g.penalty !== undefined && g.penalty !== 0, 'the penalty\'s term is shown');
  const html = explainLib.renderHtml(ledger, { lang: 'ko', sections: ['header', 'backward', ...explainLib.PARAM_SECTIONS] });
  assert.match(html, /배치 정규화/);
  assert.match(html, /드롭아웃/);
});

test('the model file carries batch norm and dropout both ways: the page reads the settings and numbers back and predicts as the file does', () => {
  const run = runFor(BN, 30);
  const text = modelFileText(run.model, run.data);
  const plain: Settings = { ...BN, batchNorm: false, dropout: 0, hidden: [3] };
  const read = readModelFile(text, plain, run.data);
  assert.equal(read.settings.batchNorm, true);
  assert.equal(read.settings.dropout, 0.2);
  assert.deepEqual(read.settings.hidden, [4, 4]);
  const snap = run.snapshot();
  assertSameNumbers(flat(read.weights), flat(snap.weights), 'imported weights');
  assertSameNumbers(read.layers!.values, snap.layers!.values, 'imported γ, β, running statistics');
  const imported = buildModel(read.settings, run.data, read.weights, read.layers);
  const { model: fromFile } = lib.parseModelFile(JSON.parse(text));
  const x = new lib.Tensor(run.data.test.x, [run.data.test.rows, 2]);
  const page = run.model.withMode(false, () => Array.from(run.model.forward(x as never).data));
  assertSameNumbers(imported.withMode(false, () => Array.from(imported.forward(x as never).data)), page, 'imported model');
  assertSameNumbers(fromFile.withMode(false, () => Array.from(fromFile.forward(x as never).data)), page, 'parseModelFile');
  // a file the playground would not build is refused with the reason
  const odd = JSON.parse(text) as { layers: { kind?: string }[] };
  odd.layers.splice(3, 1);
  assert.throws(() => readModelFile(JSON.stringify(odd), plain, run.data), /model file: the playground builds .* the model is /);
});

// In the browser.

const shots = join(root, 'test-artifacts/playground-layers');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];
/** The BN settings as a link (dropout 0.5 here, so the first sample surely loses some units). */
const HASH = '#v=1&data=xor&noise=0.1&ratio=0.5&hidden=4,4&act=tanh&loss=bce&opt=adam&lr=0.03&batch=10&seed=7&l2=0&l1=0.001&l2p=0.0005&bn=1&drop=0.5&speed=20&lang=en&step=0';
const HASH_SETTINGS: Settings = { ...BN, dropout: 0.5, speed: 20 };

type PageState = { settings: Settings; weights: LayerWeights[]; layers: LayerState | null; step: number };
const stateOf = (page: Page): Promise<PageState> => page.evaluate(() => {
  const s = (window as unknown as { playground: { state: PageState } }).playground.state;
  return JSON.parse(JSON.stringify({ settings: s.settings, weights: s.weights, layers: s.layers, step: s.step })) as PageState;
});
const text = async (page: Page, sel: string): Promise<string> => ((await page.textContent(sel)) ?? '').trim();

async function open(hash: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url + hash);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

before(async () => {
  ensureWebBuilt();
  mkdirSync(shots, { recursive: true });
  server = await serveStatic(webDist, 0);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, reducedMotion: 'reduce' });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the toggles build the network: the diagram draws batch norm between each hidden dense layer and its activation, dropout after it, and Step crosses out the dropped units; the page trains as Node does', async () => {
  const page = await open('');
  await page.selectOption('#dataset', 'xor');
  await page.waitForFunction(() => document.querySelectorAll('svg.network g.node').length === 11);
  await page.check('#batch-norm');
  for (const [id, value] of [['#dropout', '0.5'], ['#l1', '0.001'], ['#l2-penalty', '0.0005']] as const) {
    await page.fill(id, value);
    await page.dispatchEvent(id, 'change');
  }
  await page.waitForFunction(() => document.querySelectorAll('svg.network g.layer-band.batch-norm').length === 2);
  assert.equal(await page.locator('svg.network [data-band^="drop"]').count(), 2);
  assert.match(await text(page, 'svg.network g.layer-band.batch-norm title'), /batch norm: z → x̂ = \(z − μ\)\/√\(σ² \+ ε\) → γ·x̂ \+ β, before the activation/);
  const s = (await stateOf(page)).settings;
  assert.deepEqual({ bn: s.batchNorm, p: s.dropout, l1: s.l1, l2p: s.l2Penalty, decay: s.l2 }, { bn: true, p: 0.5, l1: 0.001, l2p: 0.0005, decay: 0 });
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('step-count')?.textContent === '1');
  const dropped = page.locator('svg.network g.node.dropped');
  assert.ok(await dropped.count() > 0, 'with p = 0.5, the first sample lost units');
  for (const a of await dropped.locator('text.node-a-below').allTextContents()) assert.ok(Number(a) === 0, `a dropped unit outputs 0, not ${a}`);
  assert.match(await dropped.first().locator('title').first().textContent() ?? '', /dropped by dropout in this pass/);
  await page.screenshot({ path: join(shots, 'bn-dropout-step.png'), fullPage: true });
  // the page's step is the library's, from the same settings in Node
  const node = runFor({ ...(await stateOf(page)).settings }, 1);
  sameState(await stateOf(page), node.snapshot(), 'the page after one step');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the ledger panel explains a weight through batch norm and dropout, in training mode with the step\'s masks, in English and Korean', async () => {
  const page = await open(HASH);
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('step-count')?.textContent === '1');
  await page.click('button[data-param="W1[0][1]"]');
  await page.waitForSelector('#ledger-grad');
  await page.waitForFunction(() => /batch norm/.test(document.getElementById('ledger-body')?.textContent ?? ''));
  const body = await text(page, '#ledger-body');
  assert.match(body, /Layers in order: dense 1 → batch norm → tanh → dropout → dense 2 → batch norm → tanh → dropout → dense 3 \(training mode/);
  assert.match(body, /λ₁·sign\(w\) \+ λ₂·w/);
  // the gradient shown is the one the step applied (the Node run's, same settings)
  const node = runFor(HASH_SETTINGS, 0);
  node.step();
  const applied = (node.model.layers[0] as unknown as InstanceType<typeof lib.Dense>).weight.grad!.data[1]!;
  assert.ok(Math.abs(Number(await text(page, '#ledger-grad')) - applied) <= 1e-7 * Math.max(1, Math.abs(applied)), `${await text(page, '#ledger-grad')} vs ${applied}`);
  await page.locator('#ledger-body').screenshot({ path: join(shots, 'ledger-en.png') });
  await page.click('#lang-ko');
  await page.waitForFunction(() => /배치 정규화/.test(document.getElementById('ledger-body')?.textContent ?? ''));
  assert.match(await text(page, '#ledger-body'), /드롭아웃/);
  assert.match(await text(page, 'label[for="batch-norm"]'), /배치 정규화/);
  assert.match(await text(page, 'label[for="l2"]'), /가중치 감쇠/);
  await page.screenshot({ path: join(shots, 'ledger-ko.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('Play and Pause keep the other layers: the page holds the worker\'s γ, β, running statistics and generators, the link carries them, and a page opened from it continues bit for bit', async () => {
  const page = await open(HASH);
  await page.click('#btn-play');
  await page.waitForFunction(() => Number(document.getElementById('step-count')?.textContent) >= 40, undefined, { timeout: 30_000 });
  await page.click('#btn-play');
  await page.waitForFunction(() => document.getElementById('btn-play')?.getAttribute('aria-pressed') === 'false');
  const paused = await stateOf(page);
  // NOTE: the browser's kernels sum batch norm's statistics in another order than Node's loops: the worker's run agrees with Node's to round-off, not bit for bit.
  const node = runFor(HASH_SETTINGS, paused.step).snapshot();
  const close = (a: number[], b: number[], what: string): void => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-9 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${v} vs ${b[i]}`));
  close(flat(paused.weights), flat(node.weights), `paused at step ${paused.step}: weights`);
  close(paused.layers!.values, node.layers!.values, `paused at step ${paused.step}: γ, β, running statistics`);
  assert.deepEqual(paused.layers!.rng, node.layers!.rng, 'the dropout generators drew as many masks');
  const hash = await page.evaluate(() => location.hash);
  const again = await open(hash);
  sameState(await stateOf(again), paused, 'the page opened from the link');
  await page.click('#btn-step');
  await again.click('#btn-step');
  await page.waitForFunction((n) => document.getElementById('step-count')?.textContent === String(n), paused.step + 1);
  await again.waitForFunction((n) => document.getElementById('step-count')?.textContent === String(n), paused.step + 1);
  sameState(await stateOf(again), await stateOf(page), 'one step later, both pages');
  assert.deepEqual(problems, []);
  await page.close();
  await again.close();
});

test('the exported model file loads with parseModelFile and predicts as the page does; imported into a plain page it brings batch norm and dropout back', async () => {
  const page = await open(HASH);
  for (let i = 1; i <= 5; i++) {
    await page.click('#btn-step');
    await page.waitForFunction((n) => document.getElementById('step-count')?.textContent === String(n), i);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
  const file = readFileSync((await download.path())!, 'utf8');
  const { model, loss } = lib.parseModelFile(JSON.parse(file));
  assert.deepEqual(model.layers.map((l) => l.kind), ['dense', 'batch_norm', 'activation', 'dropout', 'dense', 'batch_norm', 'activation', 'dropout', 'dense']);
  const data = buildData(HASH_SETTINGS, null);
  // the test loss on the page is the file's, in eval mode (running statistics, no dropout)
  assert.equal(await text(page, '#test-loss'), lib.formatNumber(lib.evaluate(model, loss, data.test).loss));
  // a page on the same data (seed 7, noise 0.1), without batch norm or dropout
  const plain = await open(HASH.replace('&bn=1&drop=0.5', '&bn=0&drop=0'));
  assert.equal(await plain.locator('svg.network g.layer-band').count(), 0);
  await plain.setInputFiles('#import-model', { name: 'bn.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await plain.waitForFunction(() => document.querySelectorAll('svg.network g.layer-band.batch-norm').length === 2);
  assert.equal(await plain.isChecked('#batch-norm'), true);
  assert.equal(await plain.inputValue('#dropout'), '0.5');
  const a = await stateOf(page);
  const b = await stateOf(plain);
  assertSameNumbers(flat(b.weights), flat(a.weights), 'imported weights');
  assertSameNumbers(b.layers!.values, a.layers!.values, 'imported γ, β, running statistics');
  assert.equal(await text(plain, '#test-loss'), await text(page, '#test-loss'));
  assert.deepEqual(problems, []);
  await page.close();
  await plain.close();
});
