// The WebAssembly SIMD kernels in a real browser (Debian's Chromium through playwright-core): a
// page bundled with esbuild from test/browser/kernels-page.ts loads them the way the playground
// does (no cross-origin isolation, so a plain memory on one thread) and checks matmul in every
// transpose form against the TypeScript kernel (float64 bit for bit, float32 within 1e-5 of Σ|a·b|) and the
// float32 Adam kernel against its TypeScript twin (bit for bit).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../src/cli/commands/playground.js';
import { root } from './build.js';

const dir = join(root, 'test-artifacts/kernels-page');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
let server: StaticServer;
let browser: Browser;

before(async () => {
  mkdirSync(dir, { recursive: true });
  await build({ entryPoints: [join(root, 'test/browser/kernels-page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'page.js'), logLevel: 'silent' });
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
  info: { wasm: boolean; simd: boolean; sharedMemory: boolean; threads: number };
  products: number;
  f64Mismatches: number;
  f32WorstRel: number;
  adamMismatches: number;
  adamMoved: boolean;
}

test('in Chromium the WASM SIMD kernels load and agree with the TypeScript kernels (matmul, float32 Adam)', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as { kernelResult?: unknown }).kernelResult !== undefined, undefined, { timeout: 30_000 });
  const r = (await page.evaluate(() => (window as unknown as { kernelResult: unknown }).kernelResult)) as Result;
  assert.equal(r.error, undefined, r.error);
  assert.deepEqual(errors, []);
  assert.equal(r.info.wasm, true, 'the WebAssembly kernels loaded');
  assert.equal(r.info.simd, true);
  // NOTE: serveStatic sends COOP + COEP (the playground server's headers), so the page is cross-origin isolated.
  assert.equal(r.info.sharedMemory, true, 'cross-origin isolated: the kernels get shared memory');
  assert.equal(r.info.threads, 1);
  assert.equal(r.products, 18);
  assert.equal(r.f64Mismatches, 0, 'float64 products bit-identical to the TypeScript kernel');
  assert.ok(r.f32WorstRel <= 1e-5, `float32 products within 1e-5 of Σ|a·b| (worst ${r.f32WorstRel})`);
  assert.ok(r.f32WorstRel > 0, 'the float32 paths really differ in rounding (SIMD rounds each product to float32)');
  assert.equal(r.adamMismatches, 0, 'float32 Adam: WASM kernel and TypeScript twin bit-identical');
  assert.equal(r.adamMoved, true);
});
