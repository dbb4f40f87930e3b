// brain.js's side of the benchmark, in its own process: --workload W1|W2 (it has no matmul API).
// brain.js keeps float32 arrays and trains one sample at a time (trainPattern: forward, deltas,
// weight update). W1: the seed network with its sigmoid, learning rate 0.5, momentum 0.
// W2: 784-128-64-10 with its defaults (sigmoid, learning rate 0.3, momentum 0.1), batch 1.
import { createRequire } from 'node:module';
import { accuracy, mnistF32 } from './mnist-data.js';
import { arg, emit, flag, summarize, timePerCall } from './stats.js';

/** The part of brain.js's NeuralNetwork the benchmark uses. */
interface BrainNet {
  sizes: number[];
  weights: Float32Array[][];
  biases: Float32Array[];
  trainOpts: { learningRate: number; momentum: number };
  initialize(): void;
  trainPattern(value: { input: Float32Array; output: Float32Array }): unknown;
  run(input: Float32Array): ArrayLike<number>;
}

const require = createRequire(import.meta.url);
const brain = require('brain.js') as { NeuralNetwork: new (options?: Record<string, unknown>) => BrainNet };
const version = (require('brain.js/package.json') as { version: string }).version;
const workload = arg('workload', 'W1');
const quick = flag('quick');

function w1(): void {
  const net = new brain.NeuralNetwork({ hiddenLayers: [2], activation: 'sigmoid', learningRate: 0.5 });
  // NOTE: the constructor rejects momentum 0 as "out of normal training range"; set it directly.
  net.trainOpts.momentum = 0;
  net.sizes = [3, 2, 2];
  net.initialize();
  const W1 = [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]];
  const W2 = [[0.7, 0.9], [0.8, 0.1]];
  for (let j = 0; j < 2; j++) {
    net.weights[1]![j]!.set(W1[j]!);
    net.weights[2]![j]!.set(W2[j]!);
    net.biases[1]![j] = 0.5;
    net.biases[2]![j] = 0.3;
  }
  const value = { input: Float32Array.of(1, 2, 3), output: Float32Array.of(0.5, 0.1) };
  const inner = quick ? 100_000 : 400_000;
  const times = timePerCall(() => net.trainPattern(value), inner, quick ? 9 : 21, inner).map((s) => s * 1e6);
  emit({ peer: 'brain.js', workload: 'W1', unit: 'µs', figure: summarize(times), extra: { version, dtype: 'float32', note: 'trainPattern, momentum 0' } });
}

function w2(): void {
  const data = mnistF32();
  const net = new brain.NeuralNetwork({ hiddenLayers: [128, 64] });
  net.sizes = [784, 128, 64, 10];
  net.initialize();
  const samples = Array.from({ length: data.trainRows }, (_, i) => ({
    input: data.trainX.subarray(i * 784, (i + 1) * 784),
    output: data.trainY.subarray(i * 10, (i + 1) * 10),
  }));
  // NOTE: ~12 s per epoch: each repetition times a share of an epoch (1/32 with --quick, else 1/4) and scales up.
  const fraction = quick ? 1 / 32 : 1 / 4;
  const per = Math.round(samples.length * fraction);
  const reps = quick ? 3 : 5;
  const times: number[] = [];
  let at = 0;
  for (let r = 0; r < reps + 1; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) net.trainPattern(samples[(at + i) % samples.length]!);
    at += per;
    if (r > 0) times.push((performance.now() - t0) / 1000 / fraction);
  }
  const out = new Float32Array(data.testRows * 10);
  for (let r = 0; r < data.testRows; r++) out.set(net.run(data.testX.subarray(r * 784, (r + 1) * 784)) as Float32Array, r * 10);
  emit({
    peer: 'brain.js', workload: 'W2', unit: 's/epoch', figure: summarize(times),
    extra: { version, accuracy: accuracy(out, data.testLabels, 10), epochsTrained: (reps + 1) * fraction, fractionTimed: fraction, note: 'batch 1, sigmoid, lr 0.3, momentum 0.1 (its defaults)' },
  });
}

if (workload === 'W1') w1();
else w2();
process.exit(0);
