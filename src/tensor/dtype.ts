import { BackpropError } from '../errors.js';
import type { FloatArray } from '../kernels/types.js';

export type { FloatArray } from '../kernels/types.js';

/** Element type of a tensor: `float64` (the default, as numpy) or `float32`. */
export type DType = 'float64' | 'float32';

/** All dtypes, in a stable order. */
export const DTYPES: readonly DType[] = ['float64', 'float32'];

/** A zero-filled buffer of `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

/** The dtype that a typed array stores. */
export function dtypeOfArray(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** Throws unless `value` is a known dtype name; `where` names the caller for the message. */
export function checkDType(value: unknown, where: string): DType {
  if (value === 'float64' || value === 'float32') return value;
  throw new BackpropError('dtype', `${where}: expected dtype "float64" or "float32", got ${JSON.stringify(value)}`);
}
