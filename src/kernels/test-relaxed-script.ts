// Run by wasm.test.ts in a fresh child process (no V8 flags on the command line), with `plain` as
// argument for initKernels({ relaxedSimd: false }). Node 20 has relaxed SIMD only behind a V8
// flag, which initKernels sets by default; the float32 kernel then uses multiply-add. Prints
// whether the relaxed module loaded, the worst float32 scaled error against the float64
// reference, and whether every float64 result was bit-identical (the float64 kernel never fuses).
import { Rng } from '../tensor/rng.js';
import { initKernels, kernelInfo } from './kernel-state.js';
import { matmulVia } from './matmul.js';
import { matmulRef } from './matmul-ref.js';
import { ODD_SHAPES, TRANSPOSES, firstDifference, maxScaledError, randomArray } from './test-util.js';

await initKernels({ threads: 2, relaxedSimd: process.argv[2] !== 'plain' });
const rng = new Rng(21);
let worst32 = 0;
let same64 = true;
let cases = 0;
for (const [m, k, n] of ODD_SHAPES) {
  for (const [tA, tB] of TRANSPOSES) {
    for (const path of ['wasm', 'threads'] as const) {
      const a = randomArray(Float32Array, m * k, rng);
      const b = randomArray(Float32Array, k * n, rng);
      const c = new Float32Array(m * n);
      matmulVia(path, a, b, c, m, k, n, tA, tB);
      const want = new Float64Array(m * n);
      matmulRef(Float64Array.from(a), Float64Array.from(b), want, m, k, n, tA, tB);
      const scale = new Float64Array(m * n);
      matmulRef(Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), scale, m, k, n, tA, tB);
      worst32 = Math.max(worst32, maxScaledError(c, want, scale));
      const a64 = Float64Array.from(a);
      const b64 = Float64Array.from(b);
      const c64 = new Float64Array(m * n);
      matmulVia(path, a64, b64, c64, m, k, n, tA, tB);
      same64 &&= firstDifference(c64, want) === -1;
      cases++;
    }
  }
}
console.log(`relaxed ${kernelInfo().relaxedSimd} cases ${cases} worst32 ${worst32} same64 ${same64}`);
