// The thread pool's jobs (thread-pool.ts, worker-loop.ts): every kind of task, alone and several in
// one job, against the same kernels run whole on the calling thread — bit for bit.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Rng } from '../tensor/rng.js';
import { BackpropError } from '../errors.js';
import { adamF32Constants, adamF32Ts } from './adam.js';
import { sumOfSquaresTs } from './elementwise.js';
import { initKernels, kernelState, shutdownKernels, type KernelState } from './kernel-state.js';
import { matmulRef } from './matmul-ref.js';
import type { ThreadPool } from './thread-pool.js';
import { WasmArena, type WasmArray } from './wasm-arena.js';
import { Epilogue, MAX_TASKS } from './worker-loop.js';
import { firstDifference, randomArray } from './test-util.js';

let state: KernelState;
let pool: ThreadPool;
let arena: WasmArena;
const rng = new Rng(16);

before(async () => {
  await initKernels({ threads: 2 });
  state = kernelState(true)!;
  pool = state.pool!;
  assert.equal(pool.threads, 2);
  arena = await WasmArena.create();
});
after(() => {
  arena.dispose();
  shutdownKernels();
});

function filled<D extends 'float32' | 'float64'>(dtype: D, n: number): WasmArray<D> {
  const a = arena.alloc(dtype, n);
  a.view.set(randomArray(dtype === 'float32' ? Float32Array : Float64Array, n, rng));
  return a;
}

test('products split by rows and by columns: float64 bit for bit the plain loop, for every layout', () => {
  for (const [m, k, n] of [[64, 300, 128], [129, 70, 9], [8, 33, 200]] as const) {
    for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const a = filled('float64', m * k);
      const b = filled('float64', k * n);
      const c = arena.alloc('float64', m * n);
      pool.begin().gemm(1, a.ptr, b.ptr, c.ptr, m, k, n, tA, tB, false).runSync();
      const ref = new Float64Array(m * n);
      matmulRef(a.view, b.view, ref, m, k, n, tA, tB);
      assert.equal(firstDifference(c.view, ref), -1, `${m}×${k}×${n} ${tA} ${tB}`);
    }
  }
});

test('one job of six tasks (two products with epilogues, Adam, column sums, a sum of squares, a copy) equals each kernel run whole', () => {
  const ex = state.heap.exports;
  const ws = state.workspace;
  const [m, k, n] = [37, 300, 128];
  // z = x·Wᵀ, then z += b and a = relu(z) on each chunk
  const x = filled('float32', m * k);
  const w = filled('float32', n * k);
  const bias = filled('float32', n);
  const z = arena.alloc('float32', m * n);
  const a = arena.alloc('float32', m * n);
  // g = δ·V ⊙ relu′(z2)
  const d = filled('float32', m * 64);
  const v = filled('float32', 64 * n);
  const z2 = filled('float32', m * n);
  const g = arena.alloc('float32', m * n);
  // Adam on 50,001 entries (ranges over the threads, a ragged end)
  const N = 50001;
  const wt = filled('float32', N);
  const gt = filled('float32', N);
  const mt = filled('float32', N);
  const vt = filled('float32', N);
  for (let i = 0; i < N; i++) vt.view[i] = Math.abs(vt.view[i]!);
  const c = adamF32Constants(1e-3, 0.9, 0.999, 1e-8, 3, 0, 1);
  const want = { w: wt.view.slice(), m: mt.view.slice(), v: vt.view.slice() };
  const w0 = wt.view.slice();
  adamF32Ts(want.w, gt.view, want.m, want.v, c);
  // column sums, a sum of squares, a copy of 300,000 bytes
  const s = arena.alloc('float32', n);
  const src = filled('float32', 75000);
  const dst = arena.alloc('float32', 75000);

  const kept = arena.alloc('float32', N);
  const job = pool.begin()
    .gemm(0, x.ptr, w.ptr, z.ptr, m, k, n, false, true, false, { epilogue: Epilogue.BiasRelu, bias: bias.ptr, out: a.ptr })
    .gemm(0, d.ptr, v.ptr, g.ptr, m, 64, n, false, false, false, { epilogue: Epilogue.ReluGrad, out: z2.ptr });
  const adam = job.adam(wt.ptr, gt.ptr, mt.ptr, vt.ptr, N, c, kept.ptr);
  job.columnSums(z2.ptr, s.ptr, m, n);
  const sq = job.sumSquares(src.ptr, 75000);
  job.copy(dst.ptr, src.ptr, 300000).runSync();

  const refZ = arena.alloc('float32', m * n);
  const refA = arena.alloc('float32', m * n);
  ex.sgemm(x.ptr, w.ptr, refZ.ptr, m, k, n, 0, 1, 0, 0, m, 0, n, ws, 0);
  ex.biasRelu32(refZ.ptr, refA.ptr, bias.ptr, m, n, 1);
  assert.equal(firstDifference(z.view, refZ.view), -1, 'z = x·Wᵀ + b');
  assert.equal(firstDifference(a.view, refA.view), -1, 'a = relu(z)');
  const refG = arena.alloc('float32', m * n);
  ex.sgemm(d.ptr, v.ptr, refG.ptr, m, 64, n, 0, 0, 0, 0, m, 0, n, ws, 0);
  ex.reluBackward32(refG.ptr, z2.ptr, m * n);
  assert.equal(firstDifference(g.view, refG.view), -1, 'δ·V ⊙ relu′');
  assert.equal(firstDifference(wt.view, want.w), -1, 'Adam w');
  assert.equal(firstDifference(mt.view, want.m), -1, 'Adam m');
  assert.equal(firstDifference(vt.view, want.v), -1, 'Adam v');
  assert.equal(firstDifference(kept.view, w0), -1, 'Adam: the weights from before it kept');
  assert.equal(pool.result(adam), 1, 'Adam: every new weight finite');
  const refS = new Float32Array(n);
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) refS[j] = refS[j]! + z2.view[r * n + j]!;
  assert.equal(firstDifference(s.view, refS), -1, 'column sums');
  assert.equal(pool.result(sq), sumOfSquaresTs(src.view), 'sum of squares');
  assert.equal(firstDifference(dst.view, src.view), -1, 'copy');
});

