import { BackpropError } from '../errors.js';
import { add, mul } from '../autograd/ops/arith.js';
import { abs } from '../autograd/ops/unary.js';
import { sum } from '../autograd/ops/reduce.js';
import { PENALTIES, PENALTY_TABLE } from '../functions/penalties.js';
import { Tensor } from '../tensor/tensor.js';
import type { Sequential } from './sequential.js';

export { PENALTIES, PENALTY_TABLE, type PenaltyName, type PenaltySpec } from '../functions/penalties.js';

/**
 * Weight penalties added to the loss: E_total = E + l1·Σ|w| + (l2/2)·Σw² over the penalised
 * parameters — by default the weights of the dense layers only (biases and the normalisation
 * layers' γ and β are not shrunk, as is usual); `'all'` takes every parameter.
 */
export interface Penalty {
  /** λ₁ ≥ 0; default 0. */
  readonly l1?: number;
  /** λ₂ ≥ 0; default 0. */
  readonly l2?: number;
  /** Which parameters: `'weights'` (default) or `'all'`. */
  readonly include?: 'weights' | 'all';
}

/** Throws unless both λ are finite and ≥ 0; returns whether the penalty adds anything. */
export function checkPenalty(p: Penalty | undefined, where = 'penalty'): boolean {
  if (p === undefined) return false;
  for (const name of PENALTIES) {
    const v = p[name];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new BackpropError('value', `${where}: ${name} must be a number ≥ 0, got ${v}`);
  }
  if (p.include !== undefined && p.include !== 'weights' && p.include !== 'all') throw new BackpropError('value', `${where}: include must be "weights" or "all", got ${JSON.stringify(p.include)}`);
  return (p.l1 ?? 0) > 0 || (p.l2 ?? 0) > 0;
}

/** The parameters a penalty applies to (see {@link Penalty.include}). */
export function penalizedParameters(model: Sequential, p: Penalty): Tensor[] {
  return p.include === 'all' ? model.parameters() : model.layers.flatMap((l) => l.weightTensors());
}

/**
 * The penalty's value, and with `addGradients` its gradient added into every penalised
 * parameter's `.grad` — what the training loop does after any engine's backward pass, so the fused
 * engine and autograd get the same term. ∂/∂w = l1·sign(w) + l2·w.
 *
 * @example
 * ```ts
 * const weights = penalizedParameters(model, { l2: 1e-4 });
 * const E = engine.lossAndGrad(x, t) + applyPenalty(weights, { l2: 1e-4 }, true);
 * ```
 */
export function applyPenalty(params: readonly Tensor[], p: Penalty, addGradients: boolean): number {
  let total = 0;
  for (const w of params) {
    for (const name of PENALTIES) {
      const lambda = p[name] ?? 0;
      if (lambda === 0) continue;
      const spec = PENALTY_TABLE[name];
      total += lambda * spec.value(w.data);
      if (addGradients) {
        if (w.grad === null) w.grad = new Tensor(w.data.slice().fill(0), w.shape);
        spec.addGradient(w.data, w.grad.data, lambda);
      }
    }
  }
  return total;
}

/**
 * The penalty as a term of the graph, l1·Σ|w| + (l2/2)·Σw², for a loop of one's own
 * (`add(modelLoss(…), penaltyTerm(model, p)).backward()`) — and for the ledger, whose gradients
 * then come from the engine with the penalty inside.
 *
 * @example
 * ```ts
 * const E = add(modelLoss(model, 'mse', x, t), penaltyTerm(model, { l1: 1e-3 }));
 * E.backward();
 * ```
 */
export function penaltyTerm(model: Sequential, p: Penalty): Tensor {
  let total: Tensor | null = null;
  for (const w of penalizedParameters(model, p)) {
    const l1 = p.l1 ?? 0;
    const l2 = p.l2 ?? 0;
    if (l1 > 0) total = total === null ? mul(l1, sum(abs(w))) : add(total, mul(l1, sum(abs(w))));
    if (l2 > 0) total = total === null ? mul(l2 / 2, sum(mul(w, w))) : add(total, mul(l2 / 2, sum(mul(w, w))));
  }
  return total ?? new Tensor(new Float64Array(1), []);
}
