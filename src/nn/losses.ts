import { BackpropError } from '../errors.js';
import * as ops from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { suggest } from './activations.js';
import type { Sequential } from './sequential.js';

/** Names of the losses (as written in model files and on the command line). */
export type LossName = 'sse' | 'mse' | 'cross_entropy' | 'bce';

/** Every loss name. */
export const LOSSES: readonly LossName[] = ['sse', 'mse', 'cross_entropy', 'bce'];

/**
 * The conventions, spelled out (the "½ trap": hand calculations use ½·SSE, libraries use MSE):
 * - `sse` = ½·Σ(y − t)² over all elements, not averaged (the seed notebook's cost); ∂E/∂y = y − t.
 * - `mse` = mean of (y − t)² over all elements (PyTorch MSELoss); ∂E/∂y = 2(y − t)/M.
 * - `cross_entropy` = −(1/N)·Σ t·log y on softmax outputs, N = rows; fused with the softmax
 *   its gradient at the logits is (y − t)/N.
 * - `bce` = −mean[t·log y + (1 − t)·log(1 − y)] on sigmoid outputs; fused with the sigmoid its
 *   gradient at the logits is (y − t)/M.
 */
export const LOSS_FORMULAS: Readonly<Record<LossName, string>> = {
  sse: 'E = ½·Σ(y − t)²',
  mse: 'E = (1/M)·Σ(y − t)²',
  cross_entropy: 'E = −(1/N)·Σ t·log y',
  bce: 'E = −(1/M)·Σ[t·log y + (1 − t)·log(1 − y)]',
};

/** Throws unless `name` is a known loss. */
export function checkLoss(name: unknown, where: string): LossName {
  if (typeof name === 'string' && (LOSSES as readonly string[]).includes(name)) return name as LossName;
  throw new BackpropError('value', `${where}: unknown loss ${JSON.stringify(name)}; expected one of ${LOSSES.join(', ')}${suggest(name, LOSSES)}`);
}

/**
 * The loss of outputs `y` against targets `t` (on probabilities for cross_entropy and bce).
 *
 * @example
 * ```ts
 * lossOf('sse', tensor([[0.86103399, 0.75879129]]), tensor([[0.5, 0.1]])).item();   // 0.28217575
 * ```
 */
export function lossOf(name: LossName, y: Tensor, t: Tensor): Tensor {
  switch (name) {
    case 'sse':
      return ops.sse(y, t);
    case 'mse':
      return ops.mse(y, t);
    case 'cross_entropy':
      return ops.crossEntropy(y, t);
    case 'bce':
      return ops.bce(y, t);
  }
}

/**
 * Whether `loss` is computed from the logits, fused with the output activation: softmax with
 * cross_entropy and sigmoid with bce. Fused losses are exact for any logits and their gradient at
 * the logits is (y − t) over the count.
 *
 * @example
 * ```ts
 * isFused('cross_entropy', 'softmax');   // true: the gradient at the logits is (y − t)/N
 * isFused('sse', 'sigmoid');            // false
 * ```
 */
export function isFused(loss: LossName, outputActivation: string): boolean {
  return (loss === 'cross_entropy' && outputActivation === 'softmax') || (loss === 'bce' && outputActivation === 'sigmoid');
}

/**
 * The model's loss on a batch, with the graph recorded: E(model(x), t). Uses the fused,
 * stable form when the output activation and loss allow it (see {@link isFused}).
 *
 * @example
 * ```ts
 * const E = modelLoss(net, 'sse', x, t);
 * E.backward();
 * ```
 */
export function modelLoss(model: Sequential, loss: LossName, x: Tensor, t: Tensor): Tensor {
  const out = model.layers[model.layers.length - 1]!.activation;
  if (loss === 'cross_entropy' && out === 'softmax') return ops.softmaxCrossEntropy(model.forwardLogits(x), t);
  if (loss === 'bce' && out === 'sigmoid') return ops.sigmoidBinaryCrossEntropy(model.forwardLogits(x), t);
  return lossOf(loss, model.forward(x), t);
}
