import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BackpropError } from '../../errors.js';
import type { Dataset } from '../../data/dataset.js';
import type { Scaler } from '../../data/scale.js';
import { parseModelFile, toModelFile, type LoadedModel, type PreprocessingFile } from '../../io/model-file.js';
import { ACTIVATIONS, type ActivationName } from '../../nn/activations.js';
import { INITIALIZERS, type InitializerName } from '../../nn/init.js';
import { LOSSES, type LossName } from '../../nn/losses.js';
import { Sequential } from '../../nn/sequential.js';
import { createOptimizer, OPTIMIZERS } from '../../optim/create.js';
import type { OptimizerName } from '../../optim/optimizer.js';
import { formatNumber } from '../../tensor/format.js';
import type { Callback } from '../../train/callbacks.js';
import { CHECKPOINT_FILE, checkpointCallback, parseCheckpoint } from '../../train/checkpoint.js';
import { TrainingDivergedError } from '../../train/diagnose.js';
import { fit } from '../../train/fit.js';
import { evaluate, type Metrics } from '../../train/metrics.js';
import { historySvg } from '../../train/plot-svg.js';
import { parseSchedule, SCHEDULE_SYNTAX } from '../../train/schedules.js';
import type { TrainingState } from '../../train/state.js';
import type { ParsedArgs } from '../args.js';
import { lineChart } from '../chart.js';
import type { Command } from '../command.js';
import { loadModelArg } from '../inputs.js';
import type { CliIo } from '../io.js';
import { percent, Progress } from '../progress.js';
import { DATA_NAMES } from '../../data/load.node.js';
import { DATA_FLAGS, SEPARATE_DATA_FLAGS, seedStream, trainingParts, type DataNames } from './data-args.js';
import { blockOptions, describeExtras, LAYER_FLAGS, penaltyFlags } from './layer-args.js';

/** Flags that may change when resuming; every other flag must match the checkpoint's. */
const RESUMABLE = ['out', 'resume', 'checkpoint', 'checkpoint-every', 'plot', 'epochs', 'exact-metrics'];
/** Flags not saved in a checkpoint's settings (they name this invocation's files). */
const UNSAVED = ['out', 'resume', 'plot'];

/**
 * `backprop train` — trains a model file, or a network given by --layers, on named data or a file,
 * with validation, metrics, progress, schedules, clipping, early stopping, checkpoints and resume.
 */
