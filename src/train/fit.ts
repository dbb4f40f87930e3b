import { BackpropError } from '../errors.js';
import { noGrad } from '../autograd/node.js';
import type { Dataset } from '../data/dataset.js';
import { validateForModel } from '../data/validate.js';
import { initKernels } from '../kernels/kernel-state.js';
import { MATMUL_THRESHOLDS } from '../kernels/matmul.js';
import { loadWasmKernels } from '../kernels/wasm-loader.js';
import { parseModelFile, toModelFile, type PreprocessingFile } from '../io/model-file.js';
import { activate } from '../nn/activations.js';
import type { LossName } from '../nn/losses.js';
import type { Sequential } from '../nn/sequential.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { allocate } from '../tensor/dtype.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { BatchLogs, Callback, FitResult, TrainContext } from './callbacks.js';
import { clipGradNorm, gradNorm } from './clip.js';
import { allFinite, likelyCause, locateForward, locateGradient, maxAbs, TrainingDivergedError, type Diagnosis } from './diagnose.js';
import { divergenceCallback, type DivergenceOptions } from './divergence.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { autogradEngine, type EngineFactory, type GradientEngine } from './engine.js';
import { fusedEngine } from '../fused/engine.js';
import { History, type EpochLogs } from './history.js';
import { evaluate, predictLabels, toTensorData, type Metrics } from './metrics.js';
import type { LrSchedule } from './schedules.js';
import type { TrainingState } from './state.js';

