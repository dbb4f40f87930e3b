import type { FloatArray } from '../tensor/dtype.js';

/** The two weight penalties. */
export type PenaltyName = 'l1' | 'l2';

/**
 * One penalty term of the training objective, E_total = E + λ₁·Σ|w| + (λ₂/2)·Σw² — its mathematics
 * once, as the losses' table holds theirs. Not a loss-table entry: a loss compares outputs with
 * targets (`lossAndGrad(y, t)`), a penalty reads only the weights, adds to any loss, and its
 * gradient goes straight to the weights (no δ flows back through the network).
 */
export interface PenaltySpec {
  readonly name: PenaltyName;
  /** The term, with λ, for a weight tensor w. */
  readonly formula: { readonly text: string; readonly tex: string };
  /** What it adds to ∂E/∂w. */
  readonly gradient: { readonly text: string; readonly tex: string };
  /** The term in PyTorch, for one weight tensor `w`. */
  readonly torch: string;
  /** Σ of the term over `w`, without λ: Σ|w| or ½·Σw². */
  value(w: ArrayLike<number>): number;
  /** g += λ·(its derivative at w), elementwise. */
  addGradient(w: ArrayLike<number>, g: FloatArray, lambda: number): void;
}

/**
 * L1 (lasso): λ₁·Σ|w|, gradient λ₁·sign(w) with sign(0) = 0 (PyTorch's `abs` backward). Pulls every
 * weight towards 0 by the same amount, so small ones reach 0 exactly.
 */
export const l1: PenaltySpec = {
  name: 'l1',
  formula: { text: 'λ₁·Σ|w|', tex: '\\lambda_1\\sum|w|' },
  gradient: { text: 'λ₁·sign(w)', tex: '\\lambda_1\\operatorname{sign}(w)' },
  torch: 'l1 * w.abs().sum()',
  value(w) {
    let s = 0;
    for (let i = 0; i < w.length; i++) s += Math.abs(w[i]!);
    return s;
  },
  addGradient(w, g, lambda) {
    for (let i = 0; i < w.length; i++) {
      const v = w[i]!;
      g[i]! += v > 0 ? lambda : v < 0 ? -lambda : 0;
    }
  },
};

/**
 * L2 (ridge): (λ₂/2)·Σw², gradient λ₂·w — the ½ so that the gradient is λ₂·w, the same term SGD's
 * weight decay adds. Unlike weight decay it is part of the loss: it shows in the loss, it flows
 * through Adam's moments like any gradient (AdamW's decay does not), and it spares biases.
 */
export const l2: PenaltySpec = {
  name: 'l2',
  formula: { text: '(λ₂/2)·Σw²', tex: '\\tfrac{\\lambda_2}{2}\\sum w^2' },
  gradient: { text: 'λ₂·w', tex: '\\lambda_2 w' },
  torch: 'l2 / 2 * (w * w).sum()',
  value(w) {
    let s = 0;
    for (let i = 0; i < w.length; i++) s += w[i]! * w[i]!;
    return s / 2;
  },
  addGradient(w, g, lambda) {
    for (let i = 0; i < w.length; i++) g[i]! += lambda * w[i]!;
  },
};

/** Both penalties, by name. */
export const PENALTY_TABLE: { readonly [K in PenaltyName]: PenaltySpec } = { l1, l2 };

/** Every penalty name, in documentation order. */
export const PENALTIES = Object.keys(PENALTY_TABLE) as readonly PenaltyName[];
