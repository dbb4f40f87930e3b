import { INLINE_PARAMETERS } from '../nn/size.js';
import { BackpropError } from '../errors.js';
import type { Sequential } from '../nn/sequential.js';
import type { Callback, TrainContext } from './callbacks.js';
import { metricMode, type EpochLogs, type MetricName } from './history.js';
import type { EarlyStoppingState } from './state.js';

/** Options of {@link EarlyStopping} (Keras's defaults where it has them). */
export interface EarlyStoppingOptions {
  /** The metric watched; default `valLoss` when there is validation data, else `loss`. */
  monitor?: MetricName;
  /** Epochs without improvement before stopping; default 10. */
  patience?: number;
  /** The least change that counts as an improvement; default 0. */
  minDelta?: number;
  /** Put the best epoch's weights back when training ends; default true. */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when the monitored metric has not improved (by more than `minDelta`) for
 * `patience` epochs, and — with `restoreBestWeights` — leaves the model with the weights of the best
 * epoch when training ends, however it ends. Its state travels in checkpoints.
 *
 * @example
 * ```ts
 * await fit(model, train, { loss, validation, callbacks: [new EarlyStopping({ patience: 5 })] });
 * ```
 */
export class EarlyStopping implements Callback {
  monitor: MetricName | undefined;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  best: number | null = null;
  bestEpoch = 0;
  wait = 0;
  private weights: Float64Array[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor;
    this.patience = options.patience ?? 10;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.restoreBestWeights = options.restoreBestWeights ?? true;
    if (!(Number.isInteger(this.patience) && this.patience >= 1)) {
      throw new BackpropError('value', `EarlyStopping: patience must be an integer ≥ 1, got ${options.patience}`);
    }
  }

  /** Picks the default metric from the data at hand (fit calls this). */
  resolveMonitor(hasValidation: boolean): MetricName {
    this.monitor ??= hasValidation ? 'valLoss' : 'loss';
    return this.monitor;
  }

  onEpochEnd(logs: EpochLogs, ctx: TrainContext): void {
    const name = this.monitor ?? 'loss';
    const v = logs[name];
    if (v === undefined) throw new BackpropError('value', `EarlyStopping: the metric ${name} is not recorded (recorded: ${Object.keys(logs).join(', ')})`);
    const max = metricMode(name) === 'max';
    const improved = this.best === null || (max ? v > this.best + this.minDelta : v < this.best - this.minDelta);
    if (improved) {
      this.best = v;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.weights = ctx.model.stateDict().map(([, p]) => Float64Array.from(p.data));
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      ctx.stop(`early stopping: ${name} did not improve for ${this.patience} epochs (best ${this.best} in epoch ${this.bestEpoch})`);
    }
  }

  /** Puts the best weights back; returns the epoch they are from (0 when nothing was restored). */
  restore(model: Sequential): number {
    if (!this.restoreBestWeights || this.weights === null) return 0;
    model.stateDict().forEach(([, p], i) => p.data.set(this.weights![i]!));
    return this.bestEpoch;
  }

  /** For checkpoints. */
  state(): EarlyStoppingState {
    let total = 0;
    for (const w of this.weights ?? []) total += w.length;
    const copy = (w: Float64Array): number[] | Float64Array => (total > INLINE_PARAMETERS ? w.slice() : Array.from(w));
    return { monitor: this.monitor ?? 'loss', best: this.best, bestEpoch: this.bestEpoch, wait: this.wait, weights: this.weights ? this.weights.map(copy) : null };
  }

  /** Restores what `state()` returned. */
  load(state: EarlyStoppingState): void {
    this.monitor = state.monitor as MetricName;
    this.best = state.best;
    this.bestEpoch = state.bestEpoch;
    this.wait = state.wait;
    this.weights = state.weights ? state.weights.map((w) => Float64Array.from(w)) : null;
  }
}
