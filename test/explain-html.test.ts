// The ledger as HTML: well-formed, complete (one element per block), every string escaped, and
// its mathematics typeset without an error by KaTeX when a TeX renderer is given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import katex from 'katex';
import { explain, ledgerBlocks, PARAM_SECTIONS, renderHtml, renderText } from '../src/explain/index.js';
import { Rng, Sequential, seedNetwork, SEED } from '../src/index.js';

/** Checks that every tag closes in order (void elements excepted) and returns the tag names seen. */
function tagsOf(html: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose || ['br', 'img', 'hr', 'col'].includes(name!)) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes ${stack[stack.length] ?? 'nothing'}`);
    else {
      stack.push(name!);
      seen.push(name!);
    }
  }
  assert.deepEqual(stack, [], 'every element is closed');
  return seen;
}

const seedLedger = () => explain(seedNetwork(), SEED.input.map((r) => [...r]), SEED.target.map((r) => [...r]), { lr: SEED.lr });

test('renderHtml: the seed ledger, well-formed, one element per block, with the notebook\'s numbers (en, ko)', () => {
  for (const lang of ['en', 'ko'] as const) {
    const ledger = seedLedger();
    const html = renderHtml(ledger, { lang });
    const tags = tagsOf(html);
    const blocks = ledgerBlocks(ledger, { lang });
    const count = (k: string): number => blocks.filter((b) => b.kind === k).length;
    assert.equal(tags.filter((t) => /^h[2-4]$/.test(t)).length, count('heading'));
    assert.equal(tags.filter((t) => t === 'p').length, count('para'));
    assert.equal(tags.filter((t) => t === 'table').length, count('math') + count('table'));
    assert.match(html, new RegExp(`<div class="bp-ledger" lang="${lang}">`));
    for (const figure of ['0.28217575', '0.04047892', '0.041662675', '0.11298352', '0.25831632']) assert.ok(html.includes(figure), `${lang}: ${figure} is shown`);
  }
});

test('renderHtml escapes every string it is given', () => {
  const ledger = seedLedger();
  (ledger.network as { dtype: string }).dtype = '<img src=x onerror=alert(1)>"&';
  const html = renderHtml(ledger);
  assert.ok(!html.includes('<img'), 'no markup from the ledger reaches the page');
  assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;&#34;&#38;'));
});

test('renderHtml with a TeX renderer: KaTeX typesets every equation of several ledgers without an error', () => {
  const nets: [Sequential, 'sse' | 'cross_entropy' | 'bce', number[][], number[][]][] = [
    [seedNetwork(), 'sse', SEED.input.map((r) => [...r]), SEED.target.map((r) => [...r])],
    [Sequential.mlp([2, 3, 3], { activation: 'gelu', output: 'softmax', rng: new Rng(1) }), 'cross_entropy', [[0.5, -1], [2, 0.3]], [[1, 0, 0], [0, 0, 1]]],
    [Sequential.mlp([2, 2, 1], { activation: 'elu', output: 'sigmoid', rng: new Rng(2) }), 'bce', [[0.1, 0.9]], [[1]]],
  ];
  for (const [model, loss, x, t] of nets) {
    let typeset = 0;
    const html = renderHtml(explain(model, x, t, { loss }), {
      lang: 'ko',
      tex: (s) => {
        typeset++;
        return katex.renderToString(s, { displayMode: true, throwOnError: true, strict: 'ignore' });
      },
    });
    assert.ok(typeset > 5, `${typeset} equation groups typeset`);
    assert.ok(html.includes('class="katex-display"'));
  }
});

test('PARAM_SECTIONS: one weight\'s chain rule and the checks, compact (no forward pass, no other neuron), in English and Korean', () => {
  const ledger = explain(seedNetwork(), SEED.input.map((r) => [...r]), SEED.target.map((r) => [...r]), { lr: SEED.lr, param: 'w41' });
  const en = renderHtml(ledger, { sections: PARAM_SECTIONS });
  tagsOf(en);
  assert.match(en, /<h3>Chain rule for w41 = W2\[0\]\[0\]<\/h3>/);
  // the notebook's numbers: δ6 = ∂E/∂y6 · σ′(z6), then ∂E/∂w41 = δ6 · a4 = bw41
  for (const figure of ['0.36103399', '0.11965446', '0.043199327', '0.93702664', '0.04047892']) assert.ok(en.includes(figure), `${figure} is shown`);
  assert.ok(en.includes('δ6 · a4 = 0.043199327 · 0.93702664 = 0.04047892'), 'the gradient as δ times the input it carries');
  assert.ok(en.includes('σ(x)·(1 − σ(x)) = (e ^ (-x) + 1) ^ (-2) / e ^ x'), "the sigmoid's derivative as mathjs finds it");
  assert.ok(!en.includes('δ7'), 'the other output neuron is not this weight\'s chain');
  assert.ok(!en.includes('Forward pass') && !en.includes('0.28217575'), 'no forward pass or cost section');
  assert.match(en, /<h3>Checks<\/h3>/);
  const ko = renderHtml(ledger, { sections: PARAM_SECTIONS, lang: 'ko' });
  tagsOf(ko);
  assert.ok(ko.includes('w41 = W2[0][0]의 연쇄 법칙') && ko.includes('<h3>검산</h3>'));
  assert.equal(ko.match(/\d\.\d+/g)!.join(), en.match(/\d\.\d+/g)!.join(), 'the same numbers in both languages');
  // a bias of the notebook's output layer: its own δ, and the notebook's bb2 = δ6 + δ7 explained
  const bias = renderText(explain(seedNetwork(), SEED.input.map((r) => [...r]), SEED.target.map((r) => [...r]), { lr: SEED.lr, param: 'b2[1]' }), { sections: PARAM_SECTIONS });
  assert.ok(bias.includes('∂E/∂b2[1] = δ7 · 1 = 0.12057664 · 1 = 0.12057664'), bias);
  assert.match(bias, /The notebook’s bb2 = 0\.16377596 is the sum δ6 \+ δ7/);
});

test('PARAM_SECTIONS on a batch: the first sample\'s δ, each sample\'s product (five rows, then a count), and Σ equal to the engine\'s gradient', () => {
  const model = Sequential.mlp([2, 3, 1], { activation: 'tanh', output: 'sigmoid', rng: new Rng(4) });
  const x = Array.from({ length: 8 }, (_, i) => [i / 4 - 1, Math.sin(i)]);
  const t = x.map((r) => [r[0]! > 0 ? 1 : 0]);
  for (const [loss, param] of [['bce', 'W1[2][1]'], ['mse', 'W2[0][1]'], ['sse', 'b1[0]']] as const) {
    const ledger = explain(model, x, t, { loss, param, naming: 'matrix' });
    const p = ledger.params[0]!;
    const text = renderText(ledger, { sections: PARAM_SECTIONS });
    const rows = text.split('\n').filter((l) => /^\s+[1-8]\s+-?\d/.test(l));
    assert.equal(rows.length, 5, `${loss}: five sample rows\n${text}`);
    rows.forEach((row, n) => {
      const c = p.contributions[n]!;
      assert.deepEqual(row.trim().split(/\s+/).map(Number), [n + 1, c.delta, c.x, c.product].map((v) => Number(v.toPrecision(8))), `${loss}: sample ${n + 1}`);
    });
    assert.ok(text.includes('… and 3 more samples'), loss);
    assert.ok(text.includes(`∂E/∂${param} = Σₙ`) && text.includes(`= ${Number(p.grad.toPrecision(8))}`), `${loss}: Σ = ${p.grad}\n${text}`);
    assert.ok(text.includes('For the first of the N = 8 samples:'), loss);
    // the derivatives: an output fused with bce needs none; mse shows its 1/M factor
    if (loss === 'mse') assert.ok(text.includes('∂E/∂y = 1/8 · (2·(y − t))'), text);
    if (param.startsWith('W1') || param.startsWith('b1')) assert.ok(text.includes('tanh′(x) = 1 − tanh²(x)'), text);
  }
});
