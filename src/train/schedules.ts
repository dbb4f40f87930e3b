import { BackpropError } from '../errors.js';
import type { EpochLogs, MetricName } from './history.js';
import { metricMode } from './history.js';

/**
 * A learning-rate schedule, applied by {@link fit} at the start of every epoch:
 * `optimizer.lr = schedule.rate(epoch, base, optimizer.lr)`, with `base` the optimizer's rate when
 * training began. Epochs are 1-based; the first epoch always trains at `base`.
 */
export interface LrSchedule {
  /** Short description, e.g. `step(every 10, ×0.5)`. */
  readonly description: string;
  /** The rate for `epoch`. */
  rate(epoch: number, base: number, current: number): number;
  /** Sees each epoch's metrics (reduce-on-plateau decides from them). */
  observe?(logs: EpochLogs, current: number): void;
  /** Mutable state, for checkpoints (stateless schedules omit it). */
  state?(): Record<string, number>;
  /** Restores what `state()` returned. */
  load?(state: Record<string, number>): void;
}

/**
 * PyTorch's StepLR stepped once per epoch: η_e = η₀·γ^⌊(e−1)/every⌋.
 *
 * @example
 * ```ts
 * stepSchedule(10, 0.5).rate(11, 0.1, 0.1);   // 0.05 (epochs 11–20 train at η₀/2)
 * ```
 */
export function stepSchedule(every: number, gamma = 0.1): LrSchedule {
  positiveInt(every, 'step schedule: every');
  positive(gamma, 'step schedule: gamma');
  return { description: `step(every ${every}, ×${gamma})`, rate: (e, base) => base * gamma ** Math.floor((e - 1) / every) };
}

/**
 * PyTorch's ExponentialLR: η_e = η₀·γ^(e−1).
 *
 * @example
 * ```ts
 * exponentialSchedule(0.9).rate(3, 0.1, 0.1);   // 0.081 = 0.1·0.9²
 * ```
 */
export function exponentialSchedule(gamma: number): LrSchedule {
  positive(gamma, 'exponential schedule: gamma');
  return { description: `exponential(×${gamma})`, rate: (e, base) => base * gamma ** (e - 1) };
}

/**
 * PyTorch's CosineAnnealingLR over `epochs`: η_e = η_min + (η₀ − η_min)·(1 + cos(π·(e−1)/epochs))/2.
 *
 * @example
 * ```ts
 * cosineSchedule(100).rate(51, 0.1, 0.1);   // 0.05, half-way down
 * ```
 */
export function cosineSchedule(epochs: number, minLr = 0): LrSchedule {
  positiveInt(epochs, 'cosine schedule: epochs');
  if (!(minLr >= 0)) throw new BackpropError('value', `cosine schedule: min lr must be ≥ 0, got ${minLr}`);
  return {
    description: `cosine(${epochs} epochs, min ${minLr})`,
    rate: (e, base) => minLr + ((base - minLr) * (1 + Math.cos((Math.PI * (e - 1)) / epochs))) / 2,
  };
}

/** Options of {@link plateauSchedule} (PyTorch's ReduceLROnPlateau defaults). */
export interface PlateauOptions {
  /** The metric watched; default `valLoss` (fit falls back to `loss` without validation data). */
  monitor?: MetricName;
  /** Multiply the rate by this when the metric stalls; default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated; default 10. */
  patience?: number;
  /** Relative improvement needed; default 1e-4. */
  threshold?: number;
  /** Epochs to wait after a reduction; default 0. */
  cooldown?: number;
  /** Lower bound of the rate; default 0. */
  minLr?: number;
}

/**
 * PyTorch's ReduceLROnPlateau (threshold mode `rel`): after each epoch, the monitored metric
 * improves when it beats best·(1 − threshold) (best·(1 + threshold) for accuracy-like metrics);
 * after more than `patience` epochs without improvement, η ← max(η·factor, minLr).
 *
 * @example
 * ```ts
 * await fit(model, train, { loss: 'mse', validation, schedule: plateauSchedule({ patience: 5, factor: 0.5 }) });
 * ```
 */
