import { noGrad } from '../autograd/node.js';
import { gatherRows } from '../autograd/ops/shape.js';
import { modelLoss, type LossName } from '../nn/losses.js';
import type { Sequential } from '../nn/sequential.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * One pass over the samples in `order` (all rows in order when omitted): mini-batches of
 * `batchSize` rows (the last one possibly smaller), one optimizer step per batch, each batch's loss
 * reduced by the model's loss convention. Returns the loss of each batch before its step.
 *
 * Shape: x [N, in], t [N, out].
 *
 * @example
 * ```ts
 * const losses = trainEpoch(model, 'sse', new SGD(model.parameters(), { lr: 0.5 }), x, t, 32);
 * losses.length;   // one loss per batch of 32 rows, each before its step
 * ```
 */
export function trainEpoch(
  model: Sequential,
  loss: LossName,
  optimizer: Optimizer,
  x: Tensor,
  t: Tensor,
  batchSize: number,
  order?: ArrayLike<number>,
): number[] {
  const n = x.shape[0]!;
  const rows = order ?? Int32Array.from({ length: n }, (_, i) => i);
  const losses: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const idx = Array.prototype.slice.call(rows, start, Math.min(n, start + batchSize)) as number[];
    const xb = gatherRows(x, idx);
    const tb = gatherRows(t, idx);
    optimizer.zeroGrad();
    const E = modelLoss(model, loss, xb, tb);
    losses.push(E.item());
    E.backward();
    optimizer.step();
  }
  return losses;
}

/**
 * The model's loss on all of x, t, without recording the graph, in eval mode (the model's mode is
 * left as it was).
 *
 * @example
 * ```ts
 * evaluateLoss(seedNetwork(), 'sse', tensor([[1, 2, 3]]), tensor([[0.5, 0.1]]));   // 0.28217575, no graph recorded
 * ```
 */
export function evaluateLoss(model: Sequential, loss: LossName, x: Tensor, t: Tensor): number {
  return model.withMode(false, () => noGrad(() => modelLoss(model, loss, x, t).item()));
}
