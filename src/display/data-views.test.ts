import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetFromArrays } from '../data/arrays.js';
import { iris } from '../data/iris.js';
import { split } from '../data/split.js';
import { synthetic } from '../data/synthetic.js';
import { seedNetwork } from '../nn/seed.js';
import { Sequential } from '../nn/sequential.js';
import { Rng } from '../tensor/rng.js';
import { fit } from '../train/fit.js';
import { History } from '../train/history.js';
import { classificationMetrics, evaluate } from '../train/metrics.js';
import { datasetBundle } from './dataset.js';
import { historyBundle } from './history.js';
import { STYLE } from './html.js';
import { metricsBundle } from './metrics.js';
import { JUPYTER_DISPLAY } from './protocol.js';

const cells = (html: string): string[] => [...html.matchAll(/<t[dh][^>]*>([^<]*)<\/t[dh]>/g)].map((m) => m[1]!);
const dots = (html: string): string[] => [...html.matchAll(/<circle [^>]*fill="([^"]*)"/g)].map((m) => m[1]!);

test('a dataset shows its size, classes, each input\'s statistics and first samples; a 2-D one its scatter plot', () => {
  const ds = iris();
  const b = (ds as typeof ds & { [JUPYTER_DISPLAY](): ReturnType<typeof datasetBundle> })[JUPYTER_DISPLAY]();
  assert.deepEqual(b, datasetBundle(ds));
  const html = b['text/html']!;
  assert.match(html, /iris: 150 samples, 4 inputs → 3 outputs, classification/);
  assert.match(html, /●<\/span> setosa<\/td><td[^>]*>50<\/td>/);
  const c = cells(html);
  const at = (first: string, from = 0): string[] => c.slice(c.indexOf(first, from));
  assert.deepEqual(at('sepal length').slice(0, 5), ['sepal length', '5.843', '0.8253', '4.3', '7.9'], 'the first input\'s mean, std, min, max');
  assert.deepEqual(at('0', c.indexOf('#')).slice(0, 6), ['0', '5.1', '3.5', '1.4', '0.2', 'setosa'], 'the first sample');
  assert.equal(dots(html).length, 0, 'four inputs: no plot unless asked');
  const plot = datasetBundle(ds, { features: [2, 3], summary: false })['text/html']!;
  assert.equal(dots(plot).length, 150);
  assert.deepEqual([...new Set(dots(plot))], [STYLE.neg, STYLE.pos, '#2ca02c'], 'a colour per class');
  assert.doesNotMatch(plot, /<table/);
  assert.match(plot, /aria-label="Scatter plot of petal length against petal width/);
  assert.match(datasetBundle(ds, { lang: 'ko' })['text/plain'], /^iris: 표본 150개, 입력 4개 → 출력 3개, 분류/);
  assert.throws(() => datasetBundle(ds, { features: [2, 4] }), /features must be two input columns of 0 … 3, got \[2,4\]/);
  const spiral = synthetic('spiral', { rng: new Rng(1), size: 40 });
  assert.equal(dots(datasetBundle(spiral)['text/html']!).length, 40, 'two inputs: the plot by default');
  const reg = datasetFromArrays([[0, 0], [1, 1], [2, 2]], [[0.5], [2], [3.5]]);
  assert.deepEqual(dots(datasetBundle(reg)['text/html']!), ['rgb(245,147,34)', 'rgb(127,133,112)', 'rgb(8,119,189)'], 'regression: orange (low) to blue (high)');
});

test('a wide dataset elides its middle inputs, as pandas does, instead of leaving them all out', () => {
  const wide = (inputs: number): ReturnType<typeof datasetFromArrays> =>
    datasetFromArrays([0, 1, 2].map((r) => Array.from({ length: inputs }, (_, j) => r * 1000 + j)), [[0], [1], [0]], { task: 'classification' });
  const text = datasetBundle(wide(13))['text/plain'];
  assert.match(text, /^# +x1 +x2 +x3 +x4 +x5 +x6 +… +x12 +x13 +class$/m, 'the first six inputs, a gap, the last two');
  assert.match(text, /^1 +1000 +1001 +1002 +1003 +1004 +1005 +… +1011 +1012 +1$/m);
  const c = cells(datasetBundle(wide(13))['text/html']!);
  assert.deepEqual(c.slice(c.indexOf('x13'), c.indexOf('x13') + 5), ['x13', '1012', '816.5', '12', '2012'], 'thirteen inputs: every statistic listed');
  const pixels = cells(datasetBundle(wide(784))['text/html']!);
  assert.deepEqual(pixels.slice(pixels.indexOf('x8'), pixels.indexOf('x8') + 12), ['x8', '1007', '816.5', '7', '2007', '…', '', '', '', '', 'x783', '1782'], '784 inputs: eight, a gap, the last two');
  assert.equal(pixels.filter((x) => /^x\d+$/.test(x)).length, 10 + 8, 'ten rows of statistics, eight columns of samples');
});

test('metrics show the loss, the accuracy and the confusion matrix with recall per row and precision per column', () => {
  const m = classificationMetrics(Int32Array.from([0, 0, 1, 1, 1, 2]), Int32Array.from([0, 1, 1, 1, 2, 2]), ['a', 'b', 'c']);
  const b = metricsBundle(m);
  assert.equal(b['text/plain'], [
    'accuracy 66.7 %',
    'Confusion matrix: rows are the true classes, columns the predicted ones',
    'true ╲ predicted        a       b       c  samples   recall',
    'a                       1       1       0        2   50.0 %',
    'b                       0       2       1        3   66.7 %',
    'c                       0       0       1        1  100.0 %',
    'precision         100.0 %  66.7 %  50.0 %',
  ].join('\n'));
  assert.match(b['text/html']!, /<span style="background:#ddf4ff[^"]*">2<\/span>/, 'the diagonal is highlighted');
  const model = seedNetwork();
  const data = datasetFromArrays([[1, 2, 3]], [[0.5, 0.1]]);
  const r = evaluate(model, 'sse', data);
  assert.deepEqual((r as typeof r & { [JUPYTER_DISPLAY](): unknown })[JUPYTER_DISPLAY](), metricsBundle(r));
  assert.match(metricsBundle(r)['text/plain'], /^N = 1 · loss 0\.282176 · MSE 0\.282176 · R² 0$/, "one sample, two outputs: MSE = ½·Σ(y − t)² here");
  assert.match(metricsBundle(m, { lang: 'ko' })['text/plain'], /정확도 66\.7 %\n혼동 행렬/);
});

test('a history shows its curves (SVG, also inside HTML) and a table of epochs, in the learner\'s language', async () => {
  const rng = new Rng(3);
  const { train, test: held } = split(iris(), { train: 0.8, test: 0.2 }, rng);
  const model = Sequential.mlp([4, 6, 3], { rng, activation: 'tanh', output: 'softmax' });
  const { history } = await fit(model, train, { loss: 'cross_entropy', epochs: 14, batchSize: 32, validation: held, rng });
  const b = history[JUPYTER_DISPLAY]();
  assert.deepEqual(b, historyBundle(history));
  assert.equal(b['text/html'], `<div class="bp-history">${b['image/svg+xml']}</div>`);
  assert.equal((b['image/svg+xml']!.match(/<polyline /g) ?? []).length, 4, 'loss and accuracy, train and validation');
  const lines = b['text/plain'].split('\n');
  assert.equal(lines[0], 'epoch      loss  accuracy  validation loss  validation accuracy');
  assert.equal(lines.length, 1 + 5 + 1 + 5, 'the first and last five of 14 epochs');
  assert.match(lines[6]!, /^\s*…/);
  const ko = historyBundle(history, { lang: 'ko' });
  assert.match(ko['image/svg+xml']!, />비용<[\s\S]*>학습<[\s\S]*>검증<[\s\S]*>에포크</);
  assert.match(historyBundle(new History([{ epoch: 1, loss: 0.5, batchLoss: 0.6, lr: 0.1, seconds: 0 }]))['text/plain'], /^epoch  loss\n    1   0\.5$/);
});