test('epilogues on the register tiles (bias, bias + relu, the relu gradient) give the bits of the product then the elementwise kernel, ragged edges and every layout included', () => {
  const ex = state.heap.exports;
  const ws = state.workspace;
  let cases = 0;
  for (const [m, k, n] of [[37, 50, 13], [5, 9, 30], [64, 300, 128], [4, 8, 8], [70, 257, 3]] as const) {
    for (const [transA, transB] of [[false, true], [true, false], [false, false]] as const) {
      const x = filled('float32', m * k);
      const w = filled('float32', k * n);
      const bias = filled('float32', n);
      const gate = filled('float32', m * n);
      for (const epi of [Epilogue.Bias, Epilogue.BiasRelu, Epilogue.ReluGrad]) {
        const z = arena.alloc('float32', m * n);
        const out = epi === Epilogue.ReluGrad ? gate : arena.alloc('float32', m * n);
        pool.begin().gemm(0, x.ptr, w.ptr, z.ptr, m, k, n, transA, transB, false, { epilogue: epi, bias: bias.ptr, out: out.ptr, chunksPerThread: 2 }).runSync();
        const refZ = arena.alloc('float32', m * n);
        const refA = arena.alloc('float32', m * n);
        ex.sgemm(x.ptr, w.ptr, refZ.ptr, m, k, n, transA ? 1 : 0, transB ? 1 : 0, 0, 0, m, 0, n, ws, 0);
        if (epi === Epilogue.ReluGrad) ex.reluBackward32(refZ.ptr, gate.ptr, m * n);
        else ex.biasRelu32(refZ.ptr, refA.ptr, bias.ptr, m, n, epi === Epilogue.BiasRelu ? 1 : 0);
        const what = `${m}×${k}×${n} ${transA ? 'Aᵀ' : 'A'}${transB ? 'Bᵀ' : 'B'} epilogue ${epi}`;
        assert.equal(firstDifference(z.view, refZ.view), -1, `${what}: C`);
        if (epi === Epilogue.BiasRelu) assert.equal(firstDifference(out.view, refA.view), -1, `${what}: relu(C)`);
        cases++;
      }
    }
  }
  assert.equal(cases, 5 * 3 * 3);
});

test('a job holds at most MAX_TASKS tasks', () => {
  const x = arena.alloc('float32', 4);
  const job = pool.begin();
  for (let i = 0; i < MAX_TASKS; i++) job.sumSquares(x.ptr, 4);
  assert.throws(() => job.sumSquares(x.ptr, 4), (e: unknown) => e instanceof BackpropError && /at most/.test(e.message));
  job.begin().runSync();
});

test('after a stall the calling thread runs jobs alone for a while (the workers are not told), with the same numbers', () => {
  const [m, k, n] = [64, 200, 96];
  const a = filled('float64', m * k);
  const b = filled('float64', k * n);
  const c = arena.alloc('float64', m * n);
  const ref = new Float64Array(m * n);
  matmulRef(a.view, b.view, ref, m, k, n);
  const solo = pool as unknown as { stalls: { left: number }; seq: number };
  solo.stalls.left = 2;
  const seq = solo.seq;
  for (let i = 0; i < 2; i++) {
    c.view.fill(0);
    pool.begin().gemm(1, a.ptr, b.ptr, c.ptr, m, k, n, false, false, false).runSync();
    assert.equal(firstDifference(c.view, ref), -1, `alone, job ${i}`);
  }
  assert.equal(solo.seq, seq, 'no job was posted to the workers');
  assert.equal(solo.stalls.left, 0);
  c.view.fill(0);
  pool.begin().gemm(1, a.ptr, b.ptr, c.ptr, m, k, n, false, false, false).runSync();
  assert.equal(solo.seq, seq + 1, 'then the workers again');
  assert.equal(firstDifference(c.view, ref), -1);
});
