import { BackpropError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { validateForModel } from '../data/validate.js';
import { fusedEngine } from '../fused/engine.js';
import { initKernels } from '../kernels/kernel-state.js';
import { MATMUL_THRESHOLDS } from '../kernels/matmul.js';
import { loadWasmKernels } from '../kernels/wasm-loader.js';
import type { LossName } from '../nn/losses.js';
import { applyPenalty, checkPenalty, penalizedParameters, type Penalty } from '../nn/penalty.js';
import type { Sequential } from '../nn/sequential.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { BatchLogs } from './callbacks.js';
import { BatchMetrics } from './batch-metrics.js';
import { clipGradNorm } from './clip.js';
import { likelyCause, locateForward, locateGradient, maxAbs, TrainingDivergedError, type Diagnosis } from './diagnose.js';
import { autogradEngine, type EngineFactory, type GradientEngine, type StepTrace } from './engine.js';
import { History } from './history.js';
import { BatchFeed, WeightBackup } from './fit-step.js';
import type { EpochLogs } from './history.js';
import { toTensorData, type TensorData } from './metrics.js';
import type { LrSchedule } from './schedules.js';

/** Options of a {@link Trainer}. Only `loss` is required. */
export interface TrainerOptions {
  /** The loss convention (as in the model file). */
  loss: LossName;
  /** The optimizer over `model.parameters()`; default Adam with η = 0.001. */
  optimizer?: Optimizer;
  /** Rows per step, the last batch of an epoch possibly smaller; default 32. */
  batchSize?: number;
  /** Shuffle the rows every epoch with `rng` (default true); false takes them in order. */
  shuffle?: boolean;
  /** The shuffling generator; default `new Rng(0)`. Its state is part of a checkpoint. */
  rng?: Rng;
  /** Learning-rate schedule, applied at the start of each epoch. */
  schedule?: LrSchedule;
  /** Clip the global gradient norm to this before each step. */
  clipNorm?: number;
  /**
   * L1/L2 penalties added to the loss, E + l1·Σ|w| + (l2/2)·Σw² over the dense weights (see
   * {@link Penalty}); the batch losses include them, the measurements (`evaluate`) do not.
   */
  penalty?: Penalty;
  /**
   * How gradients are computed: an engine or a factory (see engine.ts). Default: the fused
   * dense-stack engine (no graph; the same numbers bit for bit) where the model allows it, else autograd.
   */
  engine?: GradientEngine | EngineFactory;
}

/**
 * A trainer's place in its run, small and exact: the epoch and batch, and the shuffling
 * generator's state before that epoch's permutation. What a page or a link keeps to continue a
 * run exactly there in O(rows) ({@link Trainer.seek}) instead of replaying every epoch's
 * permutation ({@link Trainer.skipTo}).
 */
export interface TrainerPosition {
  /** The epoch in progress or just finished (0 before the first step). */
  epoch: number;
  /** Batches taken in that epoch. */
  batch: number;
  /** The shuffling generator's state before that epoch's permutation (now, at epoch 0); null without shuffling. */
  rng: [number, number, number, number] | null;
}

/**
 * One training run's steps, one at a time: `step()` takes the next mini-batch of the epoch (rows
 * in a fresh seeded permutation each epoch, or in order), computes the loss and every gradient,
 * checks that they are finite, clips, and lets the optimizer update the weights — and returns the
 * batch's logs. {@link fit} is the loop around it (epochs, measurements, callbacks, checkpoints);
 * the playground calls `step()` directly, so both follow the same trajectory for the same seed.
 *
 * If the loss, a gradient or a weight turns NaN/±∞, `step()` throws {@link TrainingDivergedError}
 * naming the epoch, batch, first layer and likely cause, and leaves the last good weights in the
 * model.
 *
 * Shape: data.x [N, in], data.y [N, out], matching the model's first and last layers.
 *
 * @example
 * ```ts
 * const trainer = await Trainer.create(model, data, { loss: 'cross_entropy', batchSize: 16, rng: new Rng(1) });
 * while (trainer.epoch < 10 || !trainer.epochDone) {
 *   const logs = trainer.step();      // { epoch, batch, loss, gradNorm, lr, … }
 * }
 * ```
 */
export class Trainer {
  readonly model: Sequential;
  readonly data: Dataset;
  readonly loss: LossName;
  readonly optimizer: Optimizer;
  readonly engine: GradientEngine;
  readonly batchSize: number;
  /** Batches in an epoch. */
  readonly batches: number;
  /** The shuffling generator (null when taking rows in order). */
  readonly rng: Rng | null;
  readonly schedule: LrSchedule | undefined;
  readonly clipNorm: number | undefined;
  /** The learning rate before any schedule. */
  baseLr: number;
  /** The run's epochs as measured so far ({@link fit} records them; a divergence error carries them). */
  readonly history = new History();
  /** The epoch in progress or just finished (0 before the first step). */
  epoch = 0;
  /** Batches taken in this epoch. */
  batch = 0;
  /** The training data in the model's dtype (converted once; fit measures it with `evaluate`). */
  readonly trainData: TensorData;
  private order: Int32Array;
  /** The shuffling generator's state before this epoch's permutation (see {@link Trainer.position}). */
  private epochRng: [number, number, number, number] | null = null;
  private readonly identity: Int32Array | null;
  private readonly params: Tensor[];
  /** The penalty and the parameters it applies to (null without one). */
  private readonly penalty: { readonly p: Penalty; readonly params: Tensor[] } | null;
  /** The weights before the step in progress, and the gradient norm (see fit-step.ts). */
  private readonly backup: WeightBackup;
  private readonly layerOfParameter: number[];
  /** The batch tensors to fill: the engine's own buffers where it has them. */
  private readonly buffers: (rows: number) => { x: Tensor; t: Tensor };
  /** The batches from the training data (and the next one's inputs gathered ahead, see fit-step.ts). */
  private readonly feed: BatchFeed;
  private readonly inputMaxAbs: number;
  private readonly classify: boolean;
  private readonly recentLosses: number[] = [];
  private readonly recentNorms: number[] = [];
  /** This epoch's figures from its batches (loss, and accuracy or MSE and R²). */
  private readonly running: BatchMetrics;

  /**
   * A trainer with the WebAssembly kernels ready: they are awaited (where available) so that every
   * step of the run takes the same kernel path — float32 sums differ slightly between paths — and
   * large products run on SIMD from the first batch; when the network has products large enough
   * for threads, the worker threads are started too (~80 ms once; a no-op when the process already
   * called initKernels). Thread count never changes a result: threads split C, never the sums.
   */
  static async create(model: Sequential, data: Dataset, options: TrainerOptions): Promise<Trainer> {
    let largest = 0;
    for (const l of model.layers) largest = Math.max(largest, l.inputSize * l.outputSize * data.rows);
    // NOTE: the data is checked before waiting for the kernels, and not a second time in the constructor.
    checkSetup(model, data, options);
    if (largest >= MATMUL_THRESHOLDS.threadsMin) await initKernels();
    else await loadWasmKernels();
    return new Trainer(model, data, options, CHECKED);
  }

  /** A trainer on the kernels loaded now (see {@link Trainer.create}, which loads them first). */
  constructor(model: Sequential, data: Dataset, options: TrainerOptions, checked?: typeof CHECKED) {
    if (checked !== CHECKED) checkSetup(model, data, options);
    const batchSize = options.batchSize ?? 32;
    this.model = model;
    this.data = data;
    this.loss = options.loss;
    this.params = model.parameters();
    this.optimizer = options.optimizer ?? new Adam(this.params, { lr: 0.001 });
    if (this.optimizer.params.length !== this.params.length || this.optimizer.params.some((p, i) => p !== this.params[i])) {
      throw new BackpropError('value', "fit: the optimizer must be built over this model's parameters (model.parameters())");
    }
    this.batchSize = batchSize;
    this.batches = Math.ceil(data.rows / batchSize);
    const engine = options.engine;
    this.engine = typeof engine === 'function' ? engine(model, this.loss) : (engine ?? fusedEngine(model, this.loss, { maxBatch: Math.min(batchSize, data.rows) }) ?? autogradEngine(model, this.loss));
    this.penalty = checkPenalty(options.penalty, 'fit') ? { p: options.penalty!, params: penalizedParameters(model, options.penalty!) } : null;
    this.rng = options.shuffle === false ? null : (options.rng ?? new Rng(0));
    this.schedule = options.schedule;
    this.clipNorm = options.clipNorm;
    this.baseLr = this.optimizer.lr;
    const n = data.rows;
    this.identity = this.rng ? null : Int32Array.from({ length: n }, (_, i) => i);
    this.order = this.identity ?? new Int32Array(0);
    const dtype = model.dtype;
    const rows = Math.min(batchSize, n);
    this.trainData = toTensorData(data, dtype);
    this.buffers = batchBuffers(this.engine, dtype, rows, data.inputSize, data.outputSize);
    this.feed = new BatchFeed(this.trainData, this.buffers(rows).x.data, data.inputSize, data.outputSize, rows);
    this.backup = new WeightBackup(this.params);
    this.layerOfParameter = model.layers.flatMap((l, i) => l.parameters().map(() => i));
    this.inputMaxAbs = maxAbs(data.x);
    this.classify = data.task === 'classification' && data.labels !== undefined && data.targetEncoding !== undefined;
    this.running = new BatchMetrics(this.classify ? { classes: data.classNames?.length ?? data.outputSize, encoding: data.targetEncoding! } : { outputs: data.outputSize }, data.outputSize);
    // NOTE: the run starts in training mode (dropout on, batch statistics), as PyTorch's loop does.
    model.train();
  }

  /** Whether every batch of the current epoch has been taken (true before the first step too). */
  get epochDone(): boolean {
    return this.batch >= this.batches || this.epoch === 0;
  }

  /** Training rows. */
  get rows(): number {
    return this.data.rows;
  }

  /**
   * Starts the next epoch: its learning rate from the schedule, and a fresh permutation of the
   * rows. `step()` calls it when the previous epoch is done; call it yourself to act in between.
   */
  beginEpoch(): void {
    this.epoch++;
    this.batch = 0;
    this.running.reset();
    if (this.schedule) this.optimizer.lr = this.schedule.rate(this.epoch, this.baseLr, this.optimizer.lr);
    this.epochRng = this.rng ? this.rng.getState() : null;
    this.order = this.rng ? this.rng.permutation(this.data.rows) : this.identity!;
  }

  /** Steps taken so far (over all epochs). */
  get steps(): number {
    return this.epoch === 0 ? 0 : (this.epoch - 1) * this.batches + this.batch;
  }

  /**
   * Positions a fresh trainer as if `steps` steps had been taken: the epochs before are skipped
   * (their permutations drawn from the rng, so the rows of every later step are the ones an
   * uninterrupted run takes), without touching the weights or the optimizer — those are the
   * caller's to restore (the playground keeps them in its link).
   *
   * @example
   * ```ts
   * const trainer = new Trainer(model, data, { loss, optimizer, rng: new Rng(seed) });
   * trainer.skipTo(1000);   // the next step() takes the rows of step 1001
   * ```
   */
  skipTo(steps: number): void {
    if (!(Number.isInteger(steps) && steps >= 0)) throw new BackpropError('value', `Trainer.skipTo: steps must be an integer ≥ 0, got ${steps}`);
    if (this.steps !== 0) throw new BackpropError('value', 'Trainer.skipTo: the trainer has already taken steps; skip on a fresh one');
    if (steps === 0) return;
    const epochs = Math.ceil(steps / this.batches);
    for (let e = 0; e < epochs; e++) this.beginEpoch();
    this.batch = steps - (epochs - 1) * this.batches;
  }

  /**
   * Where the run is (see {@link TrainerPosition}): with the weights and the optimizer's state,
   * all a fresh trainer needs to take the rows this one takes next ({@link Trainer.seek}).
   */
  position(): TrainerPosition {
    return { epoch: this.epoch, batch: this.batch, rng: this.epoch === 0 ? (this.rng?.getState() ?? null) : this.epochRng };
  }

  /**
   * Positions a fresh trainer where {@link Trainer.position} was taken, drawing one permutation
   * (not one per epoch, as {@link Trainer.skipTo} does); the weights and the optimizer are the
   * caller's to restore. A schedule sets the learning rate of that epoch.
   *
   * @example
   * ```ts
   * const saved = trainer.position();                 // e.g. { epoch: 40001, batch: 3, rng: [...] }
   * const again = new Trainer(model, data, { loss, optimizer, rng: new Rng(seed) });
   * again.seek(saved);                                // again.nextRows() is trainer.nextRows()
   * ```
   */
  seek(position: TrainerPosition): void {
    const { epoch, batch, rng } = position;
    const where = 'Trainer.seek';
    if (this.steps !== 0) throw new BackpropError('value', `${where}: the trainer has already taken steps; seek on a fresh one`);
    if (!(Number.isInteger(epoch) && epoch >= 0 && Number.isInteger(batch) && batch >= 0 && batch <= this.batches && (epoch > 0 || batch === 0))) {
      throw new BackpropError('value', `${where}: expected epoch ≥ 0 and batch in 0 … ${this.batches} (batch 0 at epoch 0), got epoch ${epoch}, batch ${batch}`);
    }
    if ((rng === null) !== (this.rng === null)) throw new BackpropError('value', `${where}: the position was taken ${rng === null ? 'without' : 'with'} shuffling, this trainer runs ${this.rng === null ? 'without' : 'with'}`);
    if (this.rng !== null) this.rng.setState(rng!);
    if (epoch === 0) return;
    this.epoch = epoch - 1;
    this.beginEpoch();
    this.batch = batch;
  }

  /** The rows (indices into the data) the next `step()` trains on. */
  nextRows(): Int32Array {
    if (this.batch >= this.batches || this.epoch === 0) {
      // NOTE: the next epoch's permutation is not drawn yet; draw it from a copy of the generator.
      let order = this.identity;
      if (this.rng) {
        const copy = new Rng(0);
        copy.setState(this.rng.getState());
        order = copy.permutation(this.data.rows);
      }
      return order!.subarray(0, Math.min(this.data.rows, this.batchSize));
    }
    return this.order.subarray(this.batch * this.batchSize, Math.min(this.data.rows, (this.batch + 1) * this.batchSize));
  }

  /** Row-weighted mean of this epoch's batch losses so far (NaN before the first batch). */
  get meanLoss(): number {
    return this.running.meanLoss;
  }

  /** Accuracy over this epoch's batches so far (classification, when the engine gives its outputs), else undefined. */
  get runningAccuracy(): number | undefined {
    return this.running.accuracy;
  }

  /**
   * This epoch's training figures from its batches, as Keras reports them: the mean loss, and
   * accuracy, precision and recall (classification) or MSE and R² (regression) of the batches'
   * outputs, each batch with the weights before its own step.
   */
  runningLogs(): Pick<EpochLogs, 'loss' | 'accuracy' | 'precision' | 'recall' | 'mse' | 'r2'> {
    return this.running.logs();
  }

  /**
   * One optimizer step on the next mini-batch (starting the next epoch first when the current one
   * is done). Returns the batch's loss before the step and the gradient norm before clipping.
   *
   * @throws TrainingDivergedError when the loss, a gradient or a weight is no longer finite.
   */
  step(): BatchLogs {
    if (this.batch >= this.batches || this.epoch === 0) this.beginEpoch();
    const { data, batchSize, params } = this;
    const n = data.rows;
    const b = this.batch;
    const idx = this.order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
    const rows = idx.length;
    const { x: xb, t: tb } = this.buffers(rows);
    const x = this.feed.take(idx, xb, tb);
    // NOTE: measurements between steps (evaluate) switch to eval mode and back; a step always trains.
    if (!this.model.training) this.model.train();
    let value = this.engine.lossAndGrad(x, tb);
    if (this.penalty !== null) value += applyPenalty(this.penalty.params, this.penalty.p, true);
    const fail = (what: Diagnosis['what'], v: number, at: { layer: number | null; where: string }): never => {
      const cause = likelyCause({ lr: this.optimizer.lr, inputMaxAbs: this.inputMaxAbs, recentLosses: this.recentLosses, recentNorms: this.recentNorms, clipped: this.clipNorm !== undefined });
      throw new TrainingDivergedError({ epoch: this.epoch, batch: b + 1, batches: this.batches, what, value: v, ...at, cause }, this.history);
    };
    if (!Number.isFinite(value)) fail('loss', value, locateForward(this.model, x));
    // The next batch of this epoch: its rows are gathered during the norm's job (see BatchFeed).
    const next = b + 1 < this.batches ? this.order.subarray((b + 1) * batchSize, Math.min(n, (b + 2) * batchSize)) : null;
    const norm = this.backup.gradNorm(this.feed.ahead(next));
    if (!Number.isFinite(norm)) fail('gradient', norm, locateGradient(this.model));
    if (this.clipNorm !== undefined) clipGradNorm(params, this.clipNorm, norm);
    const bad = this.backup.step(this.optimizer);
    if (bad >= 0) {
      this.backup.restore();
      fail('weights', NaN, { layer: this.layerOfParameter[bad]!, where: `${params[bad]!.name ?? 'a parameter'} after the optimizer step (gradient norm ${norm})` });
    }
    this.recentLosses.push(value);
    this.recentNorms.push(norm);
    if (this.recentLosses.length > 20) {
      this.recentLosses.shift();
      this.recentNorms.shift();
    }
    this.tally(value, idx, tb.data, rows);
    this.batch++;
    const logs: BatchLogs = { epoch: this.epoch, batch: b + 1, batches: this.batches, rows, loss: value, meanLoss: this.running.meanLoss, gradNorm: norm, lr: this.optimizer.lr };
    const accuracy = this.running.accuracy;
    if (accuracy !== undefined) logs.accuracy = accuracy;
    return logs;
  }

  /** Adds a trained batch's loss and its predictions (or errors) to the epoch's running figures, from the engine's outputs. */
  private tally(value: number, idx: Int32Array, t: FloatArray, rows: number): void {
    this.running.addLoss(value, rows);
    const y = this.engine.lastOutputs?.() ?? null;
    if (y === null) return;
    if (this.classify) this.running.addClassified(y, rows, this.data.labels!, idx);
    else this.running.addRegression(y, t, rows);
  }

  /**
   * The last step's values layer by layer — each layer's net input `z`, output `a` and `delta`
   * = ∂E/∂z — from the engine (views valid until the next step), or null when the engine keeps none.
   */
  lastTrace(): StepTrace | null {
    return this.engine.lastTrace?.() ?? null;
  }
}

/** Marks a setup {@link checkSetup} has already passed (Trainer.create checks before awaiting the kernels). */
const CHECKED: unique symbol = Symbol('checked');

/** The data against the network, and the options that can be wrong: one clear error each. */
function checkSetup(model: Sequential, data: Dataset, options: TrainerOptions): void {
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new BackpropError('value', `fit: batchSize must be an integer ≥ 1, got ${batchSize}`);
  validateForModel(data, { inputSize: model.inputSize, outputSize: model.outputSize, outputActivation: model.outputActivation, loss: options.loss });
  if (data.rows === 0) throw new BackpropError('data', 'fit: the training data has no rows');
  if (options.clipNorm !== undefined && !(Number.isFinite(options.clipNorm) && options.clipNorm > 0)) {
    throw new BackpropError('value', `fit: clipNorm must be a number > 0, got ${options.clipNorm}`);
  }
}

/**
 * The batch tensors a trainer fills: the engine's own buffers when it has them (read in place),
 * else one pair of arrays for the largest batch and views of them for a smaller last batch.
 */
function batchBuffers(engine: GradientEngine, dtype: DType, maxRows: number, inSize: number, outSize: number): (rows: number) => { x: Tensor; t: Tensor } {
  if (engine.batchBuffers) return (rows) => engine.batchBuffers!(rows);
  const x = allocate(dtype, maxRows * inSize);
  const t = allocate(dtype, maxRows * outSize);
  const full = { x: new Tensor(x, [maxRows, inSize]), t: new Tensor(t, [maxRows, outSize]) };
  return (rows) => (rows === maxRows ? full : { x: new Tensor(x.subarray(0, rows * inSize), [rows, inSize]), t: new Tensor(t.subarray(0, rows * outSize), [rows, outSize]) });
}
