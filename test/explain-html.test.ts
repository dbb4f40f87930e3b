// The ledger as HTML: well-formed, complete (one element per block), every string escaped, and
// its mathematics typeset without an error by KaTeX when a TeX renderer is given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import katex from 'katex';
import { explain, ledgerBlocks, renderHtml } from '../src/explain/index.js';
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
