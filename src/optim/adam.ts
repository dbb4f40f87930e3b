import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkHyper, Optimizer } from './optimizer.js';

/** Settings of {@link Adam} (and {@link AdamW}). */
export interface AdamOptions {
  /** η; default 0.001. */
  lr?: number;
  /** β₁; default 0.9. */
  beta1?: number;
  /** β₂; default 0.999. */
  beta2?: number;
  /** ε; default 1e-8. */
  eps?: number;
  /** λ: for Adam an L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Adam as PyTorch's `torch.optim.Adam`, step t (per parameter):
 *
 *   g ← ∇w + λ·w                              (L2 weight decay, if λ ≠ 0)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − (η/(1 − β₁ᵗ)) · m / (√v/√(1 − β₂ᵗ) + ε)
 *
 * Note the bias corrections 1 − βᵗ, with t the step count of this parameter.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer {
  readonly name: 'adam' | 'adamw' = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(params: readonly Tensor[], options: AdamOptions = {}, defaultWeightDecay = 0) {
    super(params, options.lr ?? 0.001);
    this.beta1 = checkHyper('beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkHyper('beta2', options.beta2 ?? 0.999, 0, 1);
    this.eps = checkHyper('eps', options.eps ?? 1e-8, 0, Infinity);
    this.weightDecay = checkHyper('weightDecay', options.weightDecay ?? defaultWeightDecay, 0, Infinity, 'weight decay');
  }

  protected bufferNames(): string[] {
    return ['expAvg', 'expAvgSq'];
  }

  protected update(w: FloatArray, grad: FloatArray, buffers: Record<string, FloatArray>, t: number): void {
    this.adamStep(w, grad, buffers, t, this.weightDecay);
  }

  /** The Adam update with L2 penalty `l2` on the gradient (0 for AdamW, which decays w directly). */
  protected adamStep(w: FloatArray, grad: FloatArray, buffers: Record<string, FloatArray>, t: number, l2: number): void {
    const { lr, beta1: b1, beta2: b2, eps } = this;
    const m = buffers.expAvg!;
    const v = buffers.expAvgSq!;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    for (let i = 0; i < w.length; i++) {
      let g = grad[i]!;
      if (l2 !== 0) g = g + l2 * w[i]!;
      const mi = b1 * m[i]! + (1 - b1) * g;
      const vi = b2 * v[i]! + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! + (-stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }
}
