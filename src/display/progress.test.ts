import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iris } from '../data/iris.js';
import { Sequential } from '../nn/sequential.js';
import { Rng } from '../tensor/rng.js';
import { fit } from '../train/fit.js';
import type { MediaBundle } from './protocol.js';
import { liveProgress, progressBundle, type ProgressState } from './progress.js';

const state: ProgressState = { epoch: 3, epochs: 10, batch: 2, batches: 8, meanLoss: 0.4, last: null, losses: [0.9, 0.6], seconds: 1.25, samplesPerSecond: 900.4, done: null };

test('the progress panel: epoch and batch, a bar for the whole run, the figures, the curve; the time marked as varying', () => {
  const b = progressBundle(state);
  assert.equal(b['text/plain'], 'epoch 3/10 · batch 2/8\nloss 0.4\n(1.3 s · 900 samples/s)');
  const html = b['text/html']!;
  assert.match(html, /width:22\.5%/, '(2 epochs + 2/8 of the third) / 10');
  assert.match(html, /<span class="bp-varies">1\.3 s · 900 samples\/s<\/span>/);
  assert.match(html, /<polyline points="2\.0,3\.0 318\.0,45\.0"/, 'the loss curve: 0.9 at the top left, 0.6 at the bottom right');
  const last = { epoch: 10, loss: 0.12, batchLoss: 0.2, lr: 0.01, seconds: 0.1, accuracy: 0.95, valLoss: 0.3, valAccuracy: 0.9 };
  const done = progressBundle({ ...state, epoch: 10, last, done: { epochs: 10, reason: 'completed' } }, { lang: 'ko' });
  assert.equal(done['text/plain'].split('\n').slice(0, 2).join('\n'), '끝: 에포크 10회, 모두 마침\n비용 0.12 · 정확도 95.0 % · 검증 비용 0.3 · 검증 정확도 90.0 %');
  assert.match(done['text/html']!, /width:100\.0%/);
});

test('liveProgress shows one display, updates it in place while fit runs (throttled), and always draws the end', async () => {
  const run = async (interval: number): Promise<{ bundle: MediaBundle; id: string; update: boolean }[]> => {
    const rng = new Rng(2);
    const calls: { bundle: MediaBundle; id: string; update: boolean }[] = [];
    const model = Sequential.mlp([4, 5, 3], { rng, activation: 'tanh', output: 'softmax' });
    await fit(model, iris(), { loss: 'cross_entropy', epochs: 5, batchSize: 50, rng, callbacks: [liveProgress({ interval, display: (bundle, target) => void calls.push({ bundle, ...target }) })] });
    return calls;
  };
  const every = await run(0);
  assert.equal(every.length, 1 + 5 * 3 + 5 + 1, 'start, every batch, every epoch end, the end');
  assert.deepEqual(every.map((c) => c.update), [false, ...Array(every.length - 1).fill(true)]);
  assert.equal(new Set(every.map((c) => c.id)).size, 1, 'one display id');
  assert.match(every[0]!.bundle['text/plain'], /^epoch 1\/5 · batch 0\/3\n\(0\.0 s\)$/);
  assert.match(every[1]!.bundle['text/plain'], /^epoch 1\/5 · batch 1\/3\nloss \d/);
  assert.match(every.at(-1)!.bundle['text/plain'], /^done: 5 epochs, completed\nloss \d[\d.]* · accuracy \d+\.\d %\n\(/);
  const throttled = await run(1e9);
  assert.equal(throttled.length, 2, 'only the start and the end');
  assert.notEqual(throttled[0]!.id, every[0]!.id, 'each callback has its own display');
  assert.equal(throttled[1]!.bundle['text/plain'].split('\n')[1], every.at(-1)!.bundle['text/plain'].split('\n')[1], 'the same run, the same figures');
});

test('outside a notebook, without a display function, liveProgress prints its text to the console', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => void lines.push(s);
  try {
    const rng = new Rng(4);
    const model = Sequential.mlp([4, 3], { rng, output: 'softmax' });
    await fit(model, iris(), { loss: 'cross_entropy', epochs: 2, batchSize: 150, rng, callbacks: [liveProgress()] });
  } finally {
    console.log = log;
  }
  assert.match(lines[0]!, /^epoch 1\/2 · batch 0\/1/);
  assert.match(lines.at(-1)!, /^done: 2 epochs, completed/);
});
