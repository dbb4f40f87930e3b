import { BackpropError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { validateForModel } from '../data/validate.js';
import { parseModelFile, toModelFile, type PreprocessingFile } from '../io/model-file.js';
import type { Sequential } from '../nn/sequential.js';
import type { Callback, FitResult, TrainContext } from './callbacks.js';
import { maxAbs } from './diagnose.js';
import { divergenceCallback, type DivergenceOptions } from './divergence.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { History, type EpochLogs } from './history.js';
import { evaluate, toTensorData, type Metrics } from './metrics.js';
import type { TrainingState } from './state.js';
import { Trainer, type TrainerOptions } from './trainer.js';

/** Options of {@link fit}: the {@link Trainer}'s, and the loop's. Only `loss` is required. */
export interface FitOptions extends TrainerOptions {
  /** Total epochs (including any done before a resume); default 10. */
  epochs?: number;
  /** Data measured (never trained on) after every epoch. */
  validation?: Dataset;
  callbacks?: readonly Callback[];
  /**
   * Early stopping (restoring the best weights): `true` for the defaults, or its options. Its state
   * travels in checkpoints (an `EarlyStopping` passed in `callbacks` works too, but is not saved).
   */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Continue from a checkpoint's state instead of starting afresh. */
  resume?: TrainingState;
  /**
   * The epoch's training figures (loss, accuracy, precision, recall or MSE, R²): by default from
   * the batches as they were trained, each with the weights before its own step (as Keras reports
   * them; no extra work). `true` measures all training rows again with the epoch's final weights
   * instead — exact, at the cost of a forward pass over the training set every epoch.
   */
  trainMetrics?: boolean;
  /** Saved with the weights in checkpoints (scalers, class names). */
  preprocessing?: PreprocessingFile;
  /** Free-form settings saved in checkpoints. */
  settings?: Record<string, unknown>;
  /**
   * Stop with {@link TrainingDivergedError} when an epoch's loss grows to `factor` (default 1000)
   * times the loss before training (see divergence.ts); `false` turns the check off.
   */
  divergence?: false | DivergenceOptions;
}

/**
 * Trains `model` on `data` by mini-batch gradient descent, Keras-style, deterministically:
 * each epoch takes the rows in a fresh seeded permutation (or in order), `batchSize` at a time,
 * one optimizer step per batch; then it records a {@link History} entry — the training figures
 * from the epoch's batches (or all rows measured again, with `trainMetrics: true`) and the
 * validation set measured — and runs the callbacks. Same model, data, options and seed ⇒ bit-identical
 * weights; a run resumed from a checkpoint state ends exactly where an uninterrupted run does.
 *
 * Before training, the data is checked against the network (`validateForModel`), and the
 * WebAssembly matmul kernels are awaited (where available) so the whole run uses one kernel path,
 * with worker threads when the network's products are large enough to share (`initKernels()`'s
 * default; call `initKernels({ threads: 1 })` first to keep training on one thread). On the fused
 * path a network with kernel-sized products has its parameters moved into the kernels' memory
 * (`Tensor.moveData`: the same values in new storage — read `weight.data` again after training
 * starts). If the loss, a
 * gradient or a weight turns NaN/±∞, it throws {@link TrainingDivergedError} naming the epoch,
 * batch, first layer and likely cause, and leaves the last good weights in the model.
 *
 * Shape: data.x [N, in], data.y [N, out], matching the model's first and last layers.
 *
 * @example
 * ```ts
 * const model = Sequential.mlp([4, 16, 3], { activation: 'relu', output: 'softmax', rng: new Rng(1) });
 * const { train, test } = split(iris(), { train: 0.8, test: 0.2 }, new Rng(1));
 * const result = await fit(model, train, { loss: 'cross_entropy', epochs: 100, batchSize: 16,
 *   optimizer: new Adam(model.parameters(), { lr: 0.01 }), validation: test, rng: new Rng(1) });
 * result.history.last?.valAccuracy;  // ≈ 0.97
 * ```
 */
export async function fit(model: Sequential, data: Dataset, options: FitOptions): Promise<FitResult> {
  const { loss } = options;
  const epochs = options.epochs ?? 10;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new BackpropError('value', `fit: epochs must be an integer ≥ 0, got ${epochs}`);
  const trainer = await Trainer.create(model, data, options);
  if (options.validation) {
    if (options.validation.rows === 0) throw new BackpropError('data', 'fit: the validation data has no rows');
    validateForModel(options.validation, { inputSize: model.inputSize, outputSize: model.outputSize, outputActivation: model.outputActivation, loss });
  }
  const { optimizer, history } = trainer;
  const rng = trainer.rng;
  const schedule = options.schedule;
  const hasValidation = options.validation !== undefined;
  if (schedule && 'monitor' in schedule && typeof schedule.monitor === 'string' && !hasValidation && schedule.monitor.startsWith('val')) {
    const m = schedule.monitor.slice(3);
    (schedule as { monitor: string }).monitor = m[0]!.toLowerCase() + m.slice(1);
  }
  const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping === true ? {} : options.earlyStopping) : null;
  early?.resolveMonitor(hasValidation);
  // NOTE: the divergence check measures the loss of all training rows when training begins (trainTD is set below by then).
  const divergence = options.divergence === false ? [] : [divergenceCallback(() => evaluate(model, loss, trainTD).loss, () => ({ inputMaxAbs: maxAbs(data.x), clipped: options.clipNorm !== undefined }), options.divergence)];
  const callbacks: Callback[] = [...(early ? [early] : []), ...divergence, ...(options.callbacks ?? [])];
  let startEpoch = 0;
  let stopReason: string | null = null;

  if (options.resume) {
    const s = options.resume;
    const saved = parseModelFile(s.model, 'checkpoint model');
    if (saved.loss !== loss) throw new BackpropError('value', `fit: the checkpoint was trained with loss ${saved.loss}, not ${loss}`);
    if (saved.model.sizes.join('-') !== model.sizes.join('-')) {
      throw new BackpropError('value', `fit: the checkpoint's network is ${saved.model.sizes.join('-')}, this one ${model.sizes.join('-')}`);
    }
    model.copyFrom(saved.model);
    optimizer.loadStateDict(s.optimizer);
    trainer.baseLr = s.baseLr;
    if (rng && s.rng) rng.setState(s.rng);
    const generators = new Map(model.namedGenerators());
    for (const [name, state] of Object.entries(s.generators ?? {})) {
      const g = generators.get(name);
      if (g === undefined) throw new BackpropError('value', `fit: the checkpoint has a generator "${name}" the model does not (it has ${[...generators.keys()].join(', ') || 'none'})`);
      g.setState(state);
    }
    for (const e of History.fromJSON(s.history, 'checkpoint history').epochs) history.push(e);
    if (schedule?.load && s.schedule) schedule.load(s.schedule);
    if (early && s.earlyStopping) early.load(s.earlyStopping);
    startEpoch = s.epoch;
    trainer.epoch = s.epoch;
    stopReason = s.stopReason;
  }

  const trainTD = trainer.trainData;
  const valTD = options.validation ? toTensorData(options.validation, model.dtype) : null;

  const ctx: TrainContext = {
    model,
    optimizer,
    history,
    trainer,
    epochs,
    batches: trainer.batches,
    rows: trainer.rows,
    initialEpoch: startEpoch,
    stop(reason: string) {
      stopReason ??= reason;
    },
    get stopReason() {
      return stopReason;
    },
    state(): TrainingState {
      return {
        format: 'backprop-checkpoint',
        version: 1,
        epoch: history.last?.epoch ?? startEpoch,
        model: toModelFile(model, loss, options.preprocessing),
        optimizer: optimizer.stateDict(),
        baseLr: trainer.baseLr,
        rng: rng ? rng.getState() : null,
        ...(model.namedGenerators().length > 0 && { generators: Object.fromEntries(model.namedGenerators().map(([n, g]) => [n, g.getState()])) }),
        history: history.toJSON(),
        schedule: schedule?.state?.() ?? null,
        earlyStopping: early ? early.state() : null,
        stopReason,
        ...(options.settings !== undefined && { settings: options.settings }),
      };
    },
  };

  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
  while (trainer.epoch < epochs && stopReason === null) {
    const started = Date.now();
    trainer.beginEpoch();
    const epoch = trainer.epoch;
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
    while (!trainer.epochDone && stopReason === null) {
      const logs = trainer.step();
      for (const cb of callbacks) await cb.onBatchEnd?.(logs, ctx);
    }
    if (!trainer.epochDone) break; // stopped inside the epoch: it is not recorded
    const logs = epochLogs(epoch, trainer, optimizer.lr, options.trainMetrics === true ? evaluate(model, loss, trainTD) : null, valTD ? evaluate(model, loss, valTD) : null);
    logs.seconds = (Date.now() - started) / 1000;
    schedule?.observe?.(logs, optimizer.lr);
    history.push(logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(logs, ctx);
  }
  const done = history.last?.epoch ?? startEpoch;
  const restored = early ? early.restore(model) : 0;
  const result: FitResult = {
    history,
    epochs: done,
    stopReason: stopReason ?? 'completed',
    weightsFromEpoch: restored || done,
    train: evaluate(model, loss, trainTD),
    ...(valTD && { validation: evaluate(model, loss, valTD) }),
  };
  for (const cb of callbacks) await cb.onTrainEnd?.(result, ctx);
  return result;
}

/** The history entry of an epoch: the batches' running figures, or all rows measured when `train` is given. */
function epochLogs(epoch: number, trainer: Trainer, lr: number, train: Metrics | null, val: Metrics | null): EpochLogs {
  const batchLoss = trainer.meanLoss;
  const logs: EpochLogs = { epoch, loss: train ? train.loss : batchLoss, batchLoss, lr, seconds: 0, ...(train ? metricFields(train, '') : trainer.runningLogs()) };
  if (val) Object.assign(logs, metricFields(val, 'val'));
  return logs;
}

function metricFields(m: Metrics, prefix: '' | 'val'): Partial<EpochLogs> {
  const key = (name: string): string => (prefix ? prefix + name[0]!.toUpperCase() + name.slice(1) : name);
  const out: Record<string, number> = {};
  if (prefix) out[key('loss')] = m.loss;
  const c = m.classification;
  if (c) {
    out[key('accuracy')] = c.accuracy;
    out[key('precision')] = mean(c.precision);
    out[key('recall')] = mean(c.recall);
  }
  if (m.regression) {
    out[key('mse')] = m.regression.mse;
    out[key('r2')] = m.regression.r2;
  }
  return out as Partial<EpochLogs>;
}

function mean(a: readonly number[]): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}
