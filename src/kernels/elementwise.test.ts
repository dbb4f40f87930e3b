// The float32 elementwise kernels (asm/elementwise.ts) against the TypeScript loops they replace:
// the same bits on data with signed zeros, NaN, infinities and subnormals, odd widths included.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { biasActivate } from '../fused/activation-kernels.js';
import { ACTIVATION_TABLE } from '../functions/activations/index.js';
import { Rng } from '../tensor/rng.js';
import { kernelResident } from './buffer-pool.js';
import { allFinite, biasReluF32, columnSumsF32, reluBackwardF32, sumOfSquares, sumOfSquaresTs } from './elementwise.js';
import { initKernels, kernelInfo, shutdownKernels } from './kernel-state.js';

before(async () => {
  await initKernels({ threads: 1 });
});
after(() => shutdownKernels());

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38];

function data(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 7 === 0 ? SPECIAL[(i / 7) % SPECIAL.length]! : rng.normal();
  return out;
}

function sameBits(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    // NaN payloads may differ between engines' operations; any NaN matches any NaN
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    assert.equal(ua[i], ub[i], `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

test('bias + relu, bias alone, relu backward and column sums: WASM SIMD equals the TypeScript loops bit for bit', () => {
  assert.equal(kernelInfo().wasm, true);
  const rng = new Rng(11);
  let ran = 0;
  for (const [rows, cols] of [[64, 128], [7, 37], [33, 10], [1, 513]] as const) {
    const n = rows * cols;
    const z0 = data(rng, n);
    const b = data(rng, cols);
    for (const relu of [true, false]) {
      const z = kernelResident(z0.slice());
      const a = kernelResident(new Float32Array(n));
      const zt = z0.slice();
      const at = new Float32Array(n);
      const ok = biasReluF32(z, relu ? a : z, b, rows, cols, relu);
      assert.equal(ok, n >= 256, `${rows}×${cols}: the kernel runs from 256 entries`);
      if (!ok) continue;
      ran++;
      // the TypeScript loops on ordinary arrays (the kernel is not used for them)
      biasActivate(relu ? ACTIVATION_TABLE.relu : ACTIVATION_TABLE.linear, zt, relu ? at : zt, b, rows, cols);
      sameBits(z, zt, `${rows}×${cols} z (relu ${relu})`);
      if (relu) sameBits(a, at, `${rows}×${cols} a`);
    }
    const g0 = data(rng, n);
    const g = kernelResident(g0.slice());
    const zr = kernelResident(z0.slice());
    const gt = g0.slice();
    if (reluBackwardF32(g, zr, n)) {
      ACTIVATION_TABLE.relu.backward(gt, z0.slice(), new Float32Array(n), rows, cols);
      sameBits(g, gt, `${rows}×${cols} relu backward`);
      ran++;
    }
    const s = kernelResident(new Float32Array(cols));
    if (columnSumsF32(g0, s, rows, cols) || columnSumsF32(kernelResident(g0.slice()), s, rows, cols)) {
      const st = new Float32Array(cols);
      for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) st[j] = st[j]! + g0[r * cols + j]!;
      sameBits(s, st, `${rows}×${cols} column sums`);
      ran++;
    }
  }
  assert.equal(ran, 4 * 4, 'every case (all ≥ 256 entries) ran on the kernel');
});

test('sum of squares: the WASM kernel equals the TypeScript loop bit for bit, block by block, and the plain sum within the summation error bound', () => {
  const rng = new Rng(12);
  let ran = 0;
  // (around and across the 16,384-entry blocks that threads share)
  for (const n of [256, 257, 258, 259, 1000, 16_383, 16_384, 16_385, 49_155, 100_352]) {
    const finite = Float32Array.from({ length: n }, () => rng.normal() * (rng.uniform() < 0.1 ? 1e-20 : 1));
    const resident = kernelResident(finite.slice());
    const wasm = sumOfSquares(resident);
    const ts = sumOfSquaresTs(finite);
    assert.ok(Object.is(wasm, ts), `n = ${n}: ${wasm} vs ${ts}`);
    let plain = 0;
    for (const v of finite) plain += v * v;
    // Both orders are within n·2⁻⁵² of the exact sum (all terms are positive).
    assert.ok(Math.abs(wasm - plain) <= n * 2 ** -52 * plain, `n = ${n}: ${wasm} vs plain ${plain}`);
    ran++;
  }
  // Special values (NaN, ±∞, huge, subnormal, −0) at every position of the tail and the body.
  const special = kernelResident(data(rng, 263));
  assert.ok(Object.is(sumOfSquares(special), sumOfSquaresTs(special.slice())));
  assert.ok(Number.isNaN(sumOfSquares(special)));
  const big = kernelResident(Float32Array.from({ length: 300 }, (_, i) => (i === 299 ? Infinity : 1)));
  assert.equal(sumOfSquares(big), Infinity);
  assert.equal(ran, 10);
});

test('allFinite: the WASM kernel (float32 in the kernels\' memory) and the loop agree on every special value, in the SIMD body and the tail', () => {
  let viaWasm = 0;
  for (const n of [256, 1001]) {
    const base = new Float32Array(n).map((_, i) => (i % 5 === 0 ? -0 : i % 5 === 1 ? 1e-40 : i % 5 === 2 ? 3.4e38 : i % 5 === 3 ? -3.4e38 : 0.5));
    for (const bad of [null, NaN, Infinity, -Infinity]) {
      for (const at of bad === null ? [0] : [0, 3, n - 1]) {
        const x = base.slice();
        if (bad !== null) x[at] = bad;
        const resident = kernelResident(x.slice());
        assert.notEqual(resident.buffer, x.buffer);
        const want = bad === null;
        assert.equal(allFinite(x), want, `loop: ${bad} at ${at} of ${n}`);
        assert.equal(allFinite(resident), want, `WASM: ${bad} at ${at} of ${n}`);
        viaWasm++;
      }
    }
  }
  assert.equal(viaWasm, 2 * 10);
  assert.equal(allFinite(new Float64Array([1, -0, 1e308])), true);
  assert.equal(allFinite(new Float64Array([1, NaN])), false);
});
