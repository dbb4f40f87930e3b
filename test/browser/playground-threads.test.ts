// The playground's training worker on the WebAssembly kernels' threads: on a cross-origin-isolated
// page (the server's COOP/COEP headers) it starts the kernels' worker threads; with the headers
// stripped it trains on one thread. XOR trains either way.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../src/cli/commands/playground.js';
import { withoutIsolation } from './isolation.js';
import { ensureWebBuilt, webDist } from './build.js';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
let server: StaticServer;
let browser: Browser;

before(async () => {
  ensureWebBuilt();
  server = await serveStatic(webDist, 0);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Trains XOR with Play until the test loss is below 0.05; returns the URLs of the workers started and whether the page was isolated. */
async function trainXor(page: Page): Promise<{ workers: string[]; isolated: boolean }> {
  const errors: string[] = [];
  const workers: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#dataset', 'xor');
  await page.locator('#speed').fill('9');
  await page.click('#btn-play');
  await page.waitForFunction(() => Number(document.getElementById('test-loss')?.textContent) < 0.05, undefined, { timeout: 40_000, polling: 100 });
  await page.click('#btn-play');
  assert.deepEqual(errors, []);
  return { workers, isolated: await page.evaluate(() => crossOriginIsolated) };
}

test('cross-origin isolated: the training worker starts the kernels\' worker threads', async () => {
  const page = await browser.newPage();
  const { workers, isolated } = await trainXor(page);
  assert.equal(isolated, true);
  assert.ok(workers.some((u) => /worker/.test(u) && !/matmul/.test(u)), `the training worker runs: ${workers.join(', ')}`);
  assert.ok(workers.some((u) => /matmul-worker/.test(u)), `a kernels' worker thread runs beside it: ${workers.join(', ')}`);
  await page.close();
});

test('without the headers: one thread, and training still works', async () => {
  const page = await browser.newPage();
  await withoutIsolation(page);
  const { workers, isolated } = await trainXor(page);
  assert.equal(isolated, false);
  assert.ok(!workers.some((u) => /matmul-worker/.test(u)), `no kernels' worker thread: ${workers.join(', ')}`);
  await page.close();
});
