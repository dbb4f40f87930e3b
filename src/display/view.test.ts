// view(): every kind of object, the registered ledger and derivative, the display protocol on
// each object, and what comes of something it does not know.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../autograd/fluent.js';
import { datasetFromArrays } from '../data/arrays.js';
import { makeDataset } from '../data/dataset.js';
import { iris } from '../data/iris.js';
import { explain } from '../explain/trace.js';
import { activationDerivative } from '../explain/symbolic.js';
import { LEDGER_CSS, renderHtml } from '../explain/render/html.js';
import { renderMarkdown } from '../explain/render/markdown.js';
import { renderText } from '../explain/render/text.js';
import { SEED, seedNetwork } from '../nn/seed.js';
import { tensor } from '../tensor/create.js';
import { History } from '../train/history.js';
import { evaluate } from '../train/metrics.js';
import { datasetBundle } from './dataset.js';
import { historyBundle } from './history.js';
import { ledgerBundle, symbolicBundle } from './ledger.js';
import { metricsBundle } from './metrics.js';
import { modelBundle } from './model.js';
import { JUPYTER_DISPLAY, type Displayable } from './protocol.js';
import { tensorBundle } from './tensor.js';
import { View, show, view } from './view.js';

const seedData = () => datasetFromArrays([[1, 2, 3]], [[0.5, 0.1]]);
const seedLedger = () => explain(seedNetwork(), SEED.input.map((r) => [...r]), SEED.target.map((r) => [...r]), { lr: SEED.lr });

test('every object a learner looks at shows itself through Symbol.for("Jupyter.display")', () => {
  const history = new History([{ epoch: 1, loss: 0.5, batchLoss: 0.6, lr: 0.1, seconds: 0 }]);
  const ds = iris();
  const shown: [object, unknown][] = [
    [tensor([1, 2]), tensorBundle(tensor([1, 2]))],
    [seedNetwork(), modelBundle(seedNetwork())],
    [history, historyBundle(history)],
    [ds, datasetBundle(ds)],
    [evaluate(seedNetwork(), 'sse', seedData()), metricsBundle(evaluate(seedNetwork(), 'sse', seedData()))],
    [seedLedger(), ledgerBundle(seedLedger())],
  ];
  assert.equal(Symbol.for('Jupyter.display'), JUPYTER_DISPLAY);
  for (const [obj, expected] of shown) {
    const display = (obj as Partial<Displayable>)[JUPYTER_DISPLAY];
    assert.equal(typeof display, 'function', `${obj.constructor.name} has a display method`);
    const bundle = display!.call(obj);
    assert.equal(typeof bundle['text/plain'], 'string');
    assert.deepEqual(bundle, expected);
  }
  assert.ok(!Object.keys(ds).includes(String(JUPYTER_DISPLAY)) && JSON.stringify(seedLedger()).indexOf('Jupyter') < 0, 'plain data stays plain data');
});

test('view() takes options — the language first — and returns a View that shows itself', () => {
  const model = seedNetwork();
  const v = view(model, { lang: 'ko', x: [[1, 2, 3]] });
  assert.ok(v instanceof View);
  assert.deepEqual(v[JUPYTER_DISPLAY](), modelBundle(model, { lang: 'ko', x: [[1, 2, 3]] }));
  assert.equal(String(v), v.bundle['text/plain']);
  assert.deepEqual(view(iris(), { features: [2, 3] }).bundle, datasetBundle(iris(), { features: [2, 3] }));
  const m = evaluate(model, 'sse', seedData());
  assert.deepEqual(view(m, { lang: 'ko' }).bundle, metricsBundle(m, { lang: 'ko' }));
  const f32 = makeDataset({ x: Float32Array.from([1, 2, 3, 4]), y: Float32Array.from([0, 1]), rows: 2, inputSize: 2, outputSize: 1, task: 'regression' });
  assert.deepEqual(view(f32, { lang: 'ko', summary: false }).bundle, datasetBundle(f32, { lang: 'ko', summary: false }), 'a float32 dataset (--dtype float32) takes its options too');
  const custom = { [JUPYTER_DISPLAY]: () => ({ 'text/plain': 'mine' }) };
  assert.equal(String(view(custom)), 'mine', 'anything with its own display method');
  assert.throws(() => view(model, { lang: 'fr' as never }), /expected one of en, ko, got "fr"/);
  assert.throws(() => view({ a: 1 }), /^BackpropError: view: cannot show an object with keys a; expected a Tensor, a Sequential, a History, a Dataset, metrics from evaluate\(\) or a ledger from explain\(\)$/);
  assert.throws(() => view(new Map()), /cannot show a Map/);
  assert.throws(() => view('text'), /cannot show a string/);
});

test('show() outside a notebook prints the text form (in a notebook it is a display of its own)', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => void lines.push(s);
  try {
    await show(seedNetwork(), { lang: 'ko' });
    await view(tensor([1, 2])).show();
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, [modelBundle(seedNetwork(), { lang: 'ko' })['text/plain'], 'tensor([1, 2], dtype=float64)']);
});

test('a ledger shows as Markdown with LaTeX in the learner\'s language (headings under the notebook\'s), or as HTML', () => {
  const ledger = seedLedger();
  const ko = view(ledger, { lang: 'ko' }).bundle;
  assert.equal(ko['text/plain'], renderText(ledger, { lang: 'ko' }));
  const md = renderMarkdown(ledger, { lang: 'ko' });
  assert.equal(ko['text/markdown'], md.replace(/^(#+) /gm, '##$1 '));
  assert.match(ko['text/markdown']!, /^### 오차 역전파 계산 장부\n/);
  assert.equal((ko['text/markdown']!.match(/^\$\$$/gm) ?? []).length % 2, 0);
  const one = view(explain(seedNetwork(), [[1, 2, 3]], [[0.5, 0.1]], { param: 'w41' }), { sections: ['backward'] }).bundle;
  assert.match(one['text/markdown']!, /0\.04047892/);
  assert.doesNotMatch(one['text/markdown']!, /w52/, 'one parameter\'s ledger');
  const html = view(ledger, { html: true }).bundle;
  assert.equal(html['text/html'], `<style>${LEDGER_CSS}</style>${renderHtml(ledger)}`);
  assert.equal(html['text/markdown'], undefined);
});

test('a derivative by computer algebra shows f, mathjs\'s result, the sympy form and the textbook identity', () => {
  const d = activationDerivative('sigmoid', [2.7, 3.3], [null, null]);
  const b = view(d).bundle;
  assert.deepEqual(b, symbolicBundle(d));
  assert.equal(b['text/plain'].split('\n').slice(0, 5).join('\n'), [
    'The derivative of sigmoid, by computer algebra (mathjs)',
    'f(x) = 1 / (1 + e ^ (-x))',
    'f′(x) = (e ^ (-x) + 1) ^ (-2) / e ^ x',
    '      = e ^ (-x) / (1 + e ^ (-x)) ^ 2',
    '      = σ(x)·(1 − σ(x))',
  ].join('\n'));
  assert.match(b['text/markdown']!, /\\begin\{aligned\}\nf\(x\) &= \\frac\{1\}\{1\+\{e\}\^\{-x\}\} \\\\\n/);
  assert.match(b['text/markdown']!, /they are equal\. Checked numerically at x = 2\.7, x = 3\.3/);
  assert.match(view(d, { lang: 'ko' }).bundle['text/plain'], /^sigmoid의 도함수/);
});
