// W6: W2 trained inside headless Chromium (Debian's /usr/bin/chromium through playwright-core, as
// the browser tests run it), in a Web Worker of a cross-origin-isolated page (COOP same-origin +
// COEP require-corp, so shared memory and the kernels' worker threads are allowed): backprop's
// `fit` (bench/browser-fit-worker.ts) and TF.js's wasm backend (bench/browser-tfjs-worker.ts,
// its threaded SIMD build there) in the same browser, each in a fresh page; TF.js both in a
// worker and on the page itself, its figure the faster of the two. Beside them
// (`notIsolated`), backprop in the same page without the headers: one thread, as the playground
// runs where a server sends none. Run by bench/run.ts; prints one `@@` line per peer.
// Usage: tsx bench/browser.ts [--quick]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { loadMnist } from '../src/data/mnist.node.js';
import { mnistF32 } from './mnist-data.js';
import { emit, flag, summarize } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, 'out', 'browser');
const quick = flag('quick');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** Bundles the workers and the kernels' own worker, and writes the data they fetch. */
async function prepare(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const common = { bundle: true, platform: 'browser', target: 'es2022', logLevel: 'silent' } as const;
  await build({ ...common, entryPoints: [join(here, 'browser-fit-worker.ts')], format: 'esm', outfile: join(dir, 'fit-worker.js') });
  // NOTE: the kernels start their workers as new Worker(new URL('./matmul-worker.web.js', import.meta.url)): beside the bundle.
  await build({ ...common, entryPoints: [join(here, '../src/kernels/matmul-worker.web.ts')], format: 'esm', outfile: join(dir, 'matmul-worker.web.js') });
  // NOTE: a classic worker: Emscripten's threaded build looks for importScripts, which module workers lack.
  await build({ ...common, entryPoints: [join(here, 'browser-tfjs-worker.ts')], format: 'iife', outfile: join(dir, 'tfjs-worker.js') });
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) copyFileSync(join(wasmDir, f), join(dir, f));
  const write = (name: string, a: Float32Array | Int32Array): void => writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  // backprop: the library's split in stored order, as Node's W2 trains it (fit shuffles)
  const { train, test } = loadMnist();
  write('lib-train-x.f32', Float32Array.from(train.x));
  write('lib-train-labels.i32', train.labels!);
  write('lib-test-x.f32', Float32Array.from(test.x));
  write('lib-test-labels.i32', test.labels!);
  // TF.js: the benchmark's shuffled float32 split, as Node's TF.js W2 trains it
  const d = mnistF32();
  write('train-x.f32', d.trainX);
  write('train-y.f32', d.trainY);
  write('test-x.f32', d.testX);
  write('test-labels.i32', d.testLabels);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="en"><title>W6</title></html>\n');
}

/** Serves `dir` on a free port; paths under /plain/ without the cross-origin-isolation headers. */
function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const plain = path.startsWith('/plain/');
    if (plain) path = path.slice('/plain'.length);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
    if (!plain) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

interface FitResult { seconds: number[]; accuracy: number; info: { threads: number; wasm: boolean; relaxedSimd: boolean }; isolated: boolean; error?: string }
interface TfjsResult { seconds: number[]; accuracy: number; threads: number; multithread: boolean; isolated: boolean; tfjs: string; error?: string }

await prepare();
const { server, url } = await serve();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
try {
  /** Runs a worker in a fresh page at `at` and returns its one message. */
  const inWorker = async <T extends { error?: string }>(at: string, script: string, type: 'module' | 'classic', message: unknown): Promise<T> => {
    const page = await browser.newPage();
    await page.goto(at);
    const r = (await page.evaluate(([s, t, m]) => new Promise((resolve) => {
      const w = new Worker(s as string, { type: t as WorkerType });
      w.onmessage = (e: MessageEvent) => resolve(e.data);
      w.onerror = (e: ErrorEvent) => resolve({ error: e.message } as unknown as T);
      w.postMessage(m);
    }), [script, type, message] as const)) as T;
    await page.close();
    if (r.error) throw new Error(`${script}: ${r.error}`);
    return r;
  };
  /** Loads `script` on a fresh page and runs its window.runTfjs(message). */
  const onPage = async <T extends { error?: string }>(at: string, script: string, message: unknown): Promise<T> => {
    const page = await browser.newPage();
    await page.goto(at);
    await page.addScriptTag({ url: script });
    const r = (await page.evaluate((m) => (window as unknown as { runTfjs(m: unknown): Promise<unknown> }).runTfjs(m), message)) as T;
    await page.close();
    if (r.error) throw new Error(`${script} on the page: ${r.error}`);
    return r;
  };
  const epochs = quick ? 2 : 4;
  const mine = await inWorker<FitResult>(url, 'fit-worker.js', 'module', { epochs });
  const plain = quick ? null : await inWorker<FitResult>(url + 'plain/', 'fit-worker.js', 'module', { epochs: 2 });
  const tfjsJob = { epochs: quick ? 1 : 2, fraction: quick ? 0.2 : 0.5 };
  const tfjsWorker = await inWorker<TfjsResult>(url, 'tfjs-worker.js', 'classic', tfjsJob);
  const tfjsPage = await onPage<TfjsResult>(url, 'tfjs-worker.js', tfjsJob);
  // TF.js at its best: in a worker or on the page, whichever trained faster here.
  const median = (r: TfjsResult): number => summarize(r.seconds).median;
  const tfjs = median(tfjsPage) < median(tfjsWorker) ? { ...tfjsPage, where: 'on the page' } : { ...tfjsWorker, where: 'in a classic worker' };
  const version = browser.version();
  emit({
    peer: 'backprop', workload: 'W6', unit: 's/epoch', figure: summarize(mine.seconds),
    extra: {
      accuracy: mine.accuracy, browser: `Chromium ${version}`, crossOriginIsolated: mine.isolated, kernels: mine.info, how: 'fit in a module worker',
      ...(plain && { notIsolated: { ...summarize(plain.seconds), accuracy: plain.accuracy, crossOriginIsolated: plain.isolated, threads: plain.info.threads } }),
    },
  });
  emit({
    peer: 'tfjs-wasm', workload: 'W6', unit: 's/epoch', figure: summarize(tfjs.seconds),
    extra: {
      accuracy: tfjs.accuracy, browser: `Chromium ${version}`, crossOriginIsolated: tfjs.isolated, threads: tfjs.threads, threadedBuild: tfjs.multithread, tfjs: tfjs.tfjs,
      how: `model.fit ${tfjs.where} (the faster of the two), threaded SIMD build, setThreadsCount(hardwareConcurrency), capped by TF.js at half the logical CPUs: ${tfjs.threads} thread${tfjs.threads === 1 ? '' : 's'}`,
      inWorker: { ...summarize(tfjsWorker.seconds), threads: tfjsWorker.threads }, onPage: { ...summarize(tfjsPage.seconds), threads: tfjsPage.threads },
    },
  });
} finally {
  await browser.close();
  server.close();
}
process.exit(0);
