// fit's bookkeeping passes as jobs on the worker threads (array-jobs.ts) and a step's float32 Adam
// updates at once (adam.ts): with the arrays in the kernels' memory (the job) and in ordinary
// arrays (one after the other on this thread) — the same numbers, bit for bit.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Rng } from '../tensor/rng.js';
import { adamF32Constants, adamF32Ts, adamF32UpdateAll, type AdamF32Job } from './adam.js';
import { arrayPasses, firstNonFiniteOf, gatherRowsOf } from './array-jobs.js';
import { kernelResident } from './buffer-pool.js';
import { sumOfSquaresTs } from './elementwise.js';
import { initKernels, kernelState, shutdownKernels } from './kernel-state.js';
import { countJobs, firstDifference } from './test-util.js';

before(async () => {
  assert.equal((await initKernels({ threads: 2 })).threads, 2);
});
after(() => shutdownKernels());

const rng = new Rng(21);
const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

test('sums of squares, copies and gathered rows: one job in the kernels\' memory, sumOfSquares\'s bits', () => {
  const sizes = [100352, 128, 8192, 16384, 16385, 64, 640, 10];
  const plain = sizes.map(random);
  const resident = plain.map((x) => kernelResident(x.slice()));
  const copies = sizes.map((n) => kernelResident(new Float32Array(n)));
  const sums = new Float64Array(sizes.length + 1);
  const source = kernelResident(random(300 * 784));
  const rows = kernelResident(new Float32Array(64 * 784));
  const idx = rng.permutation(300).subarray(0, 64);
  assert.equal(countJobs(() => arrayPasses([...resident, null], sums, resident.map((x, i) => [x, copies[i]!] as const), { parts: [[source, 784, rows]], idx })), 1);
  plain.forEach((x, i) => {
    assert.equal(sums[i], sumOfSquaresTs(x), `sum ${i}`);
    assert.equal(firstDifference(copies[i]!, x), -1, `copy ${i}`);
  });
  for (let k = 0; k < 64; k++) assert.equal(firstDifference(rows.subarray(k * 784, (k + 1) * 784), source.subarray(idx[k]! * 784, (idx[k]! + 1) * 784)), -1, `row ${k}`);
  assert.equal(sums[sizes.length], 0, 'null: no gradient');
  const plainCopies = sizes.map((n) => new Float32Array(n));
  const plainSums = new Float64Array(sizes.length);
  assert.equal(countJobs(() => arrayPasses(plain, plainSums, plain.map((x, i) => [x, plainCopies[i]!] as const))), 0, 'ordinary arrays: no job');
  assert.deepEqual([...plainSums], [...sums.subarray(0, sizes.length)]);
});

test('the first non-finite array: found in every piece of a large array, in a job or not', () => {
  const arrays = [random(100352), random(128), random(8192)];
  const resident = arrays.map((x) => kernelResident(x.slice()));
  assert.equal(countJobs(() => assert.equal(firstNonFiniteOf(resident), -1)), 1);
  for (const [which, at, bad] of [[0, 0, NaN], [0, 70000, Infinity], [0, 100351, -Infinity], [2, 8191, NaN], [1, 5, Infinity]] as const) {
    const x = resident[which]!;
    const keep = x[at]!;
    x[at] = bad;
    assert.equal(firstNonFiniteOf(resident), which, `${bad} at ${at} of array ${which}`);
    x[at] = keep;
    const y = arrays[which]!;
    y[at] = bad;
    assert.equal(firstNonFiniteOf(arrays), which, `ordinary arrays: ${bad} at ${at} of array ${which}`);
    y[at] = keep;
  }
});

test('gathering rows: the job and the row copies give the same batch', () => {
  const [rows, inputs, outputs] = [1000, 784, 10];
  const x = random(rows * inputs);
  const t = random(rows * outputs);
  const idx = Int32Array.from({ length: 64 }, () => rng.int(rows));
  const [xr, tr] = [kernelResident(x.slice()), kernelResident(t.slice())];
  const [xb, tb] = [kernelResident(new Float32Array(64 * inputs)), kernelResident(new Float32Array(64 * outputs))];
  assert.equal(countJobs(() => gatherRowsOf([[xr, inputs, xb], [tr, outputs, tb]], idx)), 1);
  const [xp, tp] = [new Float32Array(64 * inputs), new Float32Array(64 * outputs)];
  assert.equal(countJobs(() => gatherRowsOf([[x, inputs, xp], [t, outputs, tp]], idx)), 0);
  assert.equal(firstDifference(xb, xp), -1);
  assert.equal(firstDifference(tb, tp), -1);
  for (let k = 0; k < 64; k++) assert.equal(xp[k * inputs + 3], x[idx[k]! * inputs + 3]);
});

test('a step\'s float32 Adam updates at once: one job for every parameter, the TypeScript twin\'s bits', () => {
  const heap = kernelState(false)!.heap;
  const sizes = [100352, 128, 8192, 10];
  const c = (t: number): ReturnType<typeof adamF32Constants> => adamF32Constants(1e-3, 0.9, 0.999, 1e-8, t, 0, 1);
  const resident: AdamF32Job[] = sizes.map((n) => ({ w: kernelResident(random(n)), g: kernelResident(random(n)), m: kernelResident(new Float32Array(n)), v: kernelResident(new Float32Array(n)), c: c(1), keep: kernelResident(new Float32Array(n)), finite: false }));
  resident.forEach((j) => assert.equal(heap.owns(j.w), true));
  const twin = resident.map((j) => ({ w: j.w.slice(), g: j.g.slice(), m: j.m.slice(), v: j.v.slice() }));
  for (let step = 1; step <= 3; step++) {
    resident.forEach((j) => void (j.c = c(step)));
    assert.equal(countJobs(() => adamF32UpdateAll(resident, resident.length)), 1);
    resident.forEach((j, i) => {
      assert.equal(firstDifference(j.keep!, twin[i]!.w), -1, `step ${step}: the weights ${i} kept`);
      assert.equal(j.finite, true);
    });
    twin.forEach((j) => adamF32Ts(j.w, j.g, j.m, j.v, c(step)));
  }
  resident.forEach((j, i) => {
    assert.equal(firstDifference(j.w, twin[i]!.w), -1, `w ${i}`);
    assert.equal(firstDifference(j.m, twin[i]!.m), -1, `m ${i}`);
    assert.equal(firstDifference(j.v, twin[i]!.v), -1, `v ${i}`);
  });
  // A non-finite gradient entry in the third and fourth arrays: only their updates report it.
  resident[2]!.g[4097] = NaN;
  resident[3]!.g[9] = Infinity;
  adamF32UpdateAll(resident, resident.length);
  assert.deepEqual(resident.map((j) => j.finite), [true, true, false, false]);
});
