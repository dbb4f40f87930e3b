import { LOSS_TABLE, logitForm, type LossName } from '../functions/losses/index.js';
import { logitLossOp, lossOp } from '../autograd/ops/losses.js';
import type { Tensor } from '../tensor/tensor.js';
import { activate, type ActivationName } from './activations.js';

export { LOSS_TABLE, LOSSES, LOSS_FORMULAS, checkLoss, isLossName, logitForm, lossCount, lossSpec, type LossName, type LossSpec } from '../functions/losses/index.js';

/**
 * The loss of outputs `y` against targets `t` (on probabilities for cross_entropy and bce). The
 * conventions (the "½ trap": hand calculations use ½·SSE, libraries use MSE) are those of the
 * loss table (src/functions/losses): sse = ½·Σ(y − t)², mse = mean over all numbers,
 * cross_entropy = mean over samples of −Σ t·log y, bce = mean over all numbers.
 *
 * @example
 * ```ts
 * lossOf('sse', tensor([[0.86103399, 0.75879129]]), tensor([[0.5, 0.1]])).item();   // 0.28217575
 * ```
 */
export function lossOf(name: LossName, y: Tensor, t: Tensor): Tensor {
  return lossOp(LOSS_TABLE[name], y, t);
}

/**
 * Whether `loss` is computed from the logits, fused with the output activation: softmax with
 * cross_entropy and sigmoid with bce (the loss table's `onLogits`). Fused losses are exact for any
 * logits and their gradient at the logits is (y − t) over the count.
 *
 * @example
 * ```ts
 * isFused('cross_entropy', 'softmax');   // true: the gradient at the logits is (y − t)/N
 * isFused('sse', 'sigmoid');            // false
 * ```
 */
export function isFused(loss: LossName, outputActivation: string): boolean {
  return logitForm(loss, outputActivation) !== null;
}

/** What {@link modelLoss} needs of a model: its logits and its output activation. */
export interface LogitModel {
  forwardLogits(x: Tensor): Tensor;
  readonly outputActivation: ActivationName;
}

/**
 * The loss from the output layer's pre-activations z (the logits): fused with the output
 * activation where the loss table allows it (softmax + cross_entropy, sigmoid + bce), else
 * E(f(z), t). Every loss the library computes on a model goes through here.
 *
 * @example
 * ```ts
 * lossFromLogits('sse', 'sigmoid', model.forwardLogits(x), t).item();   // 0.28217575 for the seed network
 * ```
 */
export function lossFromLogits(loss: LossName, outputActivation: ActivationName, z: Tensor, t: Tensor): Tensor {
  return logitForm(loss, outputActivation) !== null ? logitLossOp(LOSS_TABLE[loss], z, t) : lossOf(loss, activate(outputActivation, z), t);
}

/**
 * The model's loss on a batch, with the graph recorded: E(model(x), t), on the logits where the
 * output activation and the loss fold together (see {@link lossFromLogits}).
 *
 * @example
 * ```ts
 * const E = modelLoss(net, 'sse', x, t);
 * E.backward();
 * ```
 */
export function modelLoss(model: LogitModel, loss: LossName, x: Tensor, t: Tensor): Tensor {
  return lossFromLogits(loss, model.outputActivation, model.forwardLogits(x), t);
}
