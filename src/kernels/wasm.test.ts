import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Rng } from '../tensor/rng.js';
import { BackpropError } from '../errors.js';
import { matmul } from './matmul.js';
import { matmulRef } from './matmul-ref.js';
import { initKernels, shutdownKernels } from './kernel-state.js';
import { compileGemmModule } from './wasm-loader.js';
import { moduleOptions } from './spawn.node.js';
import { HEAP_BASE, WasmHeap } from './wasm-heap.js';
import { WasmStage } from './wasm-stage.js';
import { WasmArena, WasmArray } from './wasm-arena.js';
import type { KernelState } from './kernel-state.js';
import { sharedMemorySupported, wasmSimdSupported } from './wasm-support.js';
import { ODD_SHAPES, TRANSPOSES, firstDifference, randomArray } from './test-util.js';

describe('WebAssembly heap, arena and staging', () => {
  let module: WebAssembly.Module;
  before(async () => {
    await initKernels({ threads: 2 });
    module = (await compileGemmModule(false, false)).module;
  });
  after(() => shutdownKernels());

  test('feature detection: Node 20 has WASM SIMD and shared memory', () => {
    assert.equal(wasmSimdSupported(), true);
    assert.equal(sharedMemorySupported(), true);
  });

  test('the allocator aligns, reuses freed blocks, coalesces neighbours and lowers its top', () => {
    const heap = new WasmHeap(module, false);
    const a = heap.alloc(10);
    const b = heap.alloc(100);
    const c = heap.alloc(64);
    assert.equal(a, HEAP_BASE);
    assert.equal(b, HEAP_BASE + 64);
    assert.equal(c, HEAP_BASE + 64 + 128);
    heap.release(a);
    heap.release(b);
    assert.equal(heap.alloc(150), HEAP_BASE, 'a+b coalesced into one 192-byte block');
    heap.release(HEAP_BASE);
    heap.release(c);
    assert.equal(heap.usedBytes, 0);
    assert.equal(heap.alloc(8), HEAP_BASE, 'top came back down');
    assert.throws(() => heap.release(12345), (e: unknown) => e instanceof BackpropError && /not an allocated block/.test(e.message));
  });

  test('a plain memory grows under staged operands; results stay bit-identical', () => {
    const heap = new WasmHeap(module, false);
    const rng = new Rng(3);
    const [m, k, n] = [70, 90, 50];
    const a = randomArray(Float64Array, m * k, rng);
    const b = randomArray(Float64Array, k * n, rng);
    const c = new Float64Array(m * n);
    const before = heap.buffer.byteLength;
    const stage = new WasmStage(heap);
    const ws = heap.alloc(heap.exports.gemmWorkspaceBytes());
    stage.load(a, b, c, m, k, n, false);
    heap.exports.dgemm(stage.a, stage.b, stage.c, m, k, n, 0, 0, 0, 0, m, 0, n, ws, 0);
    stage.store();
    assert.ok(heap.buffer.byteLength > before, 'the memory grew');
    const ref = new Float64Array(m * n);
    matmulRef(a, b, ref, m, k, n);
    assert.equal(firstDifference(c, ref), -1);
  });

  test('on a plain memory a WasmArray hands out a fresh view after growth, with the same data', () => {
    const heap = new WasmHeap(module, false);
    const state = { heap } as unknown as KernelState;
    const ptr = heap.alloc(3 * 8);
    const arr = new WasmArray(state, 'float64', ptr, 3);
    arr.view.set([1.5, -2, 3]);
    const before = arr.view;
    heap.alloc(4 << 20); // grows the memory: the old buffer is detached
    assert.equal(before.length, 0, 'the old view is detached');
    assert.deepEqual([...arr.view], [1.5, -2, 3]);
    assert.equal(heap.owns(arr.view), true);
    assert.equal(heap.owns(before), false);
  });

  test('arena arrays are used in place: results bit-identical, no staging copies', async () => {
    const arena = await WasmArena.create();
    const rng = new Rng(4);
    for (const [m, k, n] of [[3, 5, 7], [129, 63, 17], [200, 150, 180]] as const) {
      const x = arena.alloc('float64', m * k);
      const w = arena.alloc('float64', n * k);
      const y = arena.alloc('float64', m * n);
      x.view.set(randomArray(Float64Array, m * k, rng));
      w.view.set(randomArray(Float64Array, n * k, rng));
      arena.matmul(x, w, y, m, k, n, false, true);
      const ref = new Float64Array(m * n);
      matmulRef(x.view, w.view, ref, m, k, n, false, true);
      assert.equal(firstDifference(y.view, ref), -1, `${m}×${k}×${n}`);
      // The same views through the public matmul are recognised as WASM memory (zero copy).
      const y2 = arena.alloc('float64', m * n);
      matmul(x.view, w.view, y2.view, m, k, n, false, true);
      assert.equal(firstDifference(y2.view, ref), -1);
    }
    arena.dispose();
    const g = arena.alloc('float32', 4);
    assert.deepEqual([...g.view], [0, 0, 0, 0]);
    assert.throws(() => arena.matmul(g, arena.alloc('float64', 4), g, 2, 2, 2), (e: unknown) => e instanceof BackpropError && e.code === 'dtype');
    assert.throws(() => arena.matmul(g, g, g, 2, 3, 2), (e: unknown) => e instanceof BackpropError && e.code === 'shape');
    arena.dispose();
  });

  test('worker threads do not keep a Node process alive, matmul runs before any init, and initKernels() starts one thread per CPU', () => {
    const script = fileURLToPath(new URL('./test-exit-script.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30000 });
    assert.equal(run.status, 0, run.stderr);
    // First call before the WASM kernels load (TypeScript path), then threads: the same float64 bits;
    // the default thread count is the logical CPUs, up to 4 (Node 20 has no navigator).
    assert.match(run.stdout, new RegExp(`^same true threads ${Math.min(4, availableParallelism())} exit$`, 'm'));
  });

  test('worker threads start from a `node --input-type=module -e` script (a worker refuses that option)', () => {
    const entry = new URL('./kernel-state.ts', import.meta.url).href;
    const code = `import { initKernels } from ${JSON.stringify(entry)}; const i = await initKernels({ threads: 2 }); console.log('threads', i.threads, JSON.stringify(i.threadError));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^threads 2 ""$/m);
  });

  test('with V8 options on node\'s command line (--max-old-space-size, --stack-size), which a worker refuses, the threads still start', () => {
    const script = fileURLToPath(new URL('./test-threads-script.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--max-old-space-size=512', '--stack-size=900', '--import', 'tsx', script], { encoding: 'utf8', timeout: 60000 });
    assert.equal(run.status, 0, run.stderr);
    const info = JSON.parse(run.stdout.trim()) as { threads: number; threadError: string };
    assert.equal(info.threadError, '');
    assert.equal(info.threads, 2);
    assert.deepEqual(moduleOptions(['--max-old-space-size=512', '--import', 'tsx', '--title=x', '--require=a.cjs', '-r', 'b.cjs', '--loader', 'l.mjs']), ['--import', 'tsx', '--require=a.cjs', '-r', 'b.cjs', '--loader', 'l.mjs']);
  });

  for (const mode of ['relaxed', 'plain'] as const) {
    test(`${mode} SIMD ${mode === 'relaxed' ? '(the default: float32 multiply-add, Node 20 via the V8 flag)' : '(relaxedSimd: false)'}: float32 within 1e-5, float64 bit-identical`, () => {
      const script = fileURLToPath(new URL('./test-relaxed-script.ts', import.meta.url));
      const run = spawnSync(process.execPath, ['--import', 'tsx', script, mode], { encoding: 'utf8', timeout: 60000 });
      assert.equal(run.status, 0, run.stderr);
      const got = /^relaxed (\w+) cases (\d+) worst32 (\S+) same64 (\w+)$/m.exec(run.stdout);
      assert.ok(got, run.stdout);
      assert.equal(got[1], String(mode === 'relaxed'), 'which float32 kernel loaded');
      assert.equal(Number(got[2]), ODD_SHAPES.length * TRANSPOSES.length * 2);
      assert.ok(Number(got[3]) <= 1e-5, `float32 scaled error ${got[3]}`);
      assert.equal(got[4], 'true');
    });
  }
});
