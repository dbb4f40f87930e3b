import type { PlayData } from './data.js';
import { evaluate } from './net.js';
import { forwardTrace, gradNorm, HealthMonitor, type BatchLogs, type Dataset, type EpochLogs, type HealthCheck, type HealthDiagnosis, type LossName, type Sequential, type StepTrace, type Tensor, type Dense } from 'backprop';

/** What the health panel draws: the latest check (histograms included) and the diagnoses, most likely first. Plain data: it crosses from the worker. */
export interface HealthView {
  check: HealthCheck;
  diagnoses: HealthDiagnosis[];
}

/** Histogram bins of the panel. */
const BINS = 16;
/** Steps between the worker's checks (also at every epoch's end); steps made by hand are each checked. */
export const PLAY_CHECK_EVERY = 25;

/**
 * The training-health checks of a playground run: the library's {@link HealthMonitor} fed after
 * every step and checking every `every` steps and at each epoch's end, with every check's histograms
 * (the panel draws them live), and at every epoch's end the epoch's training and test loss (for
 * overfitting and underfitting).
 *
 * @example
 * ```ts
 * const health = new PlayHealth(model, train, 'bce', batches, PLAY_CHECK_EVERY);
 * health.after({ model, steps, lastTrace }, logs);   // after each step
 * post({ …, health: health.view() });
 * ```
 */
export class PlayHealth {
  readonly monitor: HealthMonitor;
  private readonly epochs: EpochLogs[] = [];

  constructor(model: Sequential, train: Dataset, loss: LossName, batches: number, every = 1) {
    // NOTE: a check (a forward pass on 256 rows, histograms) costs as much as a few steps of these
    // small networks: at the library's ten an epoch (every 3rd step of a 2-D set) Play ran at half
    // speed (the spiral preset: 2,000 steps 1.2 s → 2.6 s in Node); once per 25 steps, +25 %.
    this.monitor = new HealthMonitor({ bins: BINS, onCheck: () => undefined, every });
    this.monitor.begin({ model, data: train, loss, batches });
  }

  /** After a step: counts it, checks when due. */
  after(step: { model: Sequential; steps: number; lastTrace(): StepTrace | null }, logs: BatchLogs): void {
    this.monitor.afterStep(step, logs);
  }

  /** At an epoch's end, with the losses over the whole training and test sets. */
  endEpoch(epoch: number, train: number, test: number, lr: number): void {
    const logs: EpochLogs = { epoch, loss: train, batchLoss: train, lr, seconds: 0, ...(Number.isFinite(test) && { valLoss: test }) };
    this.epochs.push(logs);
    if (this.epochs.length > 400) this.epochs.splice(0, this.epochs.length - 400);
    this.monitor.endEpoch(logs, this.epochs);
  }

  /** The panel's data, or null before the first check. */
  view(): HealthView | null {
    const check = this.monitor.latest;
    return check === null ? null : { check, diagnoses: this.monitor.report() };
  }
}

/**
 * A step as the monitor reads it, for a loop that trains with `modelLoss` (no engine trace kept):
 * the layers' values come from a forward pass on the step's rows, made only when a check asks.
 */
export function stepSource(model: Sequential, steps: number, x: () => Tensor): { model: Sequential; steps: number; lastTrace(): StepTrace } {
  return {
    model,
    steps,
    lastTrace: () => forwardTrace(model, x()).map((l) => ({ index: l.index, z: l.values.z ?? l.output, a: l.output, delta: null })),
  };
}

/** Steps in an epoch of the playground's batching. */
export function batchesOf(data: PlayData, batch: number): number {
  return Math.ceil(data.nTrain / Math.max(1, Math.min(batch, data.nTrain)));
}

/**
 * Feeds step `done` (counted from 0; `x` its rows, `loss` its cost before the update) to `health`,
 * and at an epoch's end the losses over the whole training and test sets.
 */
export function feedStep(health: PlayHealth, model: Sequential<Dense>, data: PlayData, batch: number, lr: number, done: number, loss: number, x: () => Tensor): void {
  const batches = batchesOf(data, batch);
  health.after(stepSource(model, done + 1, x), stepLogs(model, done, loss, Math.min(batch, data.nTrain), batches, lr));
  if ((done + 1) % batches === 0) {
    const e = evaluate(model, data);
    health.endEpoch((done + 1) / batches, e.train, e.test, lr);
  }
}

/** The playground's training rows as the library's Dataset (for the chance level and the input scale). */
export function playTrain(data: PlayData): Dataset {
  return {
    x: data.xTrain, y: data.tTrain, rows: data.nTrain, inputSize: data.inputs, outputSize: data.outputs,
    task: data.classes > 0 ? 'classification' : 'regression',
    ...(data.classes > 0 && data.labelsTrain && { labels: data.labelsTrain, classNames: Array.from({ length: data.classes }, (_, k) => String(k)) }),
    featureNames: data.featureNames,
  };
}

/** The logs of a playground step (`step` counted from 0) as the library's Trainer writes them. */
export function stepLogs(model: Sequential, step: number, loss: number, rows: number, batches: number, lr: number): BatchLogs {
  return { epoch: Math.floor(step / batches) + 1, batch: (step % batches) + 1, batches, rows, loss, meanLoss: loss, gradNorm: gradNorm(model.parameters()), lr };
}