export const train: Command = {
  name: 'train',
  summary: 'train a network (a model file, or --layers) on data; progress, metrics, checkpoints, resume',
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'the model file to start from (or give --layers instead)', optional: true }],
    flags: {
      ...DATA_FLAGS,
      ...SEPARATE_DATA_FLAGS,
      out: { type: 'string', value: 'FILE', help: 'where to write the trained model (with its preprocessing)' },
      layers: { type: 'string', value: 'N,N,…', help: 'a new network by layer sizes, inputs first, e.g. 784,128,64,10' },
      activation: { type: 'string', choices: ACTIVATIONS, help: 'hidden activation of --layers (default relu)' },
      output: { type: 'string', choices: ACTIVATIONS, help: 'output activation of --layers (default softmax for several classes, sigmoid for one output of two classes, else linear)' },
      loss: { type: 'string', choices: LOSSES, help: "loss (default: the model file's; with --layers by the output: cross_entropy, bce or mse)" },
      init: { type: 'string', choices: INITIALIZERS, help: 'initializer of --layers (default He for relu-like, Glorot otherwise)' },
      ...LAYER_FLAGS,
      optimizer: { type: 'string', choices: OPTIMIZERS, help: 'update rule (default sgd)' },
      lr: { type: 'number', value: 'X', above: 0, help: 'learning rate η (default 0.1 for sgd, 0.01 rmsprop, 0.001 adam/adamw)' },
      momentum: { type: 'number', value: 'M', min: 0, help: 'momentum (sgd, rmsprop)' },
      nesterov: { type: 'boolean', help: 'Nesterov momentum (sgd)' },
      'weight-decay': { type: 'number', value: 'W', min: 0, help: 'weight decay (L2 for sgd/rmsprop/adam, decoupled for adamw)' },
      epochs: { type: 'int', value: 'E', min: 1, help: 'passes over the data (default 100)' },
      'batch-size': { type: 'int', value: 'B', min: 1, help: 'samples per step (default: all rows with a MODEL.json, 32 with --layers)' },
      'no-shuffle': { type: 'boolean', help: 'take the samples in order every epoch' },
      'exact-metrics': { type: 'boolean', help: "measure loss and accuracy on all training rows after each epoch (an extra pass; default: the figures of the epoch's batches)" },
      seed: { type: 'int', value: 'S', min: 0, help: 'seed of shuffling, initial weights and data (default 0)' },
      dtype: { type: 'string', choices: ['float64', 'float32'], help: "precision (default: the model file's; float64 with --layers)" },
      scale: { type: 'string', choices: ['standardize', 'minmax'], help: 'scale the inputs (statistics of the training rows, saved in the model)' },
      schedule: { type: 'string', value: 'SPEC', help: `learning-rate schedule: ${SCHEDULE_SYNTAX}` },
      'clip-norm': { type: 'number', value: 'X', above: 0, help: 'clip the global gradient norm to X before each step' },
      'early-stopping': { type: 'boolean', help: 'stop when val_loss (or loss) stalls and restore the best weights' },
      patience: { type: 'int', value: 'N', min: 1, help: 'epochs without improvement before early stopping (default 10)' },
      checkpoint: { type: 'string', value: 'DIR', help: 'write DIR/checkpoint.json (weights, optimizer, Rng, history) atomically' },
      'checkpoint-every': { type: 'int', value: 'N', min: 1, help: 'epochs between checkpoints (default 1)' },
      resume: { type: 'string', value: 'DIR', help: 'continue from DIR/checkpoint.json with its settings (--epochs, --checkpoint may change)' },
      plot: { type: 'string', value: 'FILE.svg', help: 'write the loss/accuracy curves as an SVG picture' },
    },
  },
  examples: [
    'npx backprop train --data xor --layers 2,8,2 --activation tanh --optimizer adam --lr 0.01 --epochs 100 --out scratch/xor.json',
    'npx backprop train --data iris --layers 4,16,3 --scale standardize --optimizer adam --lr 0.01 --epochs 100 --batch-size 16 --validation 0.2 --seed 1 --plot scratch/iris.svg --out scratch/iris.json',
    'npx backprop train --data mnist --layers 784,128,64,10 --activation relu --output softmax --loss cross_entropy --optimizer adam --lr 0.003 --schedule cosine --epochs 20 --dtype float32 --seed 1 --out scratch/mnist.json',
  ],
  async run(args, io) {
    let f = { ...args.flags };
    let positional: string | undefined = args.positionals[0];
    let resume: TrainingState | undefined;
    if (f.resume !== undefined) {
      const path = join(String(f.resume), CHECKPOINT_FILE);
      resume = parseCheckpoint(io.readText(path), path);
      ({ flags: f, positional } = mergeResumed(f, positional, resume, path));
      // NOTE: a resumed run keeps its epochs and checkpoints into the directory it resumed from, unless told otherwise.
      if (args.flags.checkpoint === undefined && f.checkpoint !== undefined) f.checkpoint = String(args.flags.resume);
    }
    if (positional !== undefined && resume === undefined && DATA_NAMES.includes(positional) && !io.exists(positional)) {
      throw new BackpropError('argument', `train: ${JSON.stringify(positional)} is the name of a dataset, and the argument before the flags is a MODEL.json to start from; write --data ${positional}`);
    }
    if (f.out === undefined) throw new BackpropError('argument', 'train: missing --out FILE (where the trained model goes)');
    if (f.plot !== undefined && !String(f.plot).toLowerCase().endsWith('.svg')) throw new BackpropError('argument', `train: --plot must name an .svg file, got ${JSON.stringify(f.plot)}`);
    if (f['checkpoint-every'] !== undefined && f.checkpoint === undefined) throw new BackpropError('argument', 'train: --checkpoint-every needs --checkpoint DIR');
    if (f.patience !== undefined && f['early-stopping'] !== true) throw new BackpropError('argument', 'train: --patience needs --early-stopping');
    const seed = (f.seed as number | undefined) ?? 0;

    const { model, loss } = buildModel(f, positional, resume, io);
    const base = positional ? loadedPreprocessing(positional, resume, io) : undefined;
    const outputActivation = model.outputActivation;
    const shape = { dtype: model.dtype, outputSize: model.outputSize, outputActivation, ...(base?.featureNames && { features: base.featureNames }), ...(base?.classNames && { classes: base.classNames }) };
    const check = f.layers !== undefined ? (data: Dataset): void => checkLayersFit(model.sizes, data) : undefined;
    const { names, train: trainSet, validation, test, scaler, read } = await trainingParts(f, io, seed, shape, check);
    const preprocessing = preprocessingOf(base, names, scaler);

    const name = (f.optimizer as OptimizerName | undefined) ?? 'sgd';
    const defaultLr = { sgd: 0.1, rmsprop: 0.01, adam: 0.001, adamw: 0.001 }[name];
    const optimizer = createOptimizer(name, model.parameters(), {
      lr: (f.lr as number | undefined) ?? defaultLr,
      ...(f.momentum !== undefined ? { momentum: f.momentum as number } : {}),
      ...(f.nesterov === true ? { nesterov: true } : {}),
      ...(f['weight-decay'] !== undefined ? { weightDecay: f['weight-decay'] as number } : {}),
    });
    const epochs = (f.epochs as number | undefined) ?? 100;
    const batchSize = (f['batch-size'] as number | undefined) ?? (f.layers !== undefined ? Math.min(32, trainSet.rows) : trainSet.rows);
    const schedule = f.schedule !== undefined ? parseSchedule(String(f.schedule), epochs) : undefined;
    if (resume && resume.epoch > epochs) throw new BackpropError('argument', `train: the checkpoint is at epoch ${resume.epoch}, beyond --epochs ${epochs}`);

    const splitNote = [validation && `validation ${validation.rows}`, test && `test ${test.rows}`].filter(Boolean).join(', ');
    const header =
      read +
      `training ${model.sizes.join('-')} (${loss}, ${name}, η=${optimizer.lr}${describeExtras(f)}) on ${trainSet.rows} samples${splitNote ? ` (${splitNote})` : ''}, batch ${batchSize}, ${epochs} epochs` +
      `${resume ? `, resuming after epoch ${resume.epoch}` : ''}\n`;
    const progress = new Progress(io);
    // NOTE: the header is printed once fit has checked the data against the network, so an error comes alone.
    const callbacks: Callback[] = [{ onTrainBegin: () => io.stdout(header) }, progress];
    if (f.checkpoint !== undefined) {
      const dir = String(f.checkpoint);
      callbacks.push(
        checkpointCallback({
          every: (f['checkpoint-every'] as number | undefined) ?? 1,
          save: (_state, text) => {
            try {
              mkdirSync(dir, { recursive: true });
            } catch (e) {
              throw new BackpropError('io', `${dir}: cannot create the checkpoint directory (${(e as Error).message})`);
            }
            io.writeAtomic(join(dir, CHECKPOINT_FILE), text);
          },
        }),
      );
    }
    if (args.flags.resume !== undefined) removeStaleTemporaries(String(args.flags.resume));
    let result;
    try {
      result = await fit(model, trainSet, {
        loss,
        optimizer,
        epochs,
        batchSize,
        shuffle: f['no-shuffle'] !== true,
        ...(f['exact-metrics'] === true && { trainMetrics: true }),
        rng: seedStream(seed, 0),
        callbacks,
        ...(validation && { validation }),
        ...(schedule && { schedule }),
        ...(f['clip-norm'] !== undefined && { clipNorm: f['clip-norm'] as number }),
        ...(penaltyFlags(f) && { penalty: penaltyFlags(f)! }),
        ...(f['early-stopping'] === true && { earlyStopping: { patience: (f.patience as number | undefined) ?? 10 } }),
        ...(resume && { resume }),
        ...(preprocessing && { preprocessing }),
        settings: { flags: savedFlags(f), ...(positional !== undefined && { model: positional }) },
      });
    } catch (e) {
      if (e instanceof TrainingDivergedError) {
        const kept = f.checkpoint !== undefined && e.history.length > 0 ? `; the last checkpoint in ${String(f.checkpoint)} holds epoch ${e.history.last!.epoch}` : '';
        throw new BackpropError('numeric', `${e.message.replace(/; the model keeps the last good weights.*$/, '')}; ${String(f.out)} was not written${kept}`);
      }
      throw e;
    } finally {
      progress.clear();
    }
    if (result.stopReason !== 'completed') io.stdout(`${result.stopReason}; the model holds the weights of epoch ${result.weightsFromEpoch}\n`);
    io.stdout(summary('train', result.train));
    if (result.validation) io.stdout(summary('validation', result.validation));
    if (test) io.stdout(summary('test', evaluate(model, loss, test)));
    if (result.history.length >= 2) io.stdout('\n' + charts(result.history.series('loss'), result.history, Math.min(60, Math.max(20, (io.columns > 0 ? io.columns : 80) - 14))));
    // NOTE: the model first: it is what the run is for; a plot that cannot be written then loses nothing.
    io.writeAtomic(String(f.out), JSON.stringify(toModelFile(model, loss, preprocessing), null, 1) + '\n');
    io.stdout(`saved ${String(f.out)}\n`);
    if (f.plot !== undefined) {
      io.writeAtomic(String(f.plot), historySvg(result.history, { title: `${String(f.data)} · ${model.sizes.join('-')} · ${name}` }));
      io.stdout(`plot ${String(f.plot)}\n`);
    }
    return 0;
  },
};

