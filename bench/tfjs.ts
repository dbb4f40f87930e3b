// TensorFlow.js's side of the benchmark, in its own process: --backend cpu | wasm, --workload W1|W2|W3.
// The wasm backend loads its .wasm files from the installed npm package (setWasmPaths to a local
// directory; nothing is fetched). float32 throughout (TF.js has no float64).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mnistF32 } from './mnist-data.js';
import { trainW2 } from './tfjs-w2.js';
import { arg, emit, flag, summarize, timePerCall } from './stats.js';

const backend = arg('backend', 'cpu');
const workload = arg('workload', 'W1');
const quick = flag('quick');
const peer = `tfjs-${backend}`;

if (backend === 'wasm') {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(join(dist, '/'));
}
await tf.setBackend(backend);
await tf.ready();
const versions = { tfjs: tf.version.tfjs, backend: tf.getBackend() };

/** W1: the seed network as variables, one optimizer.minimize step of ½·Σ(y − t)², SGD lr 0.5. */
function w1(): void {
  const W1 = tf.variable(tf.tensor2d([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]));
  const b1 = tf.variable(tf.tensor1d([0.5, 0.5]));
  const W2 = tf.variable(tf.tensor2d([[0.7, 0.9], [0.8, 0.1]]));
  const b2 = tf.variable(tf.tensor1d([0.3, 0.3]));
  const x = tf.tensor2d([[1, 2, 3]]);
  const t = tf.tensor2d([[0.5, 0.1]]);
  const opt = tf.train.sgd(0.5);
  const loss = (): tf.Scalar => {
    const h = tf.sigmoid(tf.add(tf.matMul(x, W1, false, true), b1));
    const y = tf.sigmoid(tf.add(tf.matMul(h, W2, false, true), b2));
    return tf.mul(0.5, tf.sum(tf.square(tf.sub(y, t))));
  };
  const step = (): void => {
    const E = opt.minimize(loss, true);
    if (E !== null) E.dispose();
  };
  const inner = quick ? 300 : 1000;
  const times = timePerCall(step, inner, quick ? 5 : 11, inner).map((s) => s * 1e6);
  // 1 + warm-up + reps × inner steps were taken; report the loss now as a sanity figure.
  const E = tf.tidy(() => loss().dataSync()[0]);
  emit({ peer, workload: 'W1', unit: 'µs', figure: summarize(times), extra: { ...versions, dtype: 'float32', lossAfterTraining: E } });
}

/** W2 (see tfjs-w2.ts); a slow backend (cpu: ~9 s per epoch) is timed on a share of each epoch in --quick mode. */
async function w2(): Promise<void> {
  const fraction = quick ? (backend === 'cpu' ? 0.05 : 0.2) : 1;
  const epochs = quick ? 2 : backend === 'cpu' ? 2 : 4;
  const r = await trainW2(tf, mnistF32(), fraction, epochs);
  emit({ peer, workload: 'W2', unit: 's/epoch', figure: summarize(r.seconds), extra: { ...versions, accuracy: r.accuracy, epochsTrained: (epochs + 1) * fraction, fractionTimed: fraction } });
}

/** W3: tf.matMul of two 512×512 float32 matrices, GFLOP/s (dataSync to wait for the result). */
function w3(): void {
  const n = 512;
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  const once = (): void => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  const t0 = performance.now();
  once();
  const inner = Math.max(1, Math.round(0.05 / Math.max(1e-6, (performance.now() - t0) / 1000)));
  const reps = quick ? 3 : backend === 'cpu' ? 5 : 11;
  const values = timePerCall(once, inner, reps, inner).map((s) => (2 * n ** 3) / s / 1e9);
  emit({ peer, workload: 'W3', unit: 'GFLOP/s', figure: summarize(values), extra: versions });
}

if (workload === 'W1') w1();
else if (workload === 'W2') await w2();
else w3();
process.exit(0);
