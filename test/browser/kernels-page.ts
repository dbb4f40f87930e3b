// The page of kernels.test.ts (bundled by esbuild, run in Chromium): the WebAssembly kernels
// against the TypeScript ones in a real browser, results left in window.kernelResult.
import { adamF32Constants, adamF32Ts, adamF32Update } from '../../src/kernels/adam.js';
import { initKernels, kernelInfo } from '../../src/kernels/kernel-state.js';
import { matmulAsync, matmulVia } from '../../src/kernels/matmul.js';
import { Rng } from '../../src/tensor/rng.js';

async function run(): Promise<unknown> {
  await initKernels({ threads: 2 });
  const rng = new Rng(3);
  const fill = <T extends Float32Array | Float64Array>(x: T): T => {
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    return x;
  };
  // matmul: every transpose form, float64 bit for bit and float32 within its bound, WASM against TS
  let f64Mismatches = 0;
  let f32WorstRel = 0;
  let products = 0;
  for (const [m, k, n] of [[37, 61, 29], [64, 784, 128], [128, 64, 96]] as const) {
    for (const [tA, tB] of [[false, false], [false, true], [true, false]] as const) {
      for (const T of [Float64Array, Float32Array]) {
        const a = fill(new T(m * k));
        const b = fill(new T(k * n));
        const viaWasm = new T(m * n);
        const viaTs = new T(m * n);
        matmulVia('wasm', a, b, viaWasm, m, k, n, tA, tB);
        matmulVia('ts', a, b, viaTs, m, k, n, tA, tB);
        // the float32 bound is relative to Σ|a·b| (the kernel's documented tolerance)
        const scale = new T(m * n);
        matmulVia('ts', a.map(Math.abs), b.map(Math.abs), scale, m, k, n, tA, tB);
        for (let i = 0; i < m * n; i++) {
          if (T === Float64Array) {
            if (!Object.is(viaWasm[i], viaTs[i])) f64Mismatches++;
          } else {
            f32WorstRel = Math.max(f32WorstRel, Math.abs(viaWasm[i]! - viaTs[i]!) / scale[i]!);
          }
        }
        products++;
      }
    }
  }
  // float32 Adam: WASM kernel (operands staged into a plain memory here) against its TypeScript twin
  const n = 1000;
  const start = [fill(new Float32Array(n)), fill(new Float32Array(n)), new Float32Array(n), new Float32Array(n)];
  const viaWasm = start.map((x) => x.slice());
  const viaTs = start.map((x) => x.slice());
  for (let t = 1; t <= 10; t++) {
    const g = fill(new Float32Array(n));
    const c = adamF32Constants(0.01, 0.9, 0.999, 1e-8, t, 0.001, 1);
    adamF32Update(viaWasm[0]!, g, viaWasm[2]!, viaWasm[3]!, c);
    adamF32Ts(viaTs[0]!, g, viaTs[2]!, viaTs[3]!, c);
  }
  let adamMismatches = 0;
  for (const j of [0, 2, 3]) for (let i = 0; i < n; i++) if (!Object.is(viaWasm[j]![i], viaTs[j]![i])) adamMismatches++;
  // matmulAsync: on the worker threads where the page is cross-origin isolated (this main thread may not block)
  let asyncMismatches = 0;
  for (const [tA, tB] of [[false, false], [false, true], [true, false]] as const) {
    const a = fill(new Float64Array(160 * 150));
    const b = fill(new Float64Array(150 * 170));
    const viaThreads = new Float64Array(160 * 170);
    const viaTs = new Float64Array(160 * 170);
    await matmulAsync(a, b, viaThreads, 160, 150, 170, tA, tB);
    matmulVia('ts', a, b, viaTs, 160, 150, 170, tA, tB);
    for (let i = 0; i < viaTs.length; i++) if (!Object.is(viaThreads[i], viaTs[i])) asyncMismatches++;
  }
  return { info: kernelInfo(), isolated: crossOriginIsolated, products, f64Mismatches, f32WorstRel, adamMismatches, adamMoved: viaWasm[0]!.some((w, i) => w !== start[0]![i]), asyncMismatches };
}

const target = window as unknown as { kernelResult?: unknown };
run().then((r) => {
  target.kernelResult = r;
}, (e: unknown) => {
  target.kernelResult = { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
