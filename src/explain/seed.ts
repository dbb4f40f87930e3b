import { Dense } from '../nn/dense.js';
import { Sequential } from '../nn/sequential.js';
import type { LossName } from '../nn/losses.js';

/** The seed notebook's network, sample and settings (see ../shared/seed/README.md). */
export interface SeedNetwork {
  /** 3 → 2 → 2, sigmoid in both layers. */
  model: Sequential;
  loss: LossName;
  /** [[1, 2, 3]] — one sample as a row. */
  input: number[][];
  /** [[0.5, 0.1]]. */
  target: number[][];
  /** The learning rate of the notebook's gradient descent, 0.5. */
  lr: number;
}

/**
 * A fresh copy of the seed notebook's network: W1 = [[.1, .3, .5], [.2, .4, .6]], b1 = [.5, .5],
 * W2 = [[.7, .9], [.8, .1]], b2 = [.3, .3], sigmoid activations, cost ½·Σ(y − t)², input
 * [1, 2, 3], target [0.5, 0.1], learning rate 0.5.
 *
 * @example
 * ```ts
 * const { model, input, target } = seedNetwork();
 * explain(model, input, target).cost.value;   // 0.28217575…
 * ```
 */
export function seedNetwork(): SeedNetwork {
  const model = new Sequential([
    Dense.fromWeights([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], [0.5, 0.5], 'sigmoid'),
    Dense.fromWeights([[0.7, 0.9], [0.8, 0.1]], [0.3, 0.3], 'sigmoid'),
  ]);
  return { model, loss: 'sse', input: [[1, 2, 3]], target: [[0.5, 0.1]], lr: 0.5 };
}
