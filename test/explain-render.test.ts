// Rendering the ledger: locale completeness, identical numbers in Korean and English, committed
// snapshots of the seed ledger (UPDATE_SNAPSHOTS=1 rewrites them), Markdown → HTML with KaTeX,
// JSON round trip, and the `backprop explain` command in-process.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { explain, LOCALES, renderJson, renderMarkdown, renderText, type Ledger } from '../src/explain/index.js';
import { seedNetwork } from '../src/nn/seed.js';
import { main, nodeIo, type CliIo } from '../src/node.js';
import { ledgerMarkdownToHtml } from './helpers/ledger-html.js';
import { assertClose } from './helpers/close.js';
import { seedExpected } from './helpers/seed.js';

const E = seedExpected();
const seed = (): Ledger => explain(seedNetwork(), E.input, E.target, { lr: E.sgd.lr });

test('every locale has every key, with the same placeholders and no empty string', () => {
  const en = LOCALES.en as Record<string, string>;
  const ko = LOCALES.ko as Record<string, string>;
  assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort(), 'ko and en define the same keys');
  const holes = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
  for (const key of Object.keys(en)) {
    assert.ok(en[key]!.length > 0 && ko[key]!.length > 0, `${key} is empty`);
    assert.deepEqual(holes(ko[key]!), holes(en[key]!), `placeholders of ${key}`);
  }
  for (const term of ['순전파', '역전파', '비용 함수', '가중치', '편향', '기울기', '학습률', '은닉층', '출력층', '입력층']) {
    assert.ok(Object.values(ko).some((s) => s.includes(term)), `Korean locale uses the notebook's term ${term}`);
  }
});

/** The computed figures of a rendering: numbers with a decimal point or an exponent, sorted. */
function figures(s: string): string[] {
  return [...s.matchAll(/-?\d+\.\d+(?:e[-+]\d+)?|-?\d+e[-+]\d+/g)].map((m) => m[0]).sort();
}

test('Korean and English renderings carry identical numbers (text and Markdown)', () => {
  const ledger = seed();
  for (const render of [renderText, renderMarkdown]) {
    const en = figures(render(ledger, { lang: 'en' }));
    const ko = figures(render(ledger, { lang: 'ko' }));
    assert.ok(en.length > 150, `enough figures (${en.length})`);
    assert.deepEqual(ko, en);
  }
  for (const s of ['0.04047892', '0.11298352', '0.041662675', '0.11628758', '0.16377596', '0.043199327', '0.12057664', '0.02242898', '0.28217575', '0.25831632']) {
    assert.ok(renderText(ledger, { lang: 'ko' }).includes(s), `Korean text shows ${s}`);
  }
});

test('digits are configurable; colour only when asked for', () => {
  const ledger = seed();
  const four = renderText(ledger, { digits: 4 });
  assert.ok(four.includes('0.04048') && !four.includes('0.04047892'));
  assert.ok(!renderText(ledger).includes('\x1b['));
  assert.ok(renderText(ledger, { color: true }).includes('\x1b[1;36m'));
});

function snapshot(name: string, actual: string): void {
  const url = new URL(`./snapshots/${name}`, import.meta.url);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    writeFileSync(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(url, 'utf8');
  } catch {
    assert.fail(`snapshot test/snapshots/${name} is missing; run UPDATE_SNAPSHOTS=1 node scripts/run-tests.mjs explain-render`);
  }
  assert.equal(actual, expected, `test/snapshots/${name} differs; if the change is intended, run with UPDATE_SNAPSHOTS=1`);
}

test('snapshots of the rendered seed ledger, English and Korean, text and Markdown', () => {
  const ledger = seed();
  snapshot('explain-seed.en.txt', renderText(ledger, { lang: 'en' }));
  snapshot('explain-seed.ko.txt', renderText(ledger, { lang: 'ko' }));
  snapshot('explain-seed.en.md', renderMarkdown(ledger, { lang: 'en' }));
  snapshot('explain-seed.ko.md', renderMarkdown(ledger, { lang: 'ko' }));
});

test('Markdown converts to HTML with every $$ block typeset by KaTeX', () => {
  for (const lang of ['en', 'ko'] as const) {
    const md = renderMarkdown(seed(), { lang });
    const blocks = [...md.matchAll(/^\$\$\n([\s\S]+?)\n\$\$$/gm)];
    assert.ok(blocks.length >= 20, `${lang}: ${blocks.length} math blocks`);
    for (const b of blocks) assert.match(b[1]!, /^\\begin\{aligned\}[\s\S]*\\end\{aligned\}$/);
    const { body, math } = ledgerMarkdownToHtml(md);
    assert.equal(math.length, blocks.length, 'every $$ block reached the math renderer');
    assert.equal((body.match(/class="katex-display"/g) ?? []).length, blocks.length);
    assert.ok(!body.includes('katex-error') && !body.includes('$$'), 'no unrendered math');
    assert.match(body, /<table>/);
    assert.match(body, /<h2>/);
    assert.ok(math.some((m) => m.includes('\\frac{\\partial E}{\\partial w_{41}}')), 'the notebook weight w41 in LaTeX');
  }
});

