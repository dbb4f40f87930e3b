import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.js';
import { BackpropError } from '../errors.js';
import { matmul, matmulAsync, matmulVia } from './matmul.js';
import type { MatmulPath } from './matmul.js';
import { matmulRef } from './matmul-ref.js';
import { initKernels, kernelInfo, shutdownKernels } from './kernel-state.js';
import { ODD_SHAPES, TRANSPOSES, firstDifference, maxScaledError, randomArray } from './test-util.js';
import type { FloatArray } from './types.js';

/**
 * float32 tolerance: |got − exact| ≤ F32_TOL · (Σ_p |a_ip·b_pj| + |c_ij|), where "exact" is the
 * float64 reference on the same float32 inputs. Worst-case rounding is k·2⁻²⁴ of that scale;
 * random data stays near √k·2⁻²⁴ ≈ 1e-6 for the k ≤ 300 used here.
 */
const F32_TOL = 1e-5;

/** The reference result and the rounding scale of every entry, in float64. */
function expected(a: FloatArray, b: FloatArray, c0: FloatArray, m: number, k: number, n: number,
  tA: boolean, tB: boolean, acc: boolean): { want: Float64Array; scale: Float64Array } {
  const want = Float64Array.from(c0);
  matmulRef(Float64Array.from(a), Float64Array.from(b), want, m, k, n, tA, tB, acc);
  const scale = acc ? Float64Array.from(c0, Math.abs) : new Float64Array(m * n);
  matmulRef(Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), scale, m, k, n, tA, tB, true);
  return { want, scale };
}

function checkPath(path: MatmulPath, ctor: Float32ArrayConstructor | Float64ArrayConstructor, seed: number): number {
  const rng = new Rng(seed);
  let cases = 0;
  for (const [m, k, n] of [...ODD_SHAPES, [3, 0, 5] as const]) {
    for (const [tA, tB] of TRANSPOSES) {
      for (const acc of [false, true]) {
        const a = randomArray(ctor, m * k, rng);
        const b = randomArray(ctor, k * n, rng);
        const c0 = randomArray(ctor, m * n, rng);
        const c = c0.slice();
        matmulVia(path, a, b, c, m, k, n, tA, tB, acc);
        const where = `${path} ${ctor.name} m=${m} k=${k} n=${n} transA=${tA} transB=${tB} accumulate=${acc}`;
        if (ctor === Float64Array) {
          const ref = c0.slice();
          matmulRef(a, b, ref, m, k, n, tA, tB, acc);
          assert.equal(firstDifference(c, ref), -1, `${where}: float64 must be bit-identical to the reference`);
        } else {
          const { want, scale } = expected(a, b, c0, m, k, n, tA, tB, acc);
          const err = maxScaledError(c, want, scale);
          assert.ok(err <= F32_TOL, `${where}: scaled error ${err} > ${F32_TOL}`);
        }
        cases++;
      }
    }
  }
  return cases;
}

describe('matmul kernels against the reference loop', () => {
  before(async () => {
    await initKernels({ threads: 2 });
  });
  after(() => shutdownKernels());

  test('the WebAssembly SIMD kernels and two threads are available on this machine', () => {
    const info = kernelInfo();
    assert.equal(info.wasm, true, info.reason);
    assert.equal(info.threads, 2, info.threadError);
    assert.equal(info.syncThreads, true);
  });

  for (const path of ['ts', 'wasm', 'threads', 'auto'] as const) {
    for (const ctor of [Float64Array, Float32Array]) {
      test(`${path} path, ${ctor.name}: every shape, transpose and accumulate`, () => {
        assert.equal(checkPath(path, ctor, ctor === Float64Array ? 11 : 12), (ODD_SHAPES.length + 1) * 8);
      });
    }
  }

  test('reference loop on a hand-worked 2×3 · 3×2 product, all layouts', () => {
    // A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]: A·B = [[58,64],[139,154]].
    const A = Float64Array.of(1, 2, 3, 4, 5, 6);
    const At = Float64Array.of(1, 4, 2, 5, 3, 6);
    const B = Float64Array.of(7, 8, 9, 10, 11, 12);
    const Bt = Float64Array.of(7, 9, 11, 8, 10, 12);
    for (const [a, b, tA, tB] of [[A, B, false, false], [At, B, true, false], [A, Bt, false, true], [At, Bt, true, true]] as const) {
      for (const path of ['ts', 'wasm', 'threads'] as const) {
        const c = new Float64Array([1, 1, 1, 1]);
        matmulVia(path, a, b, c, 2, 3, 2, tA, tB, true);
        assert.deepEqual([...c], [59, 65, 140, 155], `${path} transA=${tA} transB=${tB}`);
      }
    }
  });

  test('matmulAsync gives the same bits as matmul, one job after another', async () => {
    const rng = new Rng(5);
    const [m, k, n] = [130, 97, 140];
    const a = randomArray(Float64Array, m * k, rng);
    const b = randomArray(Float64Array, n * k, rng);
    const ref = new Float64Array(m * n);
    matmulRef(a, b, ref, m, k, n, false, true);
    const c1 = new Float64Array(m * n);
    const c2 = new Float64Array(m * n);
    await Promise.all([matmulAsync(a, b, c1, m, k, n, false, true), matmulAsync(a, b, c2, m, k, n, false, true)]);
    assert.equal(firstDifference(c1, ref), -1);
    assert.equal(firstDifference(c2, ref), -1);
  });

  test('a large float32 product over threads matches the float64 reference', () => {
    const rng = new Rng(9);
    const [m, k, n] = [300, 520, 260];
    const a = randomArray(Float32Array, k * m, rng);
    const b = randomArray(Float32Array, k * n, rng);
    const c0 = randomArray(Float32Array, m * n, rng);
    const c = c0.slice();
    matmul(a, b, c, m, k, n, true, false, true);
    const { want, scale } = expected(a, b, c0, m, k, n, true, false, true);
    assert.ok(maxScaledError(c, want, scale) <= F32_TOL);
  });

  test('rejects mixed dtypes and arrays too short for the sizes', () => {
    const f32 = new Float32Array(4);
    const f64 = new Float64Array(4);
    assert.throws(() => matmul(f32, f64, f64, 2, 2, 2), (e: unknown) => e instanceof BackpropError && e.code === 'dtype');
    assert.throws(() => matmul(f64, f64, f64, 2, 3, 2), (e: unknown) => e instanceof BackpropError && e.code === 'shape' && /A ≥ 6/.test(e.message));
  });
});
