import { BackpropError } from '../errors.js';
import { sumOfSquares } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The global gradient norm √(Σₚ ‖∇p‖²) over the parameters that have a gradient — in exact
 * arithmetic PyTorch's `clip_grad_norm_` norm (the 2-norm of the per-parameter 2-norms); here a
 * sum of squares in float64, in four interleaved partial sums per parameter (a WebAssembly SIMD
 * kernel for the fused path's float32 gradients, the same bits). Infinite or NaN when any gradient
 * entry is (or the squares overflow).
 *
 * @example
 * ```ts
 * sse(seedNetwork().forward(x), t).backward();   // the seed network and data
 * gradNorm(model.parameters());   // 0.21668305 = √(Σ over all 14 gradients of g²)
 * ```
 */
export function gradNorm(params: readonly Tensor[]): number {
  let total = 0;
  for (const p of params) {
    if (p.grad === null) continue;
    total += sumOfSquares(p.grad.data);
  }
  return Math.sqrt(total);
}

/**
 * Gradient clipping by global norm (PyTorch's `clip_grad_norm_`): when the norm N exceeds
 * `maxNorm`, every gradient is multiplied by maxNorm/(N + 1e-6). Returns N (before clipping).
 *
 * @example
 * ```ts
 * E.backward();
 * clipGradNorm(model.parameters(), 1);
 * optimizer.step();
 * ```
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, norm = gradNorm(params)): number {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) throw new BackpropError('value', `clipGradNorm: maxNorm must be a number > 0, got ${maxNorm}`);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const p of params) {
      if (p.grad === null) continue;
      const g = p.grad.data;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
    }
  }
  return norm;
}