/** Options of {@link fit}. Only `loss` is required. */
export interface FitOptions {
  /** The loss convention (as in the model file). */
  loss: LossName;
  /** The optimizer over `model.parameters()`; default Adam with η = 0.001. */
  optimizer?: Optimizer;
  /** Total epochs (including any done before a resume); default 10. */
  epochs?: number;
  /** Rows per step, the last batch of an epoch possibly smaller; default 32. */
  batchSize?: number;
  /** Shuffle the rows every epoch with `rng` (default true); false takes them in order. */
  shuffle?: boolean;
  /** The shuffling generator; default `new Rng(0)`. Its state is part of a checkpoint. */
  rng?: Rng;
  /** Data measured (never trained on) after every epoch. */
  validation?: Dataset;
  callbacks?: readonly Callback[];
  /** Learning-rate schedule, applied at the start of each epoch. */
  schedule?: LrSchedule;
  /** Clip the global gradient norm to this before each step. */
  clipNorm?: number;
  /**
   * Early stopping (restoring the best weights): `true` for the defaults, or its options. Its state
   * travels in checkpoints (an `EarlyStopping` passed in `callbacks` works too, but is not saved).
   */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /**
   * How gradients are computed: an engine or a factory (see engine.ts). Default: the fused
   * dense-stack engine (no graph; the same numbers bit for bit) where the model allows it, else autograd.
   */
  engine?: GradientEngine | EngineFactory;
  /** Continue from a checkpoint's state instead of starting afresh. */
  resume?: TrainingState;
  /** Measure loss and accuracy on all training rows after each epoch (default true); else report the batch mean. */
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
 * one optimizer step per batch; then it measures the training and validation sets, records a
 * {@link History} entry and runs the callbacks. Same model, data, options and seed ⇒ bit-identical
 * weights; a run resumed from a checkpoint state ends exactly where an uninterrupted run does.
 *
 * Before training, the data is checked against the network (`validateForModel`), and the
 * WebAssembly matmul kernels are awaited (where available) so the whole run uses one kernel path,
 * with worker threads when the network's products are large enough to share (`initKernels()`'s
 * default; call `initKernels({ threads: 1 })` first to keep training on one thread). If the loss, a
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
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new BackpropError('value', `fit: epochs must be an integer ≥ 0, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new BackpropError('value', `fit: batchSize must be an integer ≥ 1, got ${batchSize}`);
  const shape = { inputSize: model.inputSize, outputSize: model.outputSize, outputActivation: model.layers[model.layers.length - 1]!.activation, loss };
  validateForModel(data, shape);
  if (data.rows === 0) throw new BackpropError('data', 'fit: the training data has no rows');
  if (options.validation) {
    if (options.validation.rows === 0) throw new BackpropError('data', 'fit: the validation data has no rows');
    validateForModel(options.validation, shape);
  }
  const params = model.parameters();
  const optimizer = options.optimizer ?? new Adam(params, { lr: 0.001 });
  if (optimizer.params.length !== params.length || optimizer.params.some((p, i) => p !== params[i])) {
    throw new BackpropError('value', "fit: the optimizer must be built over this model's parameters (model.parameters())");
  }
  // NOTE: wait for the WebAssembly matmul kernels (when this engine has them) so that every step of
  // the run takes the same kernel path — float32 sums differ slightly between paths — and large
  // products run on SIMD from the first batch. When the network has products large enough for
  // threads (the measuring passes multiply all rows at once), start the worker threads too: one
  // per logical CPU up to 4, ~80 ms once, a no-op when the process already called initKernels.
  // Thread count never changes a result: threads split C, never the sums.
  const largest = Math.max(...model.layers.map((l) => l.inputs * l.units)) * data.rows;
  if (largest >= MATMUL_THRESHOLDS.threadsMin) await initKernels();
  else await loadWasmKernels();
  const engine = typeof options.engine === 'function' ? options.engine(model, loss) : (options.engine ?? fusedEngine(model, loss, { maxBatch: Math.min(batchSize, data.rows) }) ?? autogradEngine(model, loss));
  const rng = options.shuffle === false ? null : (options.rng ?? new Rng(0));
  const schedule = options.schedule;
  const hasValidation = options.validation !== undefined;
  if (schedule && 'monitor' in schedule && typeof schedule.monitor === 'string' && !hasValidation && schedule.monitor.startsWith('val')) {
    const m = schedule.monitor.slice(3);
    (schedule as { monitor: string }).monitor = m[0]!.toLowerCase() + m.slice(1);
  }
  const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping === true ? {} : options.earlyStopping) : null;
  early?.resolveMonitor(hasValidation);
  // NOTE: trainTD and inputMaxAbs are read when training begins, after they are set below.
  const divergence = options.divergence === false ? [] : [divergenceCallback(() => evaluate(model, loss, trainTD).loss, () => ({ inputMaxAbs, clipped: options.clipNorm !== undefined }), options.divergence)];
  const callbacks: Callback[] = [...(early ? [early] : []), ...divergence, ...(options.callbacks ?? [])];
  const history = new History();
  let baseLr = optimizer.lr;
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
    baseLr = s.baseLr;
    if (rng && s.rng) rng.setState(s.rng);
    for (const e of History.fromJSON(s.history, 'checkpoint history').epochs) history.push(e);
    if (schedule?.load && s.schedule) schedule.load(s.schedule);
    if (early && s.earlyStopping) early.load(s.earlyStopping);
    startEpoch = s.epoch;
    stopReason = s.stopReason;
  }

  const dtype = model.dtype;
  const trainTD = toTensorData(data, dtype);
  const valTD = options.validation ? toTensorData(options.validation, dtype) : null;
  const n = data.rows;
  const inSize = data.inputSize;
  const outSize = data.outputSize;
  const batches = Math.ceil(n / batchSize);
  const xBuf = allocate(dtype, Math.min(batchSize, n) * inSize);
  const tBuf = allocate(dtype, Math.min(batchSize, n) * outSize);
  const lastGood = params.map((p) => allocate(p.dtype, p.size));
  const inputMaxAbs = maxAbs(data.x);
  const outAct = model.layers[model.layers.length - 1]!.activation;
  const classify = data.task === 'classification' && data.labels !== undefined && data.targetEncoding !== undefined;
  const identity = rng ? null : Int32Array.from({ length: n }, (_, i) => i);
  const recentLosses: number[] = [];
  const recentNorms: number[] = [];

  const ctx: TrainContext = {
    model,
    optimizer,
    history,
    epochs,
    batches,
    rows: n,
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
        baseLr,
        rng: rng ? rng.getState() : null,
        history: history.toJSON(),
        schedule: schedule?.state?.() ?? null,
        earlyStopping: early ? early.state() : null,
        stopReason,
        ...(options.settings !== undefined && { settings: options.settings }),
      };
    },
  };

  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
  for (let epoch = startEpoch + 1; epoch <= epochs && stopReason === null; epoch++) {
    const started = Date.now();
    if (schedule) optimizer.lr = schedule.rate(epoch, baseLr, optimizer.lr);
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
    const order = rng ? rng.permutation(n) : identity!;
    let lossSum = 0;
    let rowsSeen = 0;
    let correct = 0;
    let counted = 0;
    for (let b = 0; b < batches && stopReason === null; b++) {
      const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      const rows = idx.length;
      const xb = new Tensor(rows * inSize === xBuf.length ? xBuf : xBuf.subarray(0, rows * inSize), [rows, inSize]);
      const tb = new Tensor(rows * outSize === tBuf.length ? tBuf : tBuf.subarray(0, rows * outSize), [rows, outSize]);
      gatherRows(data.x, inSize, idx, xb.data);
      gatherRows(data.y, outSize, idx, tb.data);
      const value = engine.lossAndGrad(xb, tb);
      const fail = (what: Diagnosis['what'], v: number, at: { layer: number | null; where: string }): never => {
        const cause = likelyCause({ lr: optimizer.lr, inputMaxAbs, recentLosses, recentNorms, clipped: options.clipNorm !== undefined });
        throw new TrainingDivergedError({ epoch, batch: b + 1, batches, what, value: v, ...at, cause }, history);
      };
      if (!Number.isFinite(value)) fail('loss', value, locateForward(model, xb));
      const norm = gradNorm(params);
      if (!Number.isFinite(norm)) fail('gradient', norm, locateGradient(model));
      if (options.clipNorm !== undefined) clipGradNorm(params, options.clipNorm, norm);
      for (let i = 0; i < params.length; i++) lastGood[i]!.set(params[i]!.data);
      optimizer.step();
      for (let i = 0; i < params.length; i++) {
        if (!allFinite(params[i]!.data)) {
          params.forEach((p, k) => p.data.set(lastGood[k]!));
          const l = Math.floor(i / 2);
          fail('weights', NaN, { layer: l, where: `${params[i]!.name ?? 'a parameter'} after the optimizer step (gradient norm ${norm})` });
        }
      }
      recentLosses.push(value);
      recentNorms.push(norm);
      if (recentLosses.length > 20) {
        recentLosses.shift();
        recentNorms.shift();
      }
      lossSum += value * rows;
      rowsSeen += rows;
      if (classify && engine.lastLogits) {
        const y = noGrad(() => activate(outAct, engine.lastLogits!)).data;
        const predicted = predictLabels(y, rows, outSize, data.targetEncoding!);
        for (let k = 0; k < rows; k++) if (predicted[k] === data.labels![idx[k]!]) correct++;
        counted += rows;
      }
      const logs: BatchLogs = { epoch, batch: b + 1, batches, rows, loss: value, meanLoss: lossSum / rowsSeen, gradNorm: norm, lr: optimizer.lr };
      if (counted > 0) logs.accuracy = correct / counted;
      for (const cb of callbacks) await cb.onBatchEnd?.(logs, ctx);
    }
    if (rowsSeen < n) break; // stopped inside the epoch: it is not recorded
    const logs = epochLogs(epoch, lossSum / rowsSeen, optimizer.lr, options.trainMetrics === false ? null : evaluate(model, loss, trainTD), valTD ? evaluate(model, loss, valTD) : null);
    if (classify && options.trainMetrics === false && counted > 0) logs.accuracy = correct / counted;
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

/** Copies rows `idx` of a flat float64 array (width numbers per row) into `out` (any float type). */
function gatherRows(src: Float64Array, width: number, idx: Int32Array, out: Float64Array | Float32Array): void {
  // NOTE: TypedArray#set converts float64 → float32 as an element store does (round to nearest),
  // in native code: 64 MNIST rows 160 → 50 µs into float32, 18 µs into float64.
  for (let k = 0; k < idx.length; k++) {
    const from = idx[k]! * width;
    out.set(src.subarray(from, from + width), k * width);
  }
}

/** The history entry of an epoch from the measurements. */
function epochLogs(epoch: number, batchLoss: number, lr: number, train: Metrics | null, val: Metrics | null): EpochLogs {
  const logs: EpochLogs = { epoch, loss: train ? train.loss : batchLoss, batchLoss, lr, seconds: 0 };
  if (train) Object.assign(logs, metricFields(train, ''));
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
