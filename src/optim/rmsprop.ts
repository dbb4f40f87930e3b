import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkHyper, Optimizer } from './optimizer.js';

/** Settings of {@link RMSprop}. */
export interface RMSpropOptions {
  /** η; default 0.01. */
  lr?: number;
  /** α, decay of the squared-gradient average; default 0.99. */
  alpha?: number;
  /** ε added to the root; default 1e-8. */
  eps?: number;
  /** μ; default 0. */
  momentum?: number;
  /** Divide by the variance estimate instead of the raw second moment; default false. */
  centered?: boolean;
  /** λ, L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
}

/**
 * RMSprop as PyTorch's `torch.optim.RMSprop`:
 *
 *   g ← ∇w + λ·w
 *   v ← α·v + (1 − α)·g²
 *   centered: ḡ ← α·ḡ + (1 − α)·g,  d ← √(v − ḡ²) + ε;  otherwise d ← √v + ε
 *   μ > 0: b ← μ·b + g/d,  w ← w − η·b;  otherwise w ← w − η·g/d
 *
 * @example
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 0.01 });
 * ```
 */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop' as const;
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;

  constructor(params: readonly Tensor[], options: RMSpropOptions = {}) {
    super(params, options.lr ?? 0.01);
    this.alpha = checkHyper('alpha', options.alpha ?? 0.99, 0, 1);
    this.eps = checkHyper('eps', options.eps ?? 1e-8, 0, Infinity);
    this.momentum = checkHyper('momentum', options.momentum ?? 0, 0, Infinity);
    this.weightDecay = checkHyper('weightDecay', options.weightDecay ?? 0, 0, Infinity, 'weight decay');
    this.centered = options.centered ?? false;
  }

  protected bufferNames(): string[] {
    const names = ['squareAvg'];
    if (this.centered) names.push('gradAvg');
    if (this.momentum > 0) names.push('momentum');
    return names;
  }

  protected update(w: FloatArray, grad: FloatArray, buffers: Record<string, FloatArray>): void {
    const { lr, alpha, eps, momentum: mu, weightDecay: wd, centered } = this;
    const sq = buffers.squareAvg!;
    const ga = buffers.gradAvg;
    const buf = buffers.momentum;
    for (let i = 0; i < w.length; i++) {
      let g = grad[i]!;
      if (wd !== 0) g = g + wd * w[i]!;
      const v = alpha * sq[i]! + (1 - alpha) * g * g;
      sq[i] = v;
      let d: number;
      if (centered) {
        const m = alpha * ga![i]! + (1 - alpha) * g;
        ga![i] = m;
        d = Math.sqrt(v - m * m) + eps;
      } else d = Math.sqrt(v) + eps;
      if (buf !== undefined) {
        const b = mu * buf[i]! + g / d;
        buf[i] = b;
        w[i] = w[i]! + -lr * b;
      } else w[i] = w[i]! + (-lr * g) / d;
    }
  }
}
