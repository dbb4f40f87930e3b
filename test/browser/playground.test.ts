// The playground in a real browser: Debian's Chromium driven by playwright-core (no browser
// download). Checks the seed network's numbers on screen against the seed notebook's figures and
// the library run here in Node, the ledger of w41, training XOR in the worker, the URL round trip,
// the model file, the Korean UI, a phone-sized screen, keyboard use and axe-core's accessibility
// rules. Screenshots go to test-artifacts/playground/.
import type { Dense } from '../../src/nn/dense.js';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { formatNumber, HIDDEN_ACTIVATIONS, LOSSES, modelLoss, parseModelFile, seedNetwork, SGD, tensor } from '../../src/index.js';
import { serveStatic, type StaticServer } from '../../src/cli/commands/playground.js';
import { seedExpected } from '../helpers/seed.js';
import { axeSerious } from './axe.js';
import { ensureWebBuilt, root, webDist } from './build.js';
import { importWeb } from './web-module.js';

const E = seedExpected();
const shots = join(root, 'test-artifacts/playground');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

type Weights = { W: number[][]; b: number[] }[];

async function open(hash = '', ctx: BrowserContext = context): Promise<Page> {
  const page = await ctx.newPage();
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
 * Korean words the page breaks across two lines ("있습|니다"): for every visible text with Hangul,
 * two Hangul letters side by side whose boxes sit on different lines. With `word-break: keep-all`
 * Korean wraps only at spaces, so the list is empty.
 */
const midWordBreaks = (page: Page): Promise<string[]> => page.evaluate(() => {
  const hangul = /[\uAC00-\uD7A3]/;
  const out: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode() as Text | null; n !== null; n = walker.nextNode() as Text | null) {
    const el = n.parentElement;
    if (!hangul.test(n.data) || el === null || el.closest('[hidden], .sr-only, svg, select, script, style') !== null || el.getClientRects().length === 0) continue;
    let prevTop: number | null = null;
    for (let i = 0; i < n.data.length; i++) {
      range.setStart(n, i);
      range.setEnd(n, i + 1);
      const box = range.getClientRects()[0];
      if (box === undefined) {
        prevTop = null;
        continue;
      }
      if (prevTop !== null && box.top > prevTop + 2 && hangul.test(n.data[i]!) && hangul.test(n.data[i - 1]!)) out.push(`${n.data.slice(Math.max(0, i - 8), i)}|${n.data.slice(i, i + 8)}`);
      prevTop = box.top;
    }
  }
  return out;
});

/** Options of the settings' menus whose text is wider than the closed menu shows (cut off). */
const cutMenus = (page: Page): Promise<string[]> => page.evaluate(() => {
  const ctx = document.createElement('canvas').getContext('2d')!;
  const cut: string[] = [];
  for (const sel of document.querySelectorAll<HTMLSelectElement>('.controls select:not(#csv-target)')) {
    const cs = getComputedStyle(sel);
    ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    // NOTE: the closed menu shows its text between the left padding and the arrow (about 20 px).
    const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
    for (const o of sel.options) {
      const w = ctx.measureText(o.textContent ?? '').width;
      if (w > room) cut.push(`#${sel.id}: "${o.textContent}" is ${Math.round(w)} px, the menu shows ${Math.round(room)} px`);
    }
  }
  return cut;
});
const weightsOf = (page: Page): Promise<Weights> => page.evaluate(() => (window as unknown as { playground: { state: { weights: Weights } } }).playground.state.weights);

