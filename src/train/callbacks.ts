import type { Sequential } from '../nn/sequential.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Metrics } from './metrics.js';
import type { EpochLogs, History } from './history.js';
import type { TrainingState } from './state.js';
import type { Trainer } from './trainer.js';

/** What a callback sees after each optimizer step. */
export interface BatchLogs {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  /** Batches in an epoch. */
  batches: number;
  /** Rows in this batch. */
  rows: number;
  /** This batch's loss, before its step. */
  loss: number;
  /** Row-weighted mean of the batch losses so far in this epoch. */
  meanLoss: number;
  /** Running accuracy over this epoch's batches so far (classification, when the engine keeps logits). */
  accuracy?: number;
  /** Global gradient norm before clipping (√Σ‖g‖²). */
  gradNorm: number;
  /** Learning rate of this step. */
  lr: number;
}

/** The training run as callbacks see it; `stop()` ends training after the current batch. */
export interface TrainContext {
  readonly model: Sequential;
  readonly optimizer: Optimizer;
  readonly history: History;
  /** The {@link Trainer} taking the steps: its data, its loss, and `lastTrace()` (the last step's z, a and δ per layer). */
  readonly trainer: Trainer;
  /** Total epochs planned. */
  readonly epochs: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** Training rows. */
  readonly rows: number;
  /** Epochs already done when this call to fit began (non-zero after a resume). */
  readonly initialEpoch: number;
  /** Asks the loop to stop after the current batch; the reason is reported in the result. */
  stop(reason: string): void;
  /** The reason given to {@link stop}, or null while training goes on. */
  readonly stopReason: string | null;
  /** Everything needed to continue exactly from here (for checkpoints); valid at epoch ends. */
  state(): TrainingState;
}

/** The outcome of {@link fit}. */
export interface FitResult {
  history: History;
  /** Epochs completed in total (including those before a resume). */
  epochs: number;
  /** `completed`, or why training ended early (early stopping, a callback's reason). */
  stopReason: string;
  /** The epoch whose weights the model holds (differs from `epochs` after restoring the best). */
  weightsFromEpoch: number;
  /** Metrics with the final weights. */
  train: Metrics;
  validation?: Metrics;
}

/**
 * Hooks into {@link fit}, as Keras callbacks. Each may return a promise (awaited), e.g. to let a
 * browser repaint. Callbacks run in the order given; the built-in early stopping runs first.
 *
 * @example
 * ```ts
 * const stopAt90: Callback = { onEpochEnd: (logs, ctx) => { if ((logs.valAccuracy ?? 0) >= 0.9) ctx.stop('reached 90 %') } };
 * ```
 */
export interface Callback {
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainContext): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, ctx: TrainContext): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, ctx: TrainContext): void | Promise<void>;
  onTrainEnd?(result: FitResult, ctx: TrainContext): void | Promise<void>;
}