function buildModel(f: ParsedArgs['flags'], positional: string | undefined, resume: TrainingState | undefined, io: CliIo): LoadedModel {
  if (positional !== undefined && f.layers !== undefined) throw new BackpropError('argument', 'train: give either MODEL.json or --layers, not both');
  for (const k of ['activation', 'output', 'init'] as const) {
    if (f[k] !== undefined && f.layers === undefined) throw new BackpropError('argument', `train: --${k} describes a new network and needs --layers`);
  }
  blockOptions(f, 'train');
  const lossFlag = f.loss as LossName | undefined;
  const dtypeFlag = f.dtype as 'float64' | 'float32' | undefined;
  if (resume) {
    const loaded = parseModelFile(resume.model, 'checkpoint model');
    return { model: loaded.model, loss: loaded.loss };
  }
  if (positional !== undefined) {
    let loaded = loadModelArg(positional, io);
    const dtype = dtypeFlag ?? loaded.model.dtype;
    if (dtype !== loaded.model.dtype) loaded = parseModelFile({ ...toModelFile(loaded.model, loaded.loss), dtype }, positional);
    return { model: loaded.model, loss: lossFlag ?? loaded.loss };
  }
  if (f.layers === undefined) throw new BackpropError('argument', 'train: missing the network: give MODEL.json or --layers N,N,… (e.g. --layers 2,8,2)');
  const sizes = String(f.layers).split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new BackpropError('argument', `train: --layers expects at least two positive whole numbers separated by commas (inputs first), got ${JSON.stringify(f.layers)}`);
  }
  const outputs = sizes[sizes.length - 1]!;
  const output = (f.output as ActivationName | undefined) ?? (outputs === 1 ? (lossFlag === 'mse' || lossFlag === 'sse' ? 'linear' : 'sigmoid') : 'softmax');
  const loss = lossFlag ?? (output === 'softmax' ? 'cross_entropy' : output === 'sigmoid' ? 'bce' : 'mse');
  const model = Sequential.mlp(sizes, {
    activation: (f.activation as ActivationName | undefined) ?? 'relu',
    output,
    rng: seedStream((f.seed as number | undefined) ?? 0, 1),
    dtype: dtypeFlag ?? 'float64',
    ...(f.init !== undefined && { init: f.init as InitializerName }),
    ...blockOptions(f, 'train'),
  });
  return { model, loss };
}

