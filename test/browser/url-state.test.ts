// The playground's state in the URL hash: weights and optimizer buffers travel bit for bit,
// malformed or hostile fields fall back to the defaults. (Pure module: runs in Node.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOSSES, OPTIMIZERS } from '../../src/index.js';
import { HIDDEN_ACTIVATIONS, initialState, type AppState } from '../../web/src/state.js';
import { b64ToF64, decodeState, encodeState, f64ToB64, packWeights, unpackWeights } from '../../web/src/url.js';

test('float64 values survive base64url exactly, including -0, subnormals and the extremes', () => {
  const values = [0, -0, 0.1 + 0.2, -1e-310, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 1 / 3, Math.PI];
  const back = Array.from(b64ToF64(f64ToB64(values)));
  values.forEach((v, i) => assert.ok(Object.is(back[i], v), `${v} came back as ${back[i]}`));
  assert.doesNotMatch(f64ToB64(values), /[+/=]/, 'URL-safe alphabet, no padding');
});

test('a trained state round-trips through the hash: settings, weights, optimizer, curve, selection, CSV', () => {
  const s: AppState = initialState();
  Object.assign(s.settings, { dataset: 'xor', noise: 0.15, trainRatio: 0.7, hidden: [3, 2], activation: 'relu', loss: 'bce', optimizer: 'adam', lr: 0.003, batch: 7, seed: 4242, l2: 0.001, speed: 200, lang: 'ko' });
  s.weights = [
    { W: [[0.1 + 0.2, -0.7], [1e-17, -0], [2, 3]], b: [0.5, -0.25, 1 / 3] },
    { W: [[1, 2, 3], [4, 5, 6]], b: [0, 0] },
    { W: [[Math.E, -Math.PI]], b: [1e300] },
  ];
  s.optimizer = { name: 'adam', lr: 0.003, step: 12, buffers: [{ m: [0.1, 0.2], v: [1e-9, 2e-9] }, {}], paramSteps: [12, 0] };
  s.step = 12;
  s.position = { epoch: 2, batch: 5, rng: [0xffffffff, 1, 0, 123456789] };
  s.history = [{ step: 0, train: 0.69314718, test: 0.7 }, { step: 12, train: 0.123456789, test: 0.2 }];
  s.selected = 'W2[1][0]';
  s.csv = { name: 'a b.csv', text: 'x,y,label\n1,2,yes\n3,4,"no, really"\n', target: 'label' };
  const back = decodeState(encodeState(s));
  assert.deepEqual(back.settings, s.settings);
  assert.deepEqual(back.weights, s.weights);
  assert.ok(Object.is(back.weights![0]!.W[1]![1], -0));
  assert.deepEqual(back.optimizer, s.optimizer);
  assert.equal(back.step, 12);
  assert.deepEqual(back.position, s.position);
  assert.equal(back.selected, 'W2[1][0]');
  assert.deepEqual(back.csv, s.csv);
  assert.deepEqual(back.history.map((h) => h.step), [0, 12]);
  assert.equal(back.history[1]!.train, 0.123457, 'the curve keeps 6 significant digits');
});

test('malformed or hostile hashes give the defaults field by field', () => {
  const d = initialState();
  assert.deepEqual(decodeState(''), d);
  assert.deepEqual(decodeState('#v=2&data=xor'), d, 'unknown version');
  const s = decodeState('#v=1&data=__proto__&noise=9&ratio=-1&hidden=1,99&act=eval&loss=x&opt=y&lr=-3&batch=1.5&seed=-1&l2=NaN&speed=0&lang=fr&step=-4&w=!!!&o=%7B');
  assert.deepEqual(s.settings, d.settings);
  assert.equal(s.weights, null);
  assert.equal(s.optimizer, null);
  assert.equal(s.step, 0);
  for (const pos of ['1.2.3', '1.2.3.4.5.4294967296', '-1.0', '1.x', '..', '1.2.3.4.5.6.7']) assert.equal(decodeState(`#v=1&pos=${pos}`).position, null, pos);
  assert.deepEqual(decodeState('#v=1&pos=3.0').position, { epoch: 3, batch: 0, rng: null });
  assert.throws(() => unpackWeights(f64ToB64([2, 1, 1])), /wrong length|bad/);
  assert.throws(() => unpackWeights(f64ToB64([1e9])), /bad layer count/);
  assert.deepEqual(unpackWeights(packWeights([{ W: [[1, 2]], b: [3] }])), [{ W: [[1, 2]], b: [3] }]);
});

test('every hidden activation, cost function and optimizer of the library travels in the link (SiLU, added to the activation table alone, included)', () => {
  assert.ok(HIDDEN_ACTIVATIONS.includes('silu'), `the menu offers ${HIDDEN_ACTIVATIONS.join(', ')}`);
  for (const activation of HIDDEN_ACTIVATIONS) {
    for (const [loss, optimizer] of LOSSES.map((l, i) => [l, OPTIMIZERS[i % OPTIMIZERS.length]!] as const)) {
      const s = initialState();
      Object.assign(s.settings, { dataset: 'moons', activation, loss, optimizer });
      assert.deepEqual(decodeState(encodeState(s)).settings, s.settings, `${activation}, ${loss}, ${optimizer}`);
    }
  }
});
