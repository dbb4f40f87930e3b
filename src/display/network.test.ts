import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dense } from '../nn/dense.js';
import { seedNetwork } from '../nn/seed.js';
import { Sequential } from '../nn/sequential.js';
import { recordForward } from '../nn/trace.js';
import { tensor } from '../tensor/create.js';
import { Rng } from '../tensor/rng.js';
import { STYLE } from './html.js';
import { modelBundle, modelSummary } from './model.js';
import { networkSvg } from './network.js';
import { JUPYTER_DISPLAY } from './protocol.js';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;
const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const wires = (svg: string): { color: string; width: number; tip: string }[] =>
  [...svg.matchAll(/<path d="[^"]*" fill="none" stroke="([^"]*)" stroke-linecap="round" stroke-width="([^"]*)"><title>([^<]*)<\/title>/g)].map((m) => ({ color: m[1]!, width: Number(m[2]), tip: m[3]! }));

test('the seed network drawn: 7 numbered neurons, a wire per weight coloured by sign and as wide as |w|, a square per bias', () => {
  const svg = networkSvg(seedNetwork());
  assert.equal(count(svg, /<circle /g), 7);
  assert.deepEqual(texts(svg).filter((t) => /^\d$/.test(t)), ['1', '2', '3', '4', '5', '6', '7']);
  const w = wires(svg);
  assert.equal(w.length, 6 + 4);
  assert.ok(w.every((x) => x.color === STYLE.pos), 'every seed weight is positive: blue');
  // widths 0.8 + 6·|w|/max|w|, max |w| = 0.9 (w from node 5 to output 6)
  const w41 = w.find((x) => x.tip.startsWith('W2[0][0] = 0.7 (4 → 6)'))!;
  assert.ok(Math.abs(w41.width - (0.8 + (6 * 0.7) / 0.9)) < 0.01, `${w41.width}`);
  assert.ok(w.some((x) => x.tip === 'W2[0][1] = 0.9 (5 → 6)' && x.width === 6.8));
  assert.equal(count(svg, /<rect [^>]*rx="2"/g), 4, 'b1 and b2');
  assert.match(svg, /<title>b2\[1\] = 0\.3<\/title>/);
  assert.deepEqual(texts(svg).slice(0, 5), ['Input', 'Hidden 1', 'sigmoid', 'Output', 'sigmoid']);
  const negative = networkSvg(new Sequential([Dense.fromWeights([[-0.5, 0.25]], [-1], 'tanh')]));
  assert.deepEqual(wires(negative).map((x) => x.color), [STYLE.neg, STYLE.pos]);
  assert.match(negative, new RegExp(`fill="${STYLE.neg}"><title>b1\\[0\\] = -1`));
});

test('given a sample the neurons show their values and the targets; given a recorded pass after backward, every δ', () => {
  const withX = networkSvg(seedNetwork(), { x: [[1, 2, 3]], target: [[0.5, 0.1]], lang: 'ko' });
  assert.deepEqual(texts(withX).filter((t) => /^(x=|0\.|t=)/.test(t)), ['x=1', 'x=2', 'x=3', '0.937', '0.9644', '0.861', 't=0.5', '0.7588', 't=0.1']);
  assert.deepEqual(texts(withX).slice(0, 5), ['입력층', '은닉층 1', 'sigmoid', '출력층', 'sigmoid']);
  const model = seedNetwork();
  const pass = recordForward(model, 'sse', tensor([[1, 2, 3]]), tensor([[0.5, 0.1]]));
  assert.equal(count(networkSvg(model, { pass }), /δ=/g), 0, 'no δ before backward');
  pass.backward();
  const deltas = texts(networkSvg(model, { pass })).filter((t) => t.startsWith('δ='));
  assert.deepEqual(deltas, ['δ=0.007476', 'δ=0.001747', 'δ=0.0432', 'δ=0.1206'], 'the seed notebook\'s deltas (4 digits)');
});

test('a wide layer is drawn by its first and last neurons around a gap that says how many are left out', () => {
  const big = Sequential.mlp([784, 128, 64, 10], { rng: new Rng(1), activation: 'relu', output: 'softmax' });
  const svg = networkSvg(big);
  assert.equal(count(svg, /<circle /g), 10 + 10 + 10 + 10, '784, 128, 64 elided to 10; 10 outputs all shown');
  assert.deepEqual(texts(svg).filter((t) => t.startsWith('+')), ['+774 more', '+118 more', '+54 more']);
  assert.equal(wires(svg).length, 100 + 100 + 100);
  assert.ok(!texts(svg).includes('785'), 'no node numbers beyond 99 nodes');
  assert.equal(count(networkSvg(big, { maxNeurons: 4 }), /<circle /g), 4 + 4 + 4 + 4);
});

test('a model shows its drawing and a summary table; the text form is the table', () => {
  const model = seedNetwork();
  const s = modelSummary(model);
  assert.deepEqual(s.rows.map((r) => [r.layer, r.shape, r.parameters, r.activation]), [['dense 3 → 2', 'N × 2', 8, 'sigmoid'], ['dense 2 → 2', 'N × 2', 6, 'sigmoid']]);
  assert.equal(s.total, model.parameterCount());
  const b = model[JUPYTER_DISPLAY]();
  assert.deepEqual(b, modelBundle(model));
  assert.match(b['text/html']!, /^<div class="bp-model"><svg /);
  assert.match(b['text/plain'], /^network 3-2-2 · 14 parameters · float64\n#  Layer        Output shape  Parameters  Activation\n1  dense 3 → 2  N × 2                  8  sigmoid\n/);
  assert.match(modelBundle(model, { lang: 'ko' })['text/plain'], /^신경망 3-2-2 · 매개변수 14개 · float64\n#  층/);
});
