import { totalmem } from 'node:os';
import { BackpropError } from '../errors.js';
import { formatBytes, trainingBytes, type TrainingFootprint } from '../nn/size.js';
import type { OptimizerName } from '../optim/optimizer.js';

/** Share of the machine's memory a training run may plan to use. */
const MEMORY_SHARE = 0.8;

/**
 * Buffers per parameter an optimizer keeps: Adam and AdamW two (m, v), RMSprop one (two with
 * momentum), SGD none (one with momentum).
 *
 * @example
 * ```ts
 * optimizerBuffers('adam', false);   // 2
 * ```
 */
export function optimizerBuffers(name: OptimizerName, momentum: boolean): number {
  return name === 'adam' || name === 'adamw' ? 2 : name === 'rmsprop' ? (momentum ? 2 : 1) : momentum ? 1 : 0;
}

/**
 * Refuses, before anything is allocated, a network whose training would need more than 80 % of
 * this machine's memory (the estimate of {@link trainingBytes}), saying how much it needs and how
 * much there is — instead of minutes of silence while memory grows, then a crash.
 *
 * @throws BackpropError `value`.
 * @example
 * ```ts
 * checkTrainingMemory([2, 7000, 7000, 2], { dtype: 'float64', optimizerBuffers: 2 });
 * ```
 */
export function checkTrainingMemory(sizes: readonly number[], footprint: TrainingFootprint, available = totalmem()): void {
  const need = trainingBytes(sizes, footprint);
  if (need > MEMORY_SHARE * available) {
    throw new BackpropError('value', `train: the network ${sizes.join('-')} needs about ${formatBytes(need)} to train (weights, gradients, optimizer state, layer values), and this machine has ${formatBytes(available)} of memory; use fewer or smaller layers, --dtype float32 or a smaller --batch-size`);
  }
}