/** A --layers network whose first or last size does not fit the data: one line with the sizes that would. */
function checkLayersFit(sizes: readonly number[], data: Dataset): void {
  const inputs = sizes[0]!;
  const outputs = sizes[sizes.length - 1]!;
  if (inputs === data.inputSize && outputs === data.outputSize) return;
  const classes = data.classNames && data.classNames.length > 2 ? `, one per class: ${listNames(data.classNames)}` : '';
  const fit = [data.inputSize, ...sizes.slice(1, -1), data.outputSize].join(',');
  throw new BackpropError(
    'argument',
    `train: --layers ${sizes.join(',')} does not fit the data ${JSON.stringify(data.name ?? '')}, which has ${data.inputSize} input column${data.inputSize === 1 ? '' : 's'} and ${data.outputSize} target column${data.outputSize === 1 ? '' : 's'}${classes}; try --layers ${fit}`,
  );
}

/** `a, b, c` — or the first few and the last when there are many. */
function listNames(names: readonly string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 4).join(', ')}, …, ${names[names.length - 1]} (${names.length})`;
}

function loadedPreprocessing(positional: string, resume: TrainingState | undefined, io: CliIo): PreprocessingFile | undefined {
  return resume ? (resume.model.preprocessing ?? undefined) : loadModelArg(positional, io).preprocessing;
}

/** The model's preprocessing: the scaler's statistics, feature and class names. */
function preprocessingOf(base: PreprocessingFile | undefined, data: DataNames, scaler: Scaler | undefined): PreprocessingFile | undefined {
  const p: PreprocessingFile = { ...(base ?? {}) };
  if (scaler) p.inputs = { ...scaler.toJSON() };
  if (data.featureNames) p.featureNames = [...data.featureNames];
  if (data.classNames) p.classNames = [...data.classNames];
  if (data.targetColumns) p.targetColumns = [...data.targetColumns];
  return Object.keys(p).length > 0 ? p : undefined;
}

function savedFlags(f: ParsedArgs['flags']): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && !UNSAVED.includes(k)) out[k] = v;
  return out;
}

/** The checkpoint's settings under the flags given now; a flag that differs is an error. */
function mergeResumed(f: ParsedArgs['flags'], positional: string | undefined, state: TrainingState, path: string): { flags: ParsedArgs['flags']; positional: string | undefined } {
  const settings = state.settings as { flags?: Record<string, string | number | boolean>; model?: string } | undefined;
  if (!settings || typeof settings.flags !== 'object' || settings.flags === null) throw new BackpropError('argument', `${path}: this checkpoint was not written by backprop train (no settings)`);
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || RESUMABLE.includes(k)) continue;
    if (settings.flags[k] !== v) {
      throw new BackpropError('argument', `train: --${k} ${v === true ? '' : String(v)} differs from the checkpoint's ${settings.flags[k] === undefined ? '(not given)' : String(settings.flags[k])}; a resumed run keeps its settings (only ${RESUMABLE.map((r) => '--' + r).join(', ')} may change)`);
    }
  }
  if (positional !== undefined && positional !== settings.model) throw new BackpropError('argument', `train: the checkpoint was trained from ${settings.model ?? '--layers'}, not ${positional}`);
  if (state.stopReason === null && state.history.length > 0 && state.history[state.history.length - 1]!.epoch !== state.epoch) {
    throw new BackpropError('argument', `${path}: inconsistent checkpoint (epoch ${state.epoch}, history to ${state.history[state.history.length - 1]!.epoch})`);
  }
  return { flags: { ...settings.flags, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) }, positional: settings.model };
}

