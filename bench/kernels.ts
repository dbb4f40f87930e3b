// Matmul throughput of every kernel path, in GFLOP/s (2·m·k·n flops per product).
// Not a test. Usage: npx tsx bench/kernels.ts [--quick] [--sizes 128,256,512] [--plain]
// (--plain: initKernels({ relaxedSimd: false }), float32 by mul + add instead of multiply-add)
// Each figure is the best of several repetitions (the 2 cores are shared, so the best run is the
// one least disturbed); the median is printed beside it. For one-thread paths `cpu` is the same
// best computed from this process's CPU time, which other processes' load does not inflate.
import { initKernels, kernelInfo, shutdownKernels } from '../src/kernels/kernel-state.js';
import { MATMUL_THRESHOLDS, matmulVia } from '../src/kernels/matmul.js';
import type { MatmulPath } from '../src/kernels/matmul.js';
import { WasmArena } from '../src/kernels/wasm-arena.js';
import type { WasmArray } from '../src/kernels/wasm-arena.js';
import { Rng } from '../src/tensor/rng.js';

const quick = process.argv.includes('--quick');
const sizesArg = process.argv.indexOf('--sizes');
const sizes = sizesArg > 0 ? process.argv[sizesArg + 1]!.split(',').map(Number) : quick ? [128, 512] : [128, 192, 256, 384, 512, 768, 1024];

await initKernels({ threads: 2, relaxedSimd: !process.argv.includes('--plain') });
const arena = await WasmArena.create();
console.log('kernels:', JSON.stringify(kernelInfo()));
console.log('thresholds (multiply-adds):', JSON.stringify(MATMUL_THRESHOLDS));

type Row = { n: number; dtype: string; path: string; best: number; median: number; cpu: number };
const rows: Row[] = [];

function time(run: () => void, flops: number): { best: number; median: number; cpu: number } {
  run(); // warm-up (JIT, page faults, workers awake)
  const reps: number[] = [];
  let cpuBest = Infinity;
  const budget = quick ? 300 : 1500; // ms per figure
  const t0 = performance.now();
  while (reps.length < 3 || (performance.now() - t0 < budget && reps.length < 50)) {
    const u = process.cpuUsage();
    const t = performance.now();
    run();
    reps.push(performance.now() - t);
    const d = process.cpuUsage(u);
    cpuBest = Math.min(cpuBest, (d.user + d.system) / 1000);
  }
  reps.sort((x, y) => x - y);
  const g = (ms: number): number => flops / ms / 1e6;
  return { best: g(reps[0]!), median: g(reps[reps.length >> 1]!), cpu: g(cpuBest) };
}

const rng = new Rng(1);
for (const n of sizes) {
  const flops = 2 * n * n * n;
  for (const dtype of ['float32', 'float64'] as const) {
    const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
    const a = new Ctor(n * n).map(() => rng.uniformRange(-1, 1));
    const b = new Ctor(n * n).map(() => rng.uniformRange(-1, 1));
    const c = new Ctor(n * n);
    const paths: MatmulPath[] = n <= 512 || !quick ? ['ts', 'wasm', 'threads', 'auto'] : ['wasm', 'threads', 'auto'];
    for (const path of paths) {
      if (path === 'ts' && n > 512) continue; // seconds per product; the trend is clear by 512
      const r = time(() => matmulVia(path, a, b, c, n, n, n), flops);
      rows.push({ n, dtype, path, ...r });
    }
    // Zero-copy: operands allocated in WASM memory.
    const wa: WasmArray = arena.alloc(dtype, n * n);
    const wb: WasmArray = arena.alloc(dtype, n * n);
    const wc: WasmArray = arena.alloc(dtype, n * n);
    wa.view.set(a);
    wb.view.set(b);
    rows.push({ n, dtype, path: 'arena (auto)', ...time(() => arena.matmul(wa, wb, wc, n, n, n), flops) });
    rows.push({ n, dtype, path: 'arena A·Bᵀ', ...time(() => arena.matmul(wa, wb, wc, n, n, n, false, true), flops) });
    rows.push({ n, dtype, path: 'arena Aᵀ·B', ...time(() => arena.matmul(wa, wb, wc, n, n, n, true, false), flops) });
    arena.dispose();
    const last = rows.filter((r) => r.n === n && r.dtype === dtype);
    console.log(`n=${n} ${dtype}: ` + last.map((r) => `${r.path} ${r.best.toFixed(1)} (med ${r.median.toFixed(1)}${r.path === 'ts' || r.path === 'wasm' ? `, cpu ${r.cpu.toFixed(1)}` : ''})`).join(' | '));
  }
}
// Dense-layer products of the MNIST MLP (batch 64, 784-128-64-10), float32, µs per product:
// `matmul` on ordinary arrays (operands staged into WASM memory) against arena arrays (in place).
if (!quick || sizesArg < 0) {
  const shapes: Array<[string, number, number, number, boolean, boolean]> = [
    ['x·W1ᵀ  64×784→128', 64, 784, 128, false, true],
    ['δ1ᵀ·x  128×64·64×784', 128, 64, 784, true, false],
    ['h·W2ᵀ  64×128→64', 64, 128, 64, false, true],
    ['δ2·W2  64×64·64×128', 64, 64, 128, false, false],
  ];
  for (const [label, m, k, n, tA, tB] of shapes) {
    const a = new Float32Array(m * k).map(() => rng.uniformRange(-1, 1));
    const b = new Float32Array(k * n).map(() => rng.uniformRange(-1, 1));
    const c = new Float32Array(m * n);
    const flops = 2 * m * k * n;
    const staged = time(() => matmulVia('auto', a, b, c, m, k, n, tA, tB), flops);
    const wa = arena.alloc('float32', m * k);
    const wb = arena.alloc('float32', k * n);
    const wc = arena.alloc('float32', m * n);
    const inPlace = time(() => arena.matmul(wa, wb, wc, m, k, n, tA, tB), flops);
    arena.dispose();
    const us = (g: number): string => (flops / g / 1e3).toFixed(0);
    console.log(`${label}: matmul ${us(staged.best)} µs (${staged.best.toFixed(1)} GFLOP/s), arena ${us(inPlace.best)} µs (${inPlace.best.toFixed(1)} GFLOP/s)`);
  }
}
shutdownKernels();
