import type { Tensor } from '../tensor/tensor.js';

/** Rows of a 2-D tensor as float64 numbers. */
export function rows(t: Tensor): number[][] {
  return rowsOf(t.data, t.shape[0]!, t.shape[1]!);
}

/** `n` rows of `k` numbers from a flat array. */
export function rowsOf(data: ArrayLike<number>, n: number, k: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: k }, (_, c) => data[r * k + c]!));
}
