import { BackpropError } from '../errors.js';
import { noGrad } from '../autograd/node.js';
import { activate } from '../nn/activations.js';
import type { Sequential } from '../nn/sequential.js';
import { formatNumber } from '../tensor/format.js';
import { allFinite } from '../kernels/elementwise.js';

export { allFinite };
import type { Tensor } from '../tensor/tensor.js';
import type { History } from './history.js';

/** Where and why training produced NaN or ±Infinity (see {@link TrainingDivergedError}). */
export interface Diagnosis {
  epoch: number;
  batch: number;
  batches: number;
  /**
   * What went wrong: the batch loss, a gradient or the weights after a step turned non-finite, or
   * (`growth`) the epoch's loss grew by orders of magnitude over the starting loss (see divergence.ts).
   */
  what: 'loss' | 'gradient' | 'weights' | 'growth';
  /** The value seen (NaN, Infinity or -Infinity) — the loss or the gradient norm; for `growth` the epoch's loss. */
  value: number;
  /** For `growth`: the starting loss it grew from. */
  from?: number;
  /** The first layer (0-based) where it appeared, or null when no layer shows it. */
  layer: number | null;
  /** Where in that layer, e.g. `its weights`, `its net input z = x·Wᵀ + b`. */
  where: string;
  /** The likely cause, in words a learner can act on. */
  cause: string;
}

/**
 * Thrown by fit when the loss, a gradient or a weight becomes NaN or infinite. The model keeps the
 * last good weights (those before the failing step); `history` holds the epochs completed.
 *
 * @example
 * ```ts
 * try {
 *   await fit(model, data, { loss: 'mse', optimizer: new SGD(model.parameters(), { lr: 1e6 }) });
 * } catch (e) {
 *   if (e instanceof TrainingDivergedError) console.log(e.message, e.history.length);   // epoch, batch, layer, likely cause
 * }
 * ```
 */
export class TrainingDivergedError extends BackpropError {
  readonly diagnosis: Diagnosis;
  readonly history: History;
  constructor(diagnosis: Diagnosis, history: History) {
    super('numeric', describeDiagnosis(diagnosis));
    this.name = 'TrainingDivergedError';
    this.diagnosis = diagnosis;
    this.history = history;
  }
}

/**
 * The one-line message of a diagnosis.
 *
 * @example
 * ```ts
 * describeDiagnosis(error.diagnosis);   // the same one line as error.message
 * ```
 */
export function describeDiagnosis(d: Diagnosis): string {
  if (d.what === 'growth') {
    return `training stopped: ${d.where} by epoch ${d.epoch} — it diverges; likely cause: ${d.cause}; the model holds the weights of that epoch`;
  }
  const what = d.what === 'loss' ? 'the loss' : d.what === 'gradient' ? 'the gradient' : 'a weight';
  const layer = d.layer === null ? d.where : `layer ${d.layer} (${d.where})`;
  return (
    `training stopped: ${what} became ${formatNumber(d.value)} in epoch ${d.epoch}, batch ${d.batch} of ${d.batches}; ` +
    `it first appears in ${layer}; likely cause: ${d.cause}; the model keeps the last good weights (from before this batch)`
  );
}

/** Layer outputs beyond this size are reported as the place where the overflow started. */
const HUGE = 1e15;

/** The largest |v| of an array. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

/**
 * Where a non-finite batch loss first appears, walking the forward pass layer by layer (without
 * recording): the weights, the net input z = x·Wᵀ + b, or the activation's output. The model is
 * left as it was (batch norm's running statistics, dropout's generators): it is the last good one.
 */
export function locateForward(model: Sequential, x: Tensor): { layer: number | null; where: string } {
  return model.preservingState(() => noGrad(() => {
    let h = x;
    let huge: { layer: number; where: string } | null = null;
    for (let i = 0; i < model.layers.length; i++) {
      const l = model.layers[i]!;
      const desc = l.describe();
      if (!l.parameters().every((p) => allFinite(p.data))) return { layer: i, where: `${desc}: its weights` };
      const z = l.logits(h);
      const act = l.endsWith;
      if (!allFinite(z.data)) return { layer: i, where: `${desc}: its net input z${act !== null && act !== 'linear' ? ' (before the activation)' : ''}` };
      h = act === null ? z : activate(act, z);
      if (!allFinite(h.data)) return { layer: i, where: `${desc}: its output ${act}(z)` };
      const m = maxAbs(h.data);
      if (huge === null && m > HUGE) huge = { layer: i, where: `${desc}: its output grows to ${formatNumber(m, 3)}, and the loss overflows` };
    }
    return huge ?? { layer: null, where: 'the loss itself (every layer output is finite)' };
  }));
}

/** The first layer in the backward pass (the one nearest the output) with a non-finite gradient. */
export function locateGradient(model: Sequential): { layer: number | null; where: string } {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const l = model.layers[i]!;
    for (const [name, p] of l.namedParameters()) {
      if (p.grad !== null && !allFinite(p.grad.data)) return { layer: i, where: `${l.describe()}: ∂E/∂${name} (${p.name ?? name})` };
    }
  }
  return { layer: null, where: 'the gradient norm (the squares overflow, the entries are finite)' };
}

/** Facts the likely cause is judged from. */
export interface CauseEvidence {
  lr: number;
  /** Largest |x| in the training inputs. */
  inputMaxAbs: number;
  /** This epoch's batch losses so far (finite ones), oldest first. */
  recentLosses: readonly number[];
  /** Global gradient norms of recent steps, oldest first. */
  recentNorms: readonly number[];
  /** Whether gradients are clipped. */
  clipped: boolean;
}

/**
 * The likely cause of a divergence: unscaled inputs when they are large (|x| > 10), a learning rate
 * too high when the loss or the gradient norm was growing before it failed, otherwise both named
 * as candidates.
 */
export function likelyCause(e: CauseEvidence): string {
  const causes: string[] = [];
  if (e.inputMaxAbs > 10) {
    causes.push(`the inputs are not scaled (the largest |x| is ${formatNumber(e.inputMaxAbs, 4)}); standardise them (--scale standardize)`);
  }
  const first = e.recentLosses.find(Number.isFinite);
  const last = [...e.recentLosses].reverse().find(Number.isFinite);
  const normFirst = e.recentNorms[0];
  const normLast = e.recentNorms[e.recentNorms.length - 1];
  const lossGrew = first !== undefined && last !== undefined && last > 2 * first;
  const normGrew = normFirst !== undefined && normLast !== undefined && normLast > 10 * normFirst;
  const growth = lossGrew
    ? ` (the loss rose from ${formatNumber(first!, 4)} to ${formatNumber(last!, 4)} before it failed)`
    : normGrew
      ? ` (the gradient norm grew from ${formatNumber(normFirst!, 4)} to ${formatNumber(normLast!, 4)})`
      : '';
  if (lossGrew || normGrew || causes.length === 0) {
    causes.push(`the learning rate η = ${formatNumber(e.lr, 6)} is too high${growth}; lower it${e.clipped ? '' : ' or clip gradients (--clip-norm 1)'}`);
  }
  return causes.join('; or ');
}
