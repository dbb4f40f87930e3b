// MNIST for the benchmarks: the library's fixed 8,000 / 2,000 split (src/data/mnist.node.ts), as
// float32 arrays, the training rows in one fixed shuffled order (the split stores them digit by
// digit, so a peer timed on a share of an epoch would otherwise see only 0s and 1s).
import { loadMnist } from '../src/data/mnist.node.js';
import { Rng } from '../src/tensor/rng.js';

/** Training and held-out images (rows × 784, in [0, 1]) with one-hot targets and labels. */
export interface MnistF32 {
  trainX: Float32Array;
  trainY: Float32Array;
  trainLabels: Int32Array;
  testX: Float32Array;
  testY: Float32Array;
  testLabels: Int32Array;
  trainRows: number;
  testRows: number;
}

/** Loads the split, converts it to float32 and shuffles the training rows (seeded, always the same order). */
export function mnistF32(): MnistF32 {
  const { train, test } = loadMnist();
  const order = new Rng(20261130).permutation(train.rows);
  const trainX = new Float32Array(train.x.length);
  const trainY = new Float32Array(train.y.length);
  const trainLabels = new Int32Array(train.rows);
  for (let r = 0; r < train.rows; r++) {
    const i = order[r]!;
    trainX.set(train.x.subarray(i * 784, (i + 1) * 784), r * 784);
    trainY.set(train.y.subarray(i * 10, (i + 1) * 10), r * 10);
    trainLabels[r] = train.labels![i]!;
  }
  return {
    trainX,
    trainY,
    trainLabels,
    testX: Float32Array.from(test.x),
    testY: Float32Array.from(test.y),
    testLabels: test.labels!,
    trainRows: train.rows,
    testRows: test.rows,
  };
}

export { accuracy } from './accuracy.js';
