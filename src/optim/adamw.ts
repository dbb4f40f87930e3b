import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { Adam, type AdamOptions } from './adam.js';

/**
 * AdamW as PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay (default λ = 0.01),
 * applied to the weights before the moment update rather than added to the gradient:
 *
 *   w ← w·(1 − η·λ)
 *   then the Adam update of {@link Adam} with no L2 term.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Adam {
  override readonly name = 'adamw' as const;

  constructor(params: readonly Tensor[], options: AdamOptions = {}) {
    super(params, options, 0.01);
  }

  protected override update(w: FloatArray, grad: FloatArray, buffers: Record<string, FloatArray>, t: number): void {
    this.adamStep(w, grad, buffers, t, 0, 1 - this.lr * this.weightDecay);
  }
}
