import { BackpropError } from '../errors.js';
import { allocate, type DType, type FloatArray } from './dtype.js';
import type { Rng } from './rng.js';
import { checkShape, sizeOf, type Shape } from './shape.js';
import { Tensor, type NestedInput } from './tensor.js';

/** Options shared by the creation functions. */
export interface TensorOptions {
  /** Element type; default `float64`. */
  dtype?: DType;
  /** Record operations on this tensor for backward(); default false. */
  requiresGrad?: boolean;
  /** Optional label. */
  name?: string;
}

/**
 * A tensor from nested arrays (or a number). Rows must have equal lengths and every element must be
 * a finite or infinite number (NaN is allowed, strings are not).
 *
 * @example
 * ```ts
 * tensor([[1, 2, 3]]);                       // shape [1, 3]
 * tensor([0.5, 0.1], { dtype: 'float32' });  // shape [2]
 * ```
 */
export function tensor(values: NestedInput | FloatArray, options: TensorOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float64';
  if (values instanceof Float64Array || values instanceof Float32Array) {
    const data = allocate(dtype, values.length);
    data.set(values);
    return new Tensor(data, [values.length], options);
  }
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const data = allocate(dtype, sizeOf(shape));
  let k = 0;
  const fill = (v: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number') {
        throw new BackpropError('value', `tensor(): expected a number at ${path || 'the top level'}, got ${describe(v)}`);
      }
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new BackpropError(
        'shape',
        `tensor(): ragged nesting at ${path || 'the top level'}: expected an array of ${shape[axis]}, got ${Array.isArray(v) ? `an array of ${v.length}` : describe(v)}`,
      );
    }
    for (let i = 0; i < v.length; i++) fill(v[i], axis + 1, `${path}[${i}]`);
  };
  fill(values, 0, '');
  return new Tensor(data, shape, options);
}

/**
 * A tensor wrapping `data` (not copied) with the given shape.
 *
 * @example
 * ```ts
 * fromData(new Float64Array([1, 2, 3, 4]), [2, 2]).toArray();   // [[1, 2], [3, 4]] (the array is used, not copied)
 * ```
 */
export function fromData(data: FloatArray, shape: Shape, options: Omit<TensorOptions, 'dtype'> = {}): Tensor {
  return new Tensor(data, shape, options);
}

/**
 * A tensor of the given shape filled with `value`.
 *
 * @example
 * ```ts
 * full([2], 0.5).toArray();   // [0.5, 0.5]
 * ```
 */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  const s = checkShape(shape, 'full()');
  const data = allocate(options.dtype ?? 'float64', sizeOf(s));
  if (value !== 0) data.fill(value);
  return new Tensor(data, s, options);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * zeros([2, 3]).shape;   // [2, 3], every element 0
 * ```
 */
export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * ones([2]).toArray();   // [1, 1]
 * ```
 */
export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/**
 * Samples from N(mean, std²) drawn from `rng`, row-major.
 *
 * @example
 * ```ts
 * randn([2], new Rng(1)).toArray();   // [0.81616807, −0.74009660] — the same for the same seed, everywhere
 * ```
 */
export function randn(shape: Shape, rng: Rng, options: TensorOptions & { mean?: number; std?: number } = {}): Tensor {
  const t = zeros(shape, options);
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal(mean, std);
  return t;
}

/**
 * Samples from U[low, high) drawn from `rng`, row-major; default [0, 1).
 *
 * @example
 * ```ts
 * rand([2], new Rng(1), { low: -1, high: 1 }).shape;   // [2], uniform in [−1, 1)
 * ```
 */
export function rand(shape: Shape, rng: Rng, options: TensorOptions & { low?: number; high?: number } = {}): Tensor {
  const t = zeros(shape, options);
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniformRange(low, high);
  return t;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  return typeof v;
}
