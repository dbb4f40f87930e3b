import type { Dataset } from '../../data/dataset.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

/**
 * Up to `count` input rows evenly spaced through the data (all rows when there are fewer), as a
 * [rows, inputs] tensor of `dtype` — with `y` the matching targets when asked for.
 *
 * @example
 * ```ts
 * sampleRows(iris(), 50).shape;   // [50, 4]: rows 0, 3, 6, …
 * ```
 */
export function sampleRows(data: Dataset, count: number, dtype: DType = 'float64'): Tensor {
  return sampleBoth(data, count, dtype).x;
}

/** The same rows' inputs and targets (see {@link sampleRows}). */
export function sampleBoth(data: Dataset, count: number, dtype: DType = 'float64'): { x: Tensor; t: Tensor; rows: number } {
  const want = Math.max(1, Math.min(data.rows, count));
  const stride = data.rows / want;
  const x = allocate(dtype, want * data.inputSize);
  const t = allocate(dtype, want * data.outputSize);
  for (let k = 0; k < want; k++) {
    const r = Math.floor(k * stride);
    x.set(data.x.subarray(r * data.inputSize, (r + 1) * data.inputSize), k * data.inputSize);
    t.set(data.y.subarray(r * data.outputSize, (r + 1) * data.outputSize), k * data.outputSize);
  }
  return { x: new Tensor(x, [want, data.inputSize]), t: new Tensor(t, [want, data.outputSize]), rows: want };
}
