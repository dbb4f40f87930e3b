// W6, TF.js's side: bench/tfjs-w2.ts on the wasm backend in Chromium — in a (classic) Web Worker,
// or on the page itself, where its threaded SIMD build's own threads start (as many as it allows
// where the page is cross-origin isolated: half the logical CPUs at most, see below) — on the
// benchmark's shuffled MNIST split fetched as raw float32 files. Bundled by bench/browser.ts.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { trainW2 } from './tfjs-w2.js';
import { fetchArray } from './browser-fetch.js';

interface Scope { onmessage: ((ev: MessageEvent<Job>) => void) | null; postMessage(m: unknown): void; crossOriginIsolated: boolean; location: { href: string }; runTfjs?: (job: Job) => Promise<unknown> }
interface Job { epochs: number; fraction: number }
const scope = globalThis as unknown as Scope;

/** TF.js's W2 here (a worker, or the page itself), with its report or the error. */
async function run(job: Job): Promise<unknown> {
  try {
    setWasmPaths(new URL('./', scope.location.href).href);
    // NOTE: asks for every logical CPU, as a competent user would; TF.js 4.22 caps its thread pool at half
    // of them anyway (backend.cc's init_with_threads_count: min(asked, hardwareConcurrency / 2)), 1 here.
    setThreadsCount(navigator.hardwareConcurrency);
    await tf.setBackend('wasm');
    await tf.ready();
    const [trainX, trainY, testX, testLabels] = await Promise.all([fetchArray('train-x.f32', Float32Array), fetchArray('train-y.f32', Float32Array), fetchArray('test-x.f32', Float32Array), fetchArray('test-labels.i32', Int32Array)]);
    const data = { trainX, trainY, trainLabels: new Int32Array(0), testX, testY: new Float32Array(0), testLabels, trainRows: trainX.length / 784, testRows: testLabels.length };
    const r = await trainW2(tf, data, job.fraction, job.epochs);
    const multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return { ...r, threads: getThreadsCount(), multithread, isolated: scope.crossOriginIsolated, tfjs: tf.version.tfjs };
  } catch (e) {
    return { error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
}

// NOTE: the same bundle runs in a classic worker (a message starts it) and on the page (window.runTfjs).
if (typeof window === 'undefined') scope.onmessage = (ev) => void run(ev.data).then((r) => scope.postMessage(r));
else scope.runTfjs = run;
