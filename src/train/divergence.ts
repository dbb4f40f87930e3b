import { formatNumber } from '../tensor/format.js';
import type { Callback, TrainContext } from './callbacks.js';
import { likelyCause, TrainingDivergedError } from './diagnose.js';
import { History, type EpochLogs } from './history.js';

/** Options of {@link DivergenceCheck}. */
export interface DivergenceOptions {
  /** How many times the starting loss counts as divergence (default 1000: three orders of magnitude). */
  factor?: number;
}

/** What {@link DivergenceCheck.check} found: a loss that is no longer finite, or one that grew `ratio` times. */
export type Divergence =
  | { kind: 'non-finite'; loss: number }
  | { kind: 'growth'; from: number; to: number; ratio: number };

/**
 * Tells a training run that diverges from one that learns, from its losses alone: the loss is no
 * longer finite, or it has grown to `factor` (default 1000) times the loss it started from. A
 * learning rate too high sends the loss up by orders of magnitude within an epoch (Iris with
 * η = 10¹⁰: from 1.1 to 5·10⁹) while every number stays finite — an accuracy of 33 % and no
 * word, without this check. Shared by {@link fit} (see {@link divergenceCallback}) and the
 * playground's worker.
 *
 * The starting loss should be measured on all training rows before the first step (one batch can
 * be far below the mean); resuming, the smallest of that and the first recorded epoch's loss.
 *
 * @example
 * ```ts
 * const check = new DivergenceCheck();
 * check.start(1.0986);
 * check.check(0.7);      // null
 * check.check(5.2e9);    // { kind: 'growth', from: 1.0986, to: 5.2e9, ratio: 4.7e9 }
 * ```
 */
export class DivergenceCheck {
  readonly factor: number;
  /** The loss training started from (null before {@link start}). */
  reference: number | null = null;

  constructor(options: DivergenceOptions = {}) {
    this.factor = options.factor ?? 1000;
  }

  /** Records a starting loss (the smallest one given counts). */
  start(loss: number): void {
    if (Number.isFinite(loss) && loss > 0 && (this.reference === null || loss < this.reference)) this.reference = loss;
  }

  /** Null while training looks sound, else what is wrong with `loss`. */
  check(loss: number): Divergence | null {
    if (!Number.isFinite(loss)) return { kind: 'non-finite', loss };
    const from = this.reference;
    if (from === null || !(loss > this.factor * from)) return null;
    return { kind: 'growth', from, to: loss, ratio: loss / from };
  }
}

/**
 * The words of a divergence, for messages.
 *
 * @example
 * ```ts
 * describeDivergence({ kind: 'growth', from: 1.0986, to: 5.2e9, ratio: 4.7e9 });   // 'the loss grew from 1.0986 to 5.2e+9 (×4.7e+9)'
 * ```
 */
export function describeDivergence(d: Divergence): string {
  return d.kind === 'non-finite'
    ? `the loss became ${formatNumber(d.loss)}`
    : `the loss grew from ${formatNumber(d.from, 5)} to ${formatNumber(d.to, 5)} (×${formatNumber(d.ratio, 2)})`;
}

/**
 * The divergence check as a fit {@link Callback}: `initialLoss()` is measured when training
 * begins, and each epoch's loss is checked at its end; a loss grown `factor` times throws
 * {@link TrainingDivergedError} (what: `'growth'`) naming both losses and the likely cause, before
 * the later callbacks (checkpoints) record that epoch. fit adds it unless `divergence: false`.
 *
 * @param initialLoss the loss of the model on all training rows, before the first step.
 * @param evidence the largest |x| of the inputs and whether gradients are clipped (for the cause), asked when needed.
 * @example
 * ```ts
 * const cb = divergenceCallback(() => evaluate(model, 'mse', data).loss, () => ({ inputMaxAbs: 1, clipped: false }));
 * ```
 */
export function divergenceCallback(initialLoss: () => number, evidence: () => { inputMaxAbs: number; clipped: boolean }, options: DivergenceOptions = {}): Callback {
  const check = new DivergenceCheck(options);
  return {
    onTrainBegin(ctx: TrainContext) {
      check.start(initialLoss());
      const first = ctx.history.epochs[0];
      if (first) check.start(first.loss);
    },
    onEpochEnd(logs: EpochLogs, ctx: TrainContext) {
      const d = check.check(logs.loss);
      if (d === null || d.kind !== 'growth') return;
      const { inputMaxAbs, clipped } = evidence();
      const cause = likelyCause({ lr: ctx.optimizer.lr, inputMaxAbs, recentLosses: [], recentNorms: [], clipped });
      // NOTE: the history given back ends before this epoch: it is the last one worth keeping (and checkpointing).
      const kept = new History(ctx.history.epochs.filter((e) => e.epoch < logs.epoch));
      throw new TrainingDivergedError({ epoch: logs.epoch, batch: ctx.batches, batches: ctx.batches, what: 'growth', value: d.to, from: d.from, layer: null, where: describeDivergence(d), cause }, kept);
    },
  };
}
