// TF.js's W2, shared by the Node worker (bench/tfjs.ts) and the browser's (bench/browser-tfjs-worker.ts):
// tf.sequential 784-128-64-10 (ReLU, softmax), Adam 1e-3, categorical cross-entropy, model.fit
// batch 64, one epoch at a time, the first untimed.
import type * as TF from '@tensorflow/tfjs';
import { accuracy } from './accuracy.js';
import type { MnistF32 } from './mnist-data.js';

/** Seconds of each timed epoch (scaled up from `fraction` of the rows) and the held-out accuracy. */
export async function trainW2(tf: typeof TF, data: MnistF32, fraction: number, epochs: number): Promise<{ seconds: number[]; accuracy: number }> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const rows = Math.round(data.trainRows * fraction);
  const xs = tf.tensor2d(data.trainX.subarray(0, rows * 784), [rows, 784]);
  const ys = tf.tensor2d(data.trainY.subarray(0, rows * 10), [rows, 10]);
  const seconds: number[] = [];
  for (let e = 0; e < epochs + 1; e++) {
    const t0 = performance.now();
    await model.fit(xs, ys, { batchSize: 64, epochs: 1, shuffle: true, verbose: 0 });
    if (e > 0) seconds.push((performance.now() - t0) / 1000 / fraction);
  }
  const out = model.predict(tf.tensor2d(data.testX, [data.testRows, 784])) as TF.Tensor;
  return { seconds, accuracy: accuracy(out.dataSync(), data.testLabels, 10) };
}
