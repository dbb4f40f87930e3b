// W6, backprop's side: the W2 network trained by `fit` inside a Web Worker (module worker) in
// Chromium, on the library's MNIST split fetched as raw float32 files. Bundled by bench/browser.ts.
import { classificationDataset } from '../src/data/dataset.js';
import { initKernels } from '../src/kernels/kernel-state.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { Rng } from '../src/tensor/rng.js';
import { fit } from '../src/train/fit.js';
import { evaluate } from '../src/train/metrics.js';
import { fetchArray } from './browser-fetch.js';

const scope = globalThis as unknown as { onmessage: ((ev: MessageEvent<{ epochs: number }>) => void) | null; postMessage(m: unknown): void; crossOriginIsolated: boolean };

scope.onmessage = (ev) => {
  void (async () => {
    try {
      const info = await initKernels();
      const names = Array.from({ length: 10 }, (_, i) => String(i));
      const train = classificationDataset(Float64Array.from(await fetchArray('lib-train-x.f32', Float32Array)), 784, await fetchArray('lib-train-labels.i32', Int32Array), names);
      const test = classificationDataset(Float64Array.from(await fetchArray('lib-test-x.f32', Float32Array)), 784, await fetchArray('lib-test-labels.i32', Int32Array), names);
      const model = Sequential.mlp([784, 128, 64, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype: 'float32' });
      const seconds: number[] = [];
      let t0 = 0;
      await fit(model, train, {
        loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 1e-3 }), epochs: ev.data.epochs + 1, batchSize: 64, rng: new Rng(2),
        callbacks: [{ onEpochBegin: () => void (t0 = performance.now()), onEpochEnd: () => void seconds.push((performance.now() - t0) / 1000) }],
      });
      const accuracy = evaluate(model, 'cross_entropy', test).classification!.accuracy;
      scope.postMessage({ seconds: seconds.slice(1), accuracy, info, isolated: scope.crossOriginIsolated });
    } catch (e) {
      scope.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
    }
  })();
};