/** `test: loss 0.12  accuracy 96.50 %` (or MSE and R² for regression). */
function summary(name: string, m: Metrics): string {
  const parts = [`${name}:`.padEnd(12), `loss ${formatNumber(m.loss, 6)}`];
  if (m.classification) parts.push(`accuracy ${percent(m.classification.accuracy)}`);
  if (m.regression) parts.push(`mse ${formatNumber(m.regression.mse, 6)}`, `r2 ${formatNumber(m.regression.r2, 4)}`);
  return parts.join('  ') + `  (${m.rows} rows)\n`;
}

function charts(loss: number[], history: import('../../train/history.js').History, width: number): string {
  let text = lineChart('loss', [{ name: 'train', values: loss, mark: '*' }, ...(history.has('valLoss') ? [{ name: 'validation', values: history.series('valLoss'), mark: 'o' }] : [])], { width, height: 8 });
  if (history.has('accuracy')) {
    text += '\n' + lineChart('accuracy', [{ name: 'train', values: history.series('accuracy'), mark: '*' }, ...(history.has('valAccuracy') ? [{ name: 'validation', values: history.series('valAccuracy'), mark: 'o' }] : [])], { width, height: 8 });
  }
  return text;
}

/** Deletes temporary files a killed run left beside its checkpoint (a write cut short by the kill). */
function removeStaleTemporaries(dir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(`.${CHECKPOINT_FILE}.`) && name.endsWith('.tmp')) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // NOTE: another process may have removed it; nothing to do.
      }
    }
  }
}
