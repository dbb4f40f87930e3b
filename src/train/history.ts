import { historyBundle } from '../display/history.js';
import { JUPYTER_DISPLAY, type MediaBundle } from '../display/protocol.js';
import { BackpropError } from '../errors.js';
import { parseEpochHealth } from './health/json.js';
import type { EpochHealth } from './health/types.js';

/**
 * The numbers recorded at the end of one epoch. Training-set figures are measured on all training
 * rows with the weights at the end of the epoch; `val*` on the validation set, when there is one.
 * Classification data gives accuracy and macro-averaged precision/recall; regression data MSE and R².
 */
export interface EpochLogs {
  /** 1-based epoch number. */
  epoch: number;
  /** Loss on the training set (the model's loss convention). */
  loss: number;
  /** Mean of the batch losses during the epoch, weighted by batch rows (before each step). */
  batchLoss: number;
  /** Learning rate used in this epoch. */
  lr: number;
  /** Wall-clock seconds the epoch took (not part of the determinism guarantee). */
  seconds: number;
  accuracy?: number;
  precision?: number;
  recall?: number;
  mse?: number;
  r2?: number;
  valLoss?: number;
  valAccuracy?: number;
  valPrecision?: number;
  valRecall?: number;
  valMse?: number;
  valR2?: number;
  /** The training-health checks' last measurements of the epoch and their diagnoses (see `HealthMonitor`). */
  health?: EpochHealth;
}

/** The name of a number in {@link EpochLogs}. */
export type MetricName = Exclude<keyof EpochLogs, 'epoch' | 'health'>;

/** Every metric name, in display order. */
export const METRIC_NAMES: readonly MetricName[] = [
  'loss', 'batchLoss', 'accuracy', 'precision', 'recall', 'mse', 'r2',
  'valLoss', 'valAccuracy', 'valPrecision', 'valRecall', 'valMse', 'valR2', 'lr', 'seconds',
];

/**
 * Whether larger is better for a metric (accuracy, precision, recall, R²) or smaller (losses, MSE).
 *
 * @example
 * ```ts
 * metricMode('loss');          // 'min'
 * metricMode('valAccuracy');   // 'max'
 * ```
 */
export function metricMode(name: MetricName): 'min' | 'max' {
  return /accuracy|precision|recall|r2/i.test(name) ? 'max' : 'min';
}

/**
 * Every epoch's {@link EpochLogs}, in order — Keras's `History`, as plain serialisable data.
 *
 * @example
 * ```ts
 * const { history } = await fit(model, data, { loss: 'mse', epochs: 5 });
 * history.series('loss');          // [0.9, 0.5, …], one per epoch
 * history.best('valLoss');         // { epoch: 4, value: 0.31 }
 * ```
 */
export class History {
  readonly epochs: EpochLogs[];

  constructor(epochs: EpochLogs[] = []) {
    this.epochs = epochs;
  }

  /** Appends one epoch. */
  push(logs: EpochLogs): void {
    this.epochs.push(logs);
  }

  /** The number of epochs recorded. */
  get length(): number {
    return this.epochs.length;
  }

  /** The last epoch's logs, or undefined. */
  get last(): EpochLogs | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** A metric per epoch (NaN where an epoch did not record it). */
  series(name: MetricName): number[] {
    return this.epochs.map((e) => e[name] ?? NaN);
  }

  /** Whether any epoch recorded `name`. */
  has(name: MetricName): boolean {
    return this.epochs.some((e) => e[name] !== undefined);
  }

  /** The best epoch by a metric (lowest loss, highest accuracy …), or undefined when never recorded. */
  best(name: MetricName, mode = metricMode(name)): { epoch: number; value: number } | undefined {
    let best: { epoch: number; value: number } | undefined;
    for (const e of this.epochs) {
      const v = e[name];
      if (v === undefined || Number.isNaN(v)) continue;
      if (best === undefined || (mode === 'min' ? v < best.value : v > best.value)) best = { epoch: e.epoch, value: v };
    }
    return best;
  }

  /** How a notebook shows it: the loss and accuracy curves (`view` for options). */
  [JUPYTER_DISPLAY](): MediaBundle {
    return historyBundle(this);
  }

  /** Plain data for JSON (checkpoints, the playground's state); a `health` entry is shared, not copied. */
  toJSON(): EpochLogs[] {
    return this.epochs.map((e) => ({ ...e }));
  }

  /** Reads what {@link toJSON} wrote; errors name the entry. */
  static fromJSON(json: unknown, where = 'history'): History {
    if (!Array.isArray(json)) throw new BackpropError('value', `${where}: expected an array of epoch logs, got ${typeof json}`);
    const epochs = json.map((e: unknown, i) => {
      if (typeof e !== 'object' || e === null) throw new BackpropError('value', `${where}[${i}]: expected an object`);
      const rec = e as Record<string, unknown>;
      for (const [k, v] of Object.entries(rec)) {
        if (k === 'health') continue;
        if (k !== 'epoch' && !(METRIC_NAMES as readonly string[]).includes(k)) throw new BackpropError('value', `${where}[${i}].${k}: unknown metric`);
        if (typeof v !== 'number') throw new BackpropError('value', `${where}[${i}].${k}: expected a number, got ${JSON.stringify(v)}`);
      }
      if (!Number.isInteger(rec.epoch)) throw new BackpropError('value', `${where}[${i}].epoch: expected an integer`);
      const out = { ...rec } as unknown as EpochLogs;
      if (rec.health !== undefined) out.health = parseEpochHealth(rec.health, `${where}[${i}].health`);
      return out;
    });
    return new History(epochs);
  }
}