export function plateauSchedule(options: PlateauOptions = {}): LrSchedule & { monitor: MetricName } {
  const factor = options.factor ?? 0.1;
  const patience = options.patience ?? 10;
  const threshold = options.threshold ?? 1e-4;
  const cooldown = options.cooldown ?? 0;
  const minLr = options.minLr ?? 0;
  if (!(factor > 0 && factor < 1)) throw new BackpropError('value', `plateau schedule: factor must be in (0, 1), got ${factor}`);
  if (!(Number.isInteger(patience) && patience >= 0)) throw new BackpropError('value', `plateau schedule: patience must be an integer ≥ 0, got ${patience}`);
  let s = { best: NaN, bad: 0, cooldown: 0, lr: NaN };
  const schedule = {
    monitor: options.monitor ?? 'valLoss',
    description: '',
    rate: (_e: number, base: number) => (Number.isNaN(s.lr) ? base : s.lr),
    observe(logs: EpochLogs, current: number) {
      const v = logs[schedule.monitor];
      if (v === undefined) return;
      const max = metricMode(schedule.monitor) === 'max';
      const better = Number.isNaN(s.best) || (max ? v > s.best * (1 + threshold) : v < s.best * (1 - threshold));
      if (better) {
        s.best = v;
        s.bad = 0;
      } else s.bad++;
      if (s.cooldown > 0) {
        s.cooldown--;
        s.bad = 0;
      }
      s.lr = current;
      if (s.bad > patience) {
        const next = Math.max(current * factor, minLr);
        if (current - next > 1e-8) s.lr = next;
        s.cooldown = cooldown;
        s.bad = 0;
      }
    },
    state: () => ({ ...s }),
    load(state: Record<string, number>) {
      s = { best: num(state.best), bad: num(state.bad), cooldown: num(state.cooldown), lr: num(state.lr) };
    },
  };
  schedule.description = `plateau(${schedule.monitor}, patience ${patience}, ×${factor})`;
  return schedule;
}

/** The schedule specs the CLI accepts (see {@link parseSchedule}). */
export const SCHEDULE_SYNTAX = 'step:EVERY[:GAMMA] | exp:GAMMA | cosine[:MIN_LR] | plateau[:PATIENCE[:FACTOR]]';

/**
 * Reads a schedule written as on the command line: `step:10:0.5`, `exp:0.95`, `cosine`,
 * `cosine:1e-5`, `plateau`, `plateau:5:0.5`. `epochs` is the cosine period.
 *
 * @example
 * ```ts
 * parseSchedule('step:10:0.5', 100).rate(11, 0.1, 0.1); // 0.05
 * ```
 */
export function parseSchedule(spec: string, epochs: number): LrSchedule {
  const [kind, ...rest] = spec.split(':');
  const nums = rest.map((r) => (r.trim() === '' ? NaN : Number(r)));
  const bad = (why: string): never => {
    throw new BackpropError('argument', `--schedule ${JSON.stringify(spec)}: ${why}; expected ${SCHEDULE_SYNTAX}`);
  };
  if (nums.some((n) => !Number.isFinite(n))) bad('the parameters must be numbers');
  const at = (i: number, d?: number): number => nums[i] ?? d ?? bad(`missing parameter ${i + 1}`);
  const arity = (max: number): void => {
    if (nums.length > max) bad(`takes at most ${max} parameter${max === 1 ? '' : 's'}`);
  };
  try {
    switch (kind) {
      case 'step':
        arity(2);
        return stepSchedule(at(0), at(1, 0.1));
      case 'exp':
      case 'exponential':
        arity(1);
        return exponentialSchedule(at(0));
      case 'cosine':
        arity(1);
        return cosineSchedule(epochs, at(0, 0));
      case 'plateau':
        arity(2);
        return plateauSchedule({ patience: at(0, 10), factor: at(1, 0.1) });
      default:
        return bad('unknown kind');
    }
  } catch (e) {
    if (e instanceof BackpropError && e.code === 'value') bad(e.message);
    throw e;
  }
}

function positive(v: number, what: string): void {
  if (!(Number.isFinite(v) && v > 0)) throw new BackpropError('value', `${what} must be a number > 0, got ${v}`);
}

function positiveInt(v: number, what: string): void {
  if (!(Number.isInteger(v) && v >= 1)) throw new BackpropError('value', `${what} must be an integer ≥ 1, got ${v}`);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}
