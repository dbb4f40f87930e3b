import { Dense } from './dense.js';
import { Sequential } from './sequential.js';
import type { DType } from '../tensor/dtype.js';

/**
 * The seed notebook's network and data: 3 inputs, 2 hidden and 2 output sigmoid neurons,
 * W1 = [[.1,.3,.5],[.2,.4,.6]], b1 = [.5,.5], W2 = [[.7,.9],[.8,.1]], b2 = [.3,.3],
 * input [[1,2,3]], target [[0.5,0.1]], cost ½·Σ(y − t)².
 */
export const SEED = {
  input: [[1, 2, 3]],
  target: [[0.5, 0.1]],
  W1: [
    [0.1, 0.3, 0.5],
    [0.2, 0.4, 0.6],
  ],
  b1: [0.5, 0.5],
  W2: [
    [0.7, 0.9],
    [0.8, 0.1],
  ],
  b2: [0.3, 0.3],
  loss: 'sse',
  lr: 0.5,
} as const;

/**
 * A fresh copy of the seed network.
 *
 * @example
 * ```ts
 * seedNetwork().forward(tensor([[1, 2, 3]])).toArray();   // [[0.86103399, 0.75879129]]
 * ```
 */
export function seedNetwork(dtype: DType = 'float64'): Sequential<Dense> {
  return new Sequential([
    Dense.fromWeights(SEED.W1.map((r) => [...r]), [...SEED.b1], 'sigmoid', dtype),
    Dense.fromWeights(SEED.W2.map((r) => [...r]), [...SEED.b2], 'sigmoid', dtype),
  ]);
}
