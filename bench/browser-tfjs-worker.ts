// W6, TF.js's side: bench/tfjs-w2.ts on the wasm backend inside a (classic) Web Worker in Chromium —
// the threaded SIMD build on every logical CPU where the page is cross-origin isolated — on the benchmark's shuffled
// MNIST split fetched as raw float32 files. Bundled by bench/browser.ts.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { trainW2 } from './tfjs-w2.js';

const scope = globalThis as unknown as { onmessage: ((ev: MessageEvent<{ epochs: number; fraction: number }>) => void) | null; postMessage(m: unknown): void; crossOriginIsolated: boolean; location: { href: string } };

async function raw<T extends Float32Array | Int32Array>(name: string, Ctor: new (b: ArrayBuffer) => T): Promise<T> {
  const r = await fetch(name);
  if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
  return new Ctor(await r.arrayBuffer());
}

scope.onmessage = (ev) => {
  void (async () => {
    try {
      setWasmPaths(new URL('./', scope.location.href).href);
      // NOTE: by default the threaded build uses half the logical CPUs (1 here): a competent user gives it all.
      setThreadsCount(navigator.hardwareConcurrency);
      await tf.setBackend('wasm');
      await tf.ready();
      const [trainX, trainY, testX, testLabels] = await Promise.all([raw('train-x.f32', Float32Array), raw('train-y.f32', Float32Array), raw('test-x.f32', Float32Array), raw('test-labels.i32', Int32Array)]);
      const data = { trainX, trainY, trainLabels: new Int32Array(0), testX, testY: new Float32Array(0), testLabels, trainRows: trainX.length / 784, testRows: testLabels.length };
      const r = await trainW2(tf, data, ev.data.fraction, ev.data.epochs);
      scope.postMessage({ ...r, threads: getThreadsCount(), isolated: scope.crossOriginIsolated, tfjs: tf.version.tfjs });
    } catch (e) {
      scope.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
    }
  })();
};
