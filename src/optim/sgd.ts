import { BackpropError } from '../errors.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkHyper, Optimizer } from './optimizer.js';

/** Settings of {@link SGD}. */
export interface SGDOptions {
  /** η; default 0.01. */
  lr?: number;
  /** μ; default 0 (plain gradient descent). */
  momentum?: number;
  /** τ; default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov?: boolean;
  /** λ, L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay —
 * PyTorch's `torch.optim.SGD` update, step t:
 *
 *   g ← ∇w + λ·w
 *   b ← g (t = 1),  b ← μ·b + (1 − τ)·g (t > 1)        (if μ ≠ 0)
 *   g ← g + μ·b (Nesterov)  or  g ← b
 *   w ← w − η·g
 *
 * With μ = 0 it is the seed notebook's w ← w − η·∂E/∂w.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.5 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer {
  readonly name = 'sgd' as const;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: readonly Tensor[], options: SGDOptions = {}) {
    super(params, options.lr ?? 0.01);
    this.momentum = checkHyper('momentum', options.momentum ?? 0, 0, Infinity);
    this.dampening = checkHyper('dampening', options.dampening ?? 0, 0, Infinity);
    this.weightDecay = checkHyper('weightDecay', options.weightDecay ?? 0, 0, Infinity, 'weight decay');
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new BackpropError('value', 'optimizer: Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  protected bufferNames(): string[] {
    return this.momentum !== 0 ? ['momentum'] : [];
  }

  protected update(w: FloatArray, grad: FloatArray, buffers: Record<string, FloatArray>, t: number): void {
    const { lr, momentum: mu, dampening, nesterov, weightDecay: wd } = this;
    const buf = buffers.momentum;
    const first = t === 1;
    for (let i = 0; i < w.length; i++) {
      let g = grad[i]!;
      if (wd !== 0) g = g + wd * w[i]!;
      if (buf !== undefined) {
        const b = first ? g : mu * buf[i]! + (1 - dampening) * g;
        buf[i] = b;
        g = nesterov ? g + mu * b : b;
      }
      w[i] = w[i]! + -lr * g;
    }
  }
}
