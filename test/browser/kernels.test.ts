// The WebAssembly SIMD kernels in a real browser (Debian's Chromium through playwright-core): a
// page bundled with esbuild from test/browser/kernels-page.ts loads them the way the playground
// does and checks matmul in every transpose form against the TypeScript kernel (float64 bit for
// bit, float32 within 1e-5 of Σ|a·b|), the float32 Adam kernel against its TypeScript twin (bit
// for bit) and matmulAsync — twice: on a cross-origin-isolated page (the server's COOP/COEP
// headers: shared memory, the kernels' worker threads) and with those headers stripped (a plain
// memory on one thread).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../src/cli/commands/playground.js';
import { withoutIsolation } from './isolation.js';
import { root } from './build.js';

const dir = join(root, 'test-artifacts/kernels-page');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
let server: StaticServer;
let browser: Browser;

before(async () => {
  mkdirSync(dir, { recursive: true });
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' } as const;
  await build({ ...common, entryPoints: [join(root, 'test/browser/kernels-page.ts')], outfile: join(dir, 'page.js') });
  // NOTE: the kernels start their threads as new Worker(new URL('./matmul-worker.web.js', import.meta.url)).
  await build({ ...common, entryPoints: [join(root, 'src/kernels/matmul-worker.web.ts')], outfile: join(dir, 'matmul-worker.web.js') });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="en"><title>kernels</title><script type="module" src="page.js"></script></html>\n');
  server = await serveStatic(dir, 0);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface Result {
  error?: string;
  info: { wasm: boolean; simd: boolean; sharedMemory: boolean; threads: number; syncThreads: boolean; threadError: string };
  isolated: boolean;
  products: number;
  f64Mismatches: number;
  f32WorstRel: number;
  adamMismatches: number;
  adamMoved: boolean;
  asyncMismatches: number;
}

/** Loads the page (with the server's cross-origin-isolation headers, or with them stripped) and returns its result. */
async function kernelPage(isolated: boolean): Promise<Result> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (!isolated) await withoutIsolation(page);
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as { kernelResult?: unknown }).kernelResult !== undefined, undefined, { timeout: 30_000 });
  const r = (await page.evaluate(() => (window as unknown as { kernelResult: unknown }).kernelResult)) as Result;
  await page.close();
  assert.equal(r.error, undefined, r.error);
  assert.deepEqual(errors, []);
  assert.equal(r.isolated, isolated);
  assert.equal(r.info.wasm, true, 'the WebAssembly kernels loaded');
  assert.equal(r.info.simd, true);
  assert.equal(r.products, 18);
  assert.equal(r.f64Mismatches, 0, 'float64 products bit-identical to the TypeScript kernel');
  assert.ok(r.f32WorstRel <= 1e-5, `float32 products within 1e-5 of Σ|a·b| (worst ${r.f32WorstRel})`);
  assert.ok(r.f32WorstRel > 0, 'the float32 paths really differ in rounding (SIMD rounds each product to float32)');
  assert.equal(r.adamMismatches, 0, 'float32 Adam: WASM kernel and TypeScript twin bit-identical');
  assert.equal(r.adamMoved, true);
  assert.equal(r.asyncMismatches, 0, 'matmulAsync: float64 bit-identical to the TypeScript kernel');
  return r;
}

test('in Chromium, cross-origin isolated: shared memory and worker threads; the kernels agree with the TypeScript ones (matmul, matmulAsync on the threads, float32 Adam)', { timeout: 60_000 }, async () => {
  const r = await kernelPage(true);
  assert.equal(r.info.sharedMemory, true);
  assert.equal(r.info.threadError, '');
  assert.equal(r.info.threads, 2, 'the worker thread started');
  assert.equal(r.info.syncThreads, false, 'a page\'s main thread may not block: matmul stays on it, matmulAsync uses the threads');
});

test('in Chromium without cross-origin isolation: a plain memory on one thread, the same numbers', { timeout: 60_000 }, async () => {
  const r = await kernelPage(false);
  assert.equal(r.info.sharedMemory, false, 'no cross-origin isolation: a plain memory');
  assert.equal(r.info.threads, 1);
});
