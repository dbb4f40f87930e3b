import { gatherRows, seedStream, Tensor, Trainer, type BatchLogs, type Optimizer, type OptimizerState, type TrainerPosition } from 'backprop';
import type { PlayData } from './data.js';
import { buildModel, buildOptimizer, lossPoint, penaltyOf, readLayerState, readWeights, type PlayModel } from './net.js';
import type { HistoryPoint, LayerState, LayerWeights, Settings } from './state.js';

/**
 * The playground's training run: the network, its optimizer and the library's {@link Trainer},
 * set up as `backprop train` sets them up for the same settings (batch size, and the shuffling
 * from the library's seed stream 0), so the page, its worker and the command line follow one
 * trajectory — batch norm, dropout (its masks from the layers' own generators) and the L1/L2
 * penalty included. A run restarted from a snapshot (weights, the other layers' numbers, optimizer
 * state, step — what a link carries) takes the rows an uninterrupted run takes: put in place by the Trainer's position
 * (`Trainer.seek`, one permutation) or, without one, by replaying the epochs (`Trainer.skipTo`).
 *
 * The page steps it by hand (Forward shows the rows of {@link TrainingRun.nextBatch}, Update
 * is {@link TrainingRun.step}); the worker calls `step()` in a loop. A step that makes the loss,
 * a gradient or a weight NaN or infinite throws the library's `TrainingDivergedError` and keeps
 * the last good weights.
 *
 * @example
 * ```ts
 * const run = new TrainingRun(settings, buildData(settings, null), null, null, 0);
 * for (let i = 0; i < 50; i++) run.step();   // the weights of `backprop train … --epochs 2` (250 rows, batch 10)
 * ```
 */
export class TrainingRun {
  readonly model: PlayModel;
  optimizer!: Optimizer;
  trainer!: Trainer;

  /**
   * A run on `data` from `weights` and the other layers' numbers `layers` (fresh ones when null),
   * continuing at `step` with the optimizer `state` and, when known, the trainer's `position` there.
   */
  constructor(settings: Settings, readonly data: PlayData, weights: LayerWeights[] | null, state: OptimizerState | null, step: number, position: TrainerPosition | null = null, layers: LayerState | null = null) {
    this.model = buildModel(settings, data, weights, layers);
    this.retrain(settings, state, step, position);
  }

  /**
   * A new optimizer and trainer over the same network, for changed training settings (learning
   * rate, optimizer, batch size, weight decay, penalty) or after the worker trained it: positioned at `step` (by
   * `position` when it is that step's, else by replaying the epochs), with the optimizer's buffers
   * from `state` when they fit.
   */
  retrain(settings: Settings, state: OptimizerState | null, step: number, position: TrainerPosition | null = null): void {
    this.optimizer = buildOptimizer(settings, this.model, state);
    const penalty = penaltyOf(settings);
    this.trainer = new Trainer(this.model, this.data.train, { loss: this.data.loss, optimizer: this.optimizer, batchSize: settings.batch, rng: seedStream(settings.seed, 0), ...(penalty && { penalty }) });
    place(this.trainer, settings, step, position);
  }

  /** Steps taken (one step = one mini-batch). */
  get steps(): number {
    return this.trainer.steps;
  }

  /** One training step on the next mini-batch (the library's `Trainer.step`). */
  step(): BatchLogs {
    return this.trainer.step();
  }

  /** The rows (x, t) the next {@link TrainingRun.step} trains on. */
  nextBatch(): { x: Tensor; t: Tensor } {
    const rows = this.trainer.nextRows();
    const { x, y, rows: n, inputSize, outputSize } = this.data.train;
    return { x: gatherRows(new Tensor(x, [n, inputSize]), rows), t: gatherRows(new Tensor(y, [n, outputSize]), rows) };
  }

  /** The loss over the whole training and test sets now. */
  point(): HistoryPoint {
    return lossPoint(this.model, this.data, this.steps);
  }

  /** Weights, the other layers' numbers, optimizer state, step and the trainer's position: what the page keeps and a link carries. */
  snapshot(): { weights: LayerWeights[]; layers: LayerState | null; optimizer: OptimizerState; step: number; position: TrainerPosition } {
    return { weights: readWeights(this.model), layers: readLayerState(this.model), optimizer: this.optimizer.stateDict(), step: this.steps, position: this.trainer.position() };
  }
}

/** Permutations drawn at most (× rows) to replay the epochs before a step: about a second in a browser. */
const MAX_REPLAY = 2e7;

/**
 * Puts a fresh trainer at `step`: at `position` when it is that step's and well formed (one
 * permutation); else by replaying every epoch's permutation (`skipTo`) — unless that would take
 * more than about a second (a link without a position, made long into a run, or a hostile one):
 * then the rows from that epoch on are shuffled by a fresh stream.
 */
function place(trainer: Trainer, settings: Settings, step: number, position: TrainerPosition | null): void {
  const epoch = step === 0 ? 0 : Math.ceil(step / trainer.batches);
  const batch = step - Math.max(0, epoch - 1) * trainer.batches;
  const words = position?.rng;
  const wellFormed = Array.isArray(words) && words.length === 4 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) && words.some((w) => w !== 0);
  if (position !== null && wellFormed && position.epoch === epoch && position.batch === batch) trainer.seek(position);
  else if (epoch * trainer.rows > MAX_REPLAY) trainer.seek({ epoch, batch, rng: seedStream(settings.seed, 0).getState() });
  else trainer.skipTo(step);
}