test('JSON rendering round-trips the ledger', () => {
  const ledger = seed();
  assert.deepEqual(JSON.parse(renderJson(ledger)), ledger);
});

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { ...nodeIo(), stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

test('backprop explain: the seed by default, --lang ko, --format json/markdown, --param, errors', async () => {
  const ko = await run(['explain', '--lang', 'ko']);
  assert.equal(ko.status, 0, ko.stderr);
  assert.equal(ko.stdout, renderText(seed(), { lang: 'ko' }));
  const json = await run(['explain', '--format', 'json']);
  const ledger = JSON.parse(json.stdout) as Ledger;
  assertClose(ledger.params.find((p) => p.notebook === 'w41')!.grad, E.notebook.bw41, 'bw41 from the CLI');
  const md = await run(['explain', '--format', 'markdown', '--digits', '5']);
  assert.ok(md.stdout.includes('$$\n\\begin{aligned}') && md.stdout.includes('0.040479') && !md.stdout.includes('0.04047892'));
  const one = await run(['explain', '--param', 'w41', '--format', 'json']);
  assert.deepEqual((JSON.parse(one.stdout) as Ledger).focus, ['W2[0][0]']);
  const w1 = await run(['explain', '--param', 'W1[0][2]']);
  assert.ok(w1.stdout.includes('3→4→6') && w1.stdout.includes('0.02242898'));
  const bad = await run(['explain', '--param', 'w63']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no parameter "w63"/);
  const model = new URL('../examples/seed-model.json', import.meta.url).pathname;
  const file = await run(['explain', model, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]', '--lr', '0.1', '--format', 'json']);
  assert.equal(file.status, 0, file.stderr);
  assert.equal((JSON.parse(file.stdout) as Ledger).update.lr, 0.1);
  const missing = await run(['explain', model]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /needs --input X and --target T/);
});

test('Markdown of every activation, loss and a batch typesets in KaTeX; matrix naming drops w41-style names', async () => {
  const { Dense, Rng, Sequential } = await import('../src/index.js');
  const x = [[0.3, -0.8], [1.1, 0.4]];
  const cases = [
    [['tanh', 'softmax'], 'cross_entropy', [[1, 0], [0, 1]]],
    [['relu', 'sigmoid'], 'bce', [[1, 0], [0, 1]]],
    [['leaky_relu', 'linear'], 'mse', [[0.2, -0.4], [0.5, 0.1]]],
    [['elu', 'softmax'], 'sse', [[1, 0], [0, 1]]],
    [['gelu', 'softplus'], 'sse', [[0.2, 0.9], [1.4, 0.3]]],
  ] as const;
  cases.forEach(([acts, loss, t], k) => {
    const rng = new Rng(20 + k);
    const model = new Sequential(acts.map((a, l) => Dense.create({ inputs: [2, 3][l]!, units: [3, 2][l]!, activation: a, init: 'glorot_uniform', rng })));
    const ledger = explain(model, x, t.map((r) => [...r]), { loss, naming: k === 0 ? 'matrix' : 'auto' });
    for (const lang of k === 0 ? (['en', 'ko'] as const) : (['en'] as const)) {
      const { body, math } = ledgerMarkdownToHtml(renderMarkdown(ledger, { lang }));
      assert.ok(math.length > 10 && !body.includes('katex-error'), `${acts.join('/')} ${loss} ${lang}`);
    }
    const text = renderText(ledger);
    if (k === 0) assert.ok(!/\bw\d\d\b/.test(text) && text.includes('W2[0][0]'), 'matrix naming');
    else assert.ok(/∂E\/∂W2\[0\]\[0\] \(bw31\)/.test(text), 'notebook naming');
  });
});

test('every --help example of explain runs as pasted', async () => {
  const { COMMANDS } = await import('../src/cli/commands/index.js');
  const command = COMMANDS.find((c) => c.name === 'explain')!;
  const root = new URL('..', import.meta.url).pathname;
  for (const example of command.examples) {
    const line = example.replace(/\s*>.*$/, '');
    const argv = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(2).map((a) => (a.startsWith('examples/') ? root + a : a));
    const r = await run(argv);
    assert.equal(r.status, 0, `${example}: ${r.stderr}`);
    assert.ok(r.stdout.length > 500, example);
  }
});
