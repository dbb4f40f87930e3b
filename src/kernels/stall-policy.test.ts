// When the thread pool runs jobs alone (stall-policy.ts): never after an isolated stall; a short
// spell when stalls come close together, doubling while they keep coming, halving after calm stretches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CALM_JOBS, CLOSE_JOBS, SLOW_WAIT_MS, SOLO_MAX, SOLO_MIN, StallPolicy } from './stall-policy.js';

/** How many jobs in a row run alone. */
function aloneRun(p: StallPolicy): number {
  let n = 0;
  while (p.alone()) n++;
  return n;
}

test('a wait past 1 ms beyond 1.5× the calling thread\'s own time is a stall; an isolated one changes nothing, a second within CLOSE_JOBS jobs sends SOLO_MIN jobs to this thread alone', () => {
  const p = new StallPolicy();
  assert.equal(p.alone(), false, 'threads from the start');
  p.ran(0.9, 0.1);
  p.ran(SLOW_WAIT_MS + 1.5 * 4 - 0.01, 4); // a long chunk's worth of waiting is not a stall
  assert.equal(aloneRun(p), 0);
  p.ran(SLOW_WAIT_MS + 0.2, 0.1);
  assert.equal(aloneRun(p), 0, 'an isolated stall: the threads go on');
  for (let i = 0; i < CLOSE_JOBS; i++) p.ran(0.05, 0.1);
  p.ran(5, 0.1);
  assert.equal(aloneRun(p), 0, 'the next one CLOSE_JOBS jobs later is isolated too');
  for (let i = 0; i < CLOSE_JOBS - 1; i++) p.ran(0.05, 0.1);
  p.ran(5, 0.1);
  assert.equal(aloneRun(p), SOLO_MIN, 'two close together: a busy machine');
  assert.equal(p.alone(), false);
});

test('stalls in a row double the spell up to SOLO_MAX; CALM_JOBS jobs without one halve it again', () => {
  const p = new StallPolicy();
  p.ran(5, 0.1); // the first, isolated
  const spells: number[] = [];
  for (let i = 0; i < 10; i++) {
    p.ran(5, 0.1);
    spells.push(aloneRun(p));
  }
  assert.deepEqual(spells, [16, 32, 64, 128, 256, 512, 1024, 1024, 1024, 1024].map((n) => Math.min(n, SOLO_MAX)));
  assert.equal(spells[0], SOLO_MIN);
  for (let i = 0; i < CALM_JOBS; i++) p.ran(0.05, 0.1);
  p.ran(5, 0.1);
  assert.equal(aloneRun(p), 0, 'after a calm stretch a stall is isolated again');
  p.ran(5, 0.1);
  assert.equal(aloneRun(p), SOLO_MAX / 2, 'one calm stretch: half');
  for (let k = 0; k < 20; k++) for (let i = 0; i < CALM_JOBS; i++) p.ran(0.05, 0.1);
  p.ran(5, 0.1);
  p.ran(5, 0.1);
  assert.equal(aloneRun(p), SOLO_MIN, 'never below SOLO_MIN');
});
