import { HealthMonitor, type BatchLogs, type EpochLogs, type HealthCheck, type HealthDiagnosis } from 'backprop';
import type { TrainingRun } from './run.js';

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
 * const health = new PlayHealth(run, PLAY_CHECK_EVERY);
 * health.afterStep(run, run.step());   // after each step
 * post({ …, health: health.view() });
 * ```
 */
export class PlayHealth {
  readonly monitor: HealthMonitor;
  private readonly epochs: EpochLogs[] = [];

  /** Checks for `run`'s network, data and loss, every `every` steps. */
  constructor(run: TrainingRun, every = 1) {
    // NOTE: a check (a forward pass on 256 rows, histograms) costs as much as a few steps of these
    // small networks: at the library's ten an epoch (every 3rd step of a 2-D set) Play ran at half
    // speed (the spiral preset: 2,000 steps 1.2 s → 2.6 s in Node); once per 25 steps, +25 %.
    this.monitor = new HealthMonitor({ bins: BINS, onCheck: () => undefined, every });
    this.monitor.begin({ model: run.model, data: run.data.train, loss: run.data.loss, batches: run.trainer.batches });
  }

  /**
   * After a step of `run` (`logs` what it returned): the check when due — it reads the step the
   * Trainer computed (`lastTrace()`, the gradients) — and at an epoch's end the losses over the
   * whole training and test sets.
   */
  afterStep(run: TrainingRun, logs: BatchLogs): void {
    this.monitor.afterStep(run.trainer, logs);
    if (logs.batch === logs.batches) {
      const p = run.point();
      this.endEpoch(logs.epoch, p.train, p.test, logs.lr);
    }
  }

  /** At an epoch's end, with the losses over the whole training and test sets. */
  private endEpoch(epoch: number, train: number, test: number, lr: number): void {
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