before(async () => {
  ensureWebBuilt();
  mkdirSync(shots, { recursive: true });
  server = await serveStatic(webDist, 0);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, reducedMotion: 'no-preference' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page loads with the seed network, its numbers on screen, and no console errors', async () => {
  const page = await open();
  // Served with its Content-Security-Policy and cross-origin isolated (COOP + COEP): the page and its
  // worker load under both, and a violation would be a console error below.
  const res = await fetch(server.url);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.match(await text(page, 'h1'), /backprop/);
  assert.equal(await page.locator('svg.network g.node').count(), 7);
  assert.equal(await page.locator('svg.network g.edge').count(), 10);
  assert.equal(await text(page, 'button[data-param="W1[0][2]"]'), '0.5');
  assert.equal(await text(page, 'button[data-param="W2[1][0]"]'), '0.8');
  assert.equal(await text(page, '#train-loss'), formatNumber(E.forward.E));
  // One sample: it is all the training data, so no training share and no test loss are shown.
  assert.equal(await page.locator('#ratio').isVisible(), false);
  assert.equal(await page.locator('#ratio-out').isVisible(), false);
  assert.equal(await text(page, '#test-loss'), '–');
  assert.equal(await page.getAttribute('#test-loss', 'title'), 'no test set');
  assert.doesNotMatch(await text(page, '#chart'), /Test loss/);
  assert.match(await text(page, '#seed-note'), /Its one sample is all the training data; there is no test set\./);
  assert.equal(await page.locator('#train-acc-box').isVisible(), false, 'no accuracy for numbers to fit');
  // The activation menu is the library's table (SiLU came with its one entry there); the cost functions are its loss table.
  assert.deepEqual((await page.locator('#activation option').allTextContents()).sort(), [...HIDDEN_ACTIVATIONS].sort());
  assert.ok(HIDDEN_ACTIVATIONS.includes('silu'));
  assert.deepEqual(await page.locator('#loss option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), [...LOSSES]);
  // Every menu shows its whole label, in both languages.
  assert.deepEqual(await cutMenus(page), []);
  await page.click('#lang-ko');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  assert.deepEqual(await cutMenus(page), []);
  await page.click('#lang-en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  // Hovering a connection names it the notebook's way, with its value.
  assert.equal(await text(page, 'g.edge[data-param="W2[0][0]"] title'), 'weight w41 = W2[0][0] = 0.7');
  await page.screenshot({ path: join(shots, 'seed-start.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('Step on the seed network shows the cost 0.28217575 and, after the update, the library\'s new cost and weights', async () => {
  const page = await open();
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('step-count')?.textContent === '1');
  assert.equal(await text(page, '#cost'), '0.28217575');
  assert.equal(await text(page, '#cost'), formatNumber(E.sgd.afterSteps['1']!.lossBeforeStep));
  // The same step with the library, here in Node.
  const net = seedNetwork();
  const x = tensor(E.input);
  const t = tensor(E.target);
  const opt = new SGD(net.parameters(), { lr: E.sgd.lr });
  opt.zeroGrad();
  modelLoss(net, 'sse', x, t).backward();
  opt.step();
  const costAfter = modelLoss(net, 'sse', x, t).item();
  assert.equal(await text(page, '#cost-after'), formatNumber(costAfter));
  assert.equal(await text(page, '#cost-after'), formatNumber(E.sgd.afterSteps['1']!.lossAfterStep));
  const shown = await weightsOf(page);
  (net.layers as readonly Dense[]).forEach((l, i) => {
    assert.deepEqual(shown[i]!.W, l.weight.to2D(), `W${i + 1} after one step`);
    assert.deepEqual(shown[i]!.b, Array.from(l.bias.data), `b${i + 1} after one step`);
  });
  await page.close();
});

test('Backward lets the deltas flow from the outputs down; clicking w41 opens its ledger with 0.04047892', async () => {
  const page = await open();
  await page.click('#btn-forward');
  // The page draws on the next animation frame: wait for it (a busy machine delays it).
  await page.waitForFunction(() => document.getElementById('cost')?.textContent !== '–');
  assert.equal(await text(page, '#cost'), formatNumber(E.forward.E));
  assert.equal(await text(page, 'g.node[data-node="6"] .node-a'), String(Number(E.forward.y[0]!.toPrecision(4))));
  await page.click('#btn-backward');
  // Mid-backward: the output deltas are shown and flowing through W2, the hidden ones not yet.
  // NOTE: read in the frame that shows the stage (each stage lasts 450 ms; a loaded machine took longer between two reads).
  const mid = await (await page.waitForFunction(() => document.querySelector('svg.network')?.getAttribute('data-flowing') === '2' && {
    output: document.querySelectorAll('g.node[data-node="6"] .node-delta').length,
    hidden: document.querySelectorAll('g.node[data-node="4"] .node-delta').length,
  })).jsonValue();
  assert.deepEqual(mid, { output: 1, hidden: 0 });
  await page.screenshot({ path: join(shots, 'seed-mid-backward.png') });
  await page.waitForSelector('svg.network[data-flowing="0"][data-delta-from="1"]');
  assert.equal(await page.locator('g.node[data-node="4"] .node-delta').count(), 1);
  // Click the connection from hidden node 4 to the first output in the diagram.
  const box = (await page.locator('g.edge[data-param="W2[0][0]"] path.wire').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForSelector('#ledger-grad');
  assert.equal(await text(page, '#ledger-grad'), '0.04047892');
  assert.equal(await text(page, '#ledger-grad'), formatNumber(E.notebook.bw41));
  assert.match(await text(page, '#ledger-title'), /^w41 = W2\[0\]\[0\]/);
  // The chain rule is the library's HTML (renderHtml, the compact sections for one parameter).
  const chain = await text(page, '.ledger .bp-ledger');
  assert.ok(chain.includes(formatNumber(E.deltaOutput[0]!)), `the chain shows δ6 = ${E.deltaOutput[0]}`);
  assert.ok(chain.includes(formatNumber(E.forward.h[0]!)), `the chain shows a4 = ${E.forward.h[0]}`);
  // After Update: before and after values and the new cost; the neurons still show the old pass, and the page says so.
  assert.equal(await page.locator('#stale-note').isVisible(), false);
  await page.click('#btn-update');
  await page.waitForSelector('#ledger-update');
  assert.equal(await page.locator('#stale-note').isVisible(), true);
  assert.match(await text(page, '#stale-note'), /Press Forward to compute them with the new weights/);
  assert.equal(await page.getAttribute('#diagram', 'class'), 'diagram stale');
  const upd = await text(page, '#ledger-update');
  assert.ok(upd.includes('0.7') && upd.includes(formatNumber(0.7 - 0.5 * E.notebook.bw41)), upd);
  assert.ok((await text(page, '#ledger-body')).includes(formatNumber(E.sgd.afterSteps['1']!.lossAfterStep)));
  await page.screenshot({ path: join(shots, 'seed-ledger-after-update.png') });
  // Forward with the new weights: the note goes, and node 6 shows the output after one step.
  await page.click('#btn-forward');
  await page.waitForFunction(() => document.getElementById('stale-note')?.hidden === true);
  assert.equal(await text(page, 'g.node[data-node="6"] .node-a'), String(Number(E.sgd.afterSteps['1']!.outputAfterStep[0]!.toPrecision(4))));
  assert.equal(await page.getAttribute('#diagram', 'class'), 'diagram');
  await page.close();
});

test('the keyboard reaches every control: Forward by Enter, a weight\'s ledger from its table cell', async () => {
  const page = await open();
  await page.focus('#btn-forward');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('cost')?.textContent !== '–');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'btn-backward');
  await page.keyboard.press('Enter');
  await page.focus('button[data-param="W2[0][1]"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ledger-grad');
  assert.equal(await text(page, '#ledger-grad'), formatNumber(E.notebook.bw51));
  // Type a new value for the weight.
  await page.fill('#param-value', '0.25');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('button[data-param="W2[0][1]"]')?.textContent === '0.25');
  assert.equal((await weightsOf(page))[1]!.W[0]![1], 0.25);
  // The edit starts a new pass: the ledger asks for Backward, and the value field keeps the focus.
  await page.waitForFunction(() => document.querySelector('#ledger-body .hint') !== null);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'param-value');
  await page.close();
});

test('dragging a connection upwards makes its weight larger', async () => {
  const page = await open();
  // A point on the line, a third of the way from input 3 to hidden node 5, in page pixels.
  const [x, y] = await page.evaluate<[number, number]>(`(() => {
    const p = document.querySelector('g.edge[data-param="W1[1][2]"] path.wire');
    const q = p.getPointAtLength(p.getTotalLength() / 3);
    const m = p.getScreenCTM();
    return [q.x * m.a + q.y * m.c + m.e, q.x * m.b + q.y * m.d + m.f];
  })()`);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y - 25, { steps: 5 });
  await page.mouse.move(x, y - 50, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => (window as unknown as { playground: { state: { weights: { W: number[][] }[] } } }).playground.state.weights[0]!.W[1]![2] !== 0.6);
  const w = (await weightsOf(page))[0]!.W[1]![2]!;
  assert.ok(Math.abs(w - (0.6 + 0.5)) < 1e-9, `0.6 dragged up 50 px is ${w}, expected 1.1`);
  assert.equal(await text(page, 'button[data-param="W1[1][2]"]'), '1.1');
  await page.close();
});

let xorLink = '';
let xorWeights: Weights = [];
test('XOR trains with Play in the worker until the test loss is below 0.05; steps per second are shown', async () => {
  const page = await open();
  await page.selectOption('#dataset', 'xor');
  await page.locator('#speed').fill('9');
  await page.click('#btn-play');
  await page.waitForFunction(() => Number(document.getElementById('test-loss')?.textContent) < 0.05, undefined, { timeout: 40_000, polling: 100 });
  // The page answers while the worker trains: switch the language back and forth.
  await page.click('#lang-ko');
  await page.waitForFunction(() => document.documentElement.lang === 'ko' && document.getElementById('btn-play')?.textContent === '멈춤');
  await page.click('#lang-en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.getAttribute('#btn-play', 'aria-pressed'), 'true', 'still training');
  await page.click('#btn-play');
  await page.waitForFunction(() => document.getElementById('btn-play')?.getAttribute('aria-pressed') === 'false');
  assert.ok(Number(await text(page, '#sps')) > 0, 'steps per second shown');
  assert.ok(Number(await text(page, '#test-loss')) < 0.05);
  assert.ok(Number(await text(page, '#step-count')) > 0);
  await page.screenshot({ path: join(shots, 'xor-trained.png'), fullPage: true });
  await page.click('#copy-link');
  await page.waitForFunction(() => (document.getElementById('notice')?.textContent ?? '') !== '');
  xorLink = await page.evaluate(() => navigator.clipboard.readText().catch(() => location.href));
  xorWeights = await weightsOf(page);
  assert.ok(xorLink.startsWith(server.url) && xorLink.includes('data=xor'), xorLink);
  await page.close();
});

test('reloading from the copied link reproduces the trained weights bit for bit', async () => {
  assert.ok(xorLink !== '', 'the XOR test made a link');
  const page = await context.newPage();
  await page.goto(xorLink);
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await weightsOf(page), xorWeights);
  assert.ok(Number(await text(page, '#test-loss')) < 0.05);
  assert.equal(await page.locator('#boundary-fig').isVisible(), true);
  await page.close();
});

test('Play, Pause and then Step by hand follow one trajectory: an uninterrupted run gives the same weights bit for bit', async () => {
  const hash = '#v=1&data=xor&noise=0.1&ratio=0.5&hidden=4&act=tanh&loss=bce&opt=adam&lr=0.03&batch=10&seed=7&l2=0&speed=5&lang=en&step=0';
  const page = await open(hash);
  await page.click('#btn-play');
  await page.waitForFunction(() => Number(document.getElementById('step-count')?.textContent) >= 30, undefined, { timeout: 30_000 });
  await page.click('#btn-play');
  await page.waitForFunction(() => document.getElementById('btn-play')?.getAttribute('aria-pressed') === 'false');
  const played = Number(await text(page, '#step-count'));
  const afterPlay = await weightsOf(page);
  for (let i = 1; i <= 3; i++) {
    await page.click('#btn-step');
    await page.waitForFunction((n) => document.getElementById('step-count')?.textContent === String(n), played + i);
  }
  const afterSteps = await weightsOf(page);
  // The page's own training run (the library's Trainer), from scratch on the page's thread, without pauses.
  const uninterrupted = await page.evaluate(([a, b]) => {
    type Run = { step(): void; snapshot(): { weights: Weights } };
    const app = (window as unknown as { playground: { run: Run & { constructor: new (...args: unknown[]) => Run }; data: unknown; state: { settings: unknown } } }).playground;
    const run = new app.run.constructor(app.state.settings, app.data, null, null, 0);
    const out: Weights[] = [];
    for (let i = 1; i <= b; i++) {
      run.step();
      if (i === a || i === b) out.push(run.snapshot().weights);
    }
    return out;
  }, [played, played + 3] as const);
  assert.deepEqual(afterPlay, uninterrupted[0], `the worker's weights after ${played} steps`);
  assert.deepEqual(afterSteps, uninterrupted[1], 'three steps by hand after Pause take the next batches');
  // The same run in Node agrees to rounding only: Chromium's V8 rounds Math.exp, Math.log and ** differently from Node 20's in the last bit.
  const { TrainingRun, buildData, decodeState } = await importWeb();
  const settings = decodeState(hash).settings;
  const run = new TrainingRun(settings, buildData(settings, null), null, null, 0);
  for (let i = 0; i < played + 3; i++) run.step();
  run.snapshot().weights.forEach((l, i) => [...l.W.flat(), ...l.b].forEach((w, k) => {
    const page = [...afterSteps[i]!.W.flat(), ...afterSteps[i]!.b][k]!;
    assert.ok(Math.abs(page - w) <= 1e-9 * Math.max(1, Math.abs(w)), `layer ${i + 1}, parameter ${k}: page ${page}, Node ${w}`);
  }));
  await page.close();
});

test('Play stops when training diverges, with the library\'s diagnosis on the page; the last good weights stay', async () => {
  const rows = ['a,b,y'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 7},${(i * 3) % 11},${50 * (i % 7) + 20 * ((i * 3) % 11)}`);
  const csv = encodeURIComponent(rows.join('\n'));
  const page = await open(`#v=1&data=csv&ratio=0.5&hidden=4&act=linear&loss=sse&opt=sgd&lr=10&batch=10&seed=7&l2=0&speed=1&lang=en&step=0&csv=${csv}&csvname=lin.csv&target=y`);
  await page.click('#btn-play');
  await page.waitForFunction(() => /Training stopped at step \d+/.test(document.getElementById('notice')?.textContent ?? ''), undefined, { timeout: 30_000 });
  await page.waitForFunction(() => document.getElementById('btn-play')?.getAttribute('aria-pressed') === 'false');
  const notice = await text(page, '#notice');
  // NOTE: the worker's DivergenceCheck (the loss grew by orders of magnitude) or the Trainer's own diagnosis (a non-finite step), whichever comes first.
  assert.match(notice, /the training loss grew from \S+ to \S+\. The learning rate 10 is too high|the numbers became NaN or infinite.*The library’s diagnosis: training stopped: the loss became .* likely cause: the learning rate η = 10 is too high/);
  const failed = Number(/at step (\d+)/.exec(notice)![1]);
  assert.ok(Number(await text(page, '#step-count')) < failed, 'the page shows the last good step');
  assert.ok((await weightsOf(page)).every((l) => [...l.W.flat(), ...l.b].every(Number.isFinite)), 'finite weights');
  await page.close();
});

test('the model file exports in the CLI\'s format and imports back', async () => {
  const page = await open();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
  const file = readFileSync((await download.path())!, 'utf8');
  const { model, loss } = parseModelFile(JSON.parse(file));
  assert.equal(loss, 'sse');
  assert.deepEqual((model.layers as readonly Dense[])[1]!.weight.to2D(), E.weights.W2);
  const changed = JSON.parse(file) as { layers: { weights: number[][] }[] };
  changed.layers[1]!.weights[0]![0] = -1.5;
  await page.setInputFiles('#import-model', { name: 'm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(changed)) });
  await page.waitForFunction(() => document.querySelector('button[data-param="W2[0][0]"]')?.textContent === '-1.5');
  assert.equal((await weightsOf(page))[1]!.W[0]![0], -1.5);
  // A model that does not fit the data is refused with a message saying why; the weights stay.
  const xorModel = readFileSync(join(root, 'examples/xor-model.json'));
  await page.setInputFiles('#import-model', { name: 'xor.json', mimeType: 'application/json', buffer: xorModel });
  await page.waitForFunction(() => /inputs/.test(document.getElementById('notice')?.textContent ?? ''));
  assert.match(await text(page, '#notice'), /model file: the model maps 2 inputs to \d+ outputs, but the data has 3 inputs and 2 outputs/);
  assert.equal((await weightsOf(page))[1]!.W[0]![0], -1.5);
  await page.close();
});

test('a CSV dropped on the page trains and gets a decision boundary', async () => {
  const page = await open();
  const rows = ['a,b,label'];
  for (let i = 0; i < 40; i++) rows.push(`${(i % 10) / 3},${Math.floor(i / 10)},${(i % 10) / 3 > 1.5 ? 'yes' : 'no'}`);
  // Dropped on the page, as a learner would drag it from the desktop.
  const dropped = await page.evaluateHandle((csv) => {
    const dt = new DataTransfer();
    dt.items.add(new File([csv], 'tiny.csv', { type: 'text/csv' }));
    return dt;
  }, rows.join('\n'));
  await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
  await page.waitForFunction(() => (document.getElementById('dataset') as HTMLSelectElement).value === 'csv');
  assert.equal(await page.locator('#boundary-fig').isVisible(), true);
  assert.equal(await page.locator('#csv-target').inputValue(), 'label');
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('step-count')?.textContent === '1');
  assert.ok(Number.isFinite(Number(await text(page, '#cost'))));
  await page.close();
});

test('the Iris CSV (three classes) takes softmax with cross-entropy, and its accuracy is shown and right', async () => {
  const page = await open();
  await page.setInputFiles('#csv-file', join(root, 'examples/iris.csv'));
  await page.waitForFunction(() => (document.getElementById('dataset') as HTMLSelectElement).value === 'csv');
  assert.equal(await page.locator('#loss').inputValue(), 'cross_entropy');
  assert.equal(await page.locator('#loss option[value="bce"]').isDisabled(), true, 'bce would treat three classes as three yes/no questions');
  await page.locator('#speed').fill('5');
  for (let i = 0; i < 30; i++) await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('step-count')?.textContent === '30');
  assert.equal(await page.locator('#train-acc-box').isVisible(), true);
  // The shown accuracy, recomputed here from the page's weights and test rows with a plain argmax.
  const { W, x, labels, n, inputs } = await page.evaluate(() => {
    const app = (window as unknown as { playground: { state: { weights: Weights }; data: { test: { x: Float64Array; labels: Int32Array; rows: number }; inputs: number } } }).playground;
    return { W: app.state.weights, x: Array.from(app.data.test.x), labels: Array.from(app.data.test.labels), n: app.data.test.rows, inputs: app.data.inputs };
  });
  let right = 0;
  for (let i = 0; i < n; i++) {
    let a = x.slice(i * inputs, (i + 1) * inputs);
    W.forEach((layer, l) => {
      const z = layer.W.map((row, r) => row.reduce((acc, w, c) => acc + w * a[c]!, layer.b[r]!));
      a = l === W.length - 1 ? z : z.map(Math.tanh);
    });
    if (a.indexOf(Math.max(...a)) === labels[i]) right++;
  }
  assert.equal(await text(page, '#test-acc'), `${((100 * right) / n).toFixed(1)} %`);
  assert.match(await text(page, '#train-acc'), /^\d+\.\d %$/);
  await page.close();
});

test('the spiral trains and its decision boundary is drawn', async () => {
  // Seed 4: with the data, initial weights and batches `backprop train --seed 4` would use, the training loss falls below 0.05 in about 4,300 steps.
  const page = await open('#v=1&data=spiral&noise=0&ratio=0.5&hidden=8,8&act=tanh&loss=bce&opt=adam&lr=0.03&batch=10&seed=4&l2=0&speed=1000&lang=en&step=0');
  await page.click('#btn-play');
  // Pause in the same tick as the check, so the picture is the state that met it (Adam at η = 0.03 is spiky).
  // NOTE: a function, not a string: the page's Content-Security-Policy forbids evaluating strings.
  await page.waitForFunction(() => {
    const h = (window as unknown as { playground: { state: { history: { train: number }[] } } }).playground.state.history;
    if (!(h[h.length - 1]!.train < 0.05)) return false;
    document.getElementById('btn-play')!.click();
    return true;
  }, undefined, { timeout: 45_000, polling: 50 });
  await page.waitForFunction(() => document.getElementById('btn-play')?.getAttribute('aria-pressed') === 'false');
  const last = Number(await text(page, '#train-loss'));
  const first = await page.evaluate(() => (window as unknown as { playground: { state: { history: { train: number }[] } } }).playground.state.history[0]!.train);
  assert.ok(last < first, `training loss fell (${first} → ${last})`);
  await page.screenshot({ path: join(shots, 'spiral-boundary.png') });
  await page.close();
});

test('a learning rate that makes a regression explode stops Play and says why; the last good weights stay', async () => {
  const rows = ['x,y'];
  for (let i = 0; i < 40; i++) rows.push(`${i / 4},${(3 * i) / 4 + 1}`);
  const csv = encodeURIComponent(rows.join('\n'));
  const page = await open(`#v=1&data=csv&ratio=0.5&hidden=4&act=tanh&loss=mse&opt=sgd&lr=10&batch=10&seed=1&l2=0&speed=100&lang=en&step=0&csv=${csv}&csvname=line.csv&target=y`);
  await page.click('#btn-play');
  await page.waitForFunction(() => /Training stopped at step/.test(document.getElementById('notice')?.textContent ?? ''), undefined, { timeout: 30_000 });
  // NOTE: the loss grows by orders of magnitude (the worker's DivergenceCheck) or a step turns it non-finite first (the Trainer's own diagnosis).
  assert.match(await text(page, '#notice'), /^Training stopped at step \d+: (the (training loss grew from \S+ to \S+|loss became \S+)\. The learning rate 10 is too high for this network; lower it and press Play again\.|the numbers became NaN or infinite, .* The library’s diagnosis: .*)$/);
  await page.waitForFunction(() => document.getElementById('btn-play')?.getAttribute('aria-pressed') === 'false');
  for (const l of await weightsOf(page)) assert.ok([...l.W.flat(), ...l.b].every(Number.isFinite), 'the weights the page keeps are finite');
  await page.close();
});

test('a shared link with a 150,000-point loss curve loads, thinned, and the page answers', async () => {
  // NOTE: short points (the URL stays under Chromium's 2 MB); 150,000 of them exceed what a spread into Math.min takes.
  const points = Array.from({ length: 150_000 }, (_, i) => `${i % 10}:${(i % 7) + 1}:1`).join(';');
  const page = await open(`#v=1&data=xor&hidden=3&act=tanh&loss=bce&opt=adam&lr=0.03&batch=10&seed=1&speed=20&lang=en&step=150000&h=${points}`);
  const kept = await page.evaluate(() => (window as unknown as { playground: { state: { history: unknown[] } } }).playground.state.history.length);
  assert.ok(kept > 0 && kept <= 600, `${kept} points kept`);
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('step-count')?.textContent === '150001');
  assert.equal(await page.locator('#chart svg polyline').count(), 2);
  await page.close();
});

test('Korean UI uses the notebook\'s terms and passes the accessibility check', async () => {
  const page = await open();
  await page.click('#lang-ko');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  await page.click('#btn-forward');
  await page.click('#btn-backward');
  await page.waitForSelector('svg.network[data-flowing="0"][data-delta-from="1"]');
  await page.click('button[data-param="W2[0][0]"]');
  await page.waitForSelector('#ledger-grad');
  const body = await text(page, 'body');
  for (const term of ['순전파', '역전파', '비용 함수', '가중치', '편향', '기울기', '학습률']) assert.ok(body.includes(term), `Korean UI lacks ${term}`);
  assert.equal(await text(page, '#btn-forward'), '순전파');
  assert.equal(await text(page, '#ledger-grad'), formatNumber(E.notebook.bw41));
  // Korean wraps between words: no word of the page (the seed note, the ledger, the check) is split across lines.
  assert.deepEqual(await midWordBreaks(page), []);
  await page.screenshot({ path: join(shots, 'korean.png') });
  assert.deepEqual(await axeSerious(page), []);
  await page.close();
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
  const small = await open('#v=1&data=circle&hidden=4,3&act=tanh&loss=bce&opt=adam&lr=0.03&batch=10&seed=1&speed=20&lang=ko', phone);
  await small.click('#btn-step');
  await small.waitForFunction(() => document.getElementById('step-count')?.textContent === '1');
  await small.click('button[data-param="W1[0][0]"]');
  await small.waitForSelector('#ledger-grad');
  assert.deepEqual(await midWordBreaks(small), []);
  await small.screenshot({ path: join(shots, 'korean-phone.png'), fullPage: true });
  await phone.close();
});

test('a phone-sized screen fits without sideways scrolling; axe-core passes on the 2-D view with a bias ledger open', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
  const page = await open('#v=1&data=circle&hidden=4,3&act=tanh&loss=bce&opt=adam&lr=0.03&batch=10&seed=1&speed=20&lang=en', phone);
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('step-count')?.textContent === '1');
  await page.click('#btn-backward');
  // A connection tapped in the diagram opens its ledger right under the diagram, in view, not screens below.
  await page.waitForSelector('svg.network[data-flowing="0"]');
  const [tx, ty] = await page.evaluate<[number, number]>(`(() => {
    const p = document.querySelector('g.edge[data-param="W2[0][0]"] path.wire');
    const q = p.getPointAtLength(p.getTotalLength() / 2);
    const m = p.getScreenCTM();
    return [q.x * m.a + q.y * m.c + m.e, q.x * m.b + q.y * m.d + m.f];
  })()`);
  await page.touchscreen.tap(tx, ty);
  await page.waitForSelector('#ledger-grad');
  const gap = await page.evaluate(() => {
    const diagram = document.getElementById('diagram')!.getBoundingClientRect();
    const heading = document.getElementById('ledger-h')!.getBoundingClientRect();
    return { below: heading.top - diagram.bottom, inView: heading.top >= 0 && heading.top < window.innerHeight };
  });
  assert.ok(gap.below >= 0 && gap.below < 200, `the ledger starts ${Math.round(gap.below)} px below the diagram`);
  await page.waitForFunction(() => { const r = document.getElementById('ledger-h')!.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; });
  await page.click('button[data-param="b2[1]"]');
  await page.waitForFunction(() => document.getElementById('ledger-title')?.textContent?.startsWith('b2[1]') === true);
  await page.waitForSelector('#ledger-grad');
  // The library's HTML of the ledger wraps to the phone's width: nothing in it is wider than its panel.
  const wide = await page.evaluate(() => {
    const panel = document.getElementById('ledger-body')!.getBoundingClientRect();
    return [...document.querySelectorAll('#ledger-body .chain *')].filter((e) => e.getBoundingClientRect().right > panel.right + 1).map((e) => `${e.tagName}.${e.className}: ${e.textContent!.slice(0, 40)}`);
  });
  assert.deepEqual(wide, []);
  await page.locator('#ledger').screenshot({ path: join(shots, 'phone-ledger.png') });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(shots, 'phone.png') });
  await page.locator('#output-h').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'phone-output.png') });
  assert.deepEqual(await axeSerious(page), []);
  await phone.close();
});

test('no console errors or warnings in any page of the session', () => {
  assert.deepEqual(problems, []);
});
