import { join } from 'node:path';
import { BackpropError } from '../../errors.js';
import type { Dataset } from '../../data/dataset.js';
import { parseModelFile, preprocessingOf, toModelFile, type LoadedModel, type PreprocessingFile } from '../../io/model-file.js';
import { ACTIVATIONS, type ActivationName } from '../../nn/activations.js';
import { INITIALIZERS, type InitializerName } from '../../nn/init.js';
import { LOSSES, type LossName } from '../../nn/losses.js';
import { Sequential } from '../../nn/sequential.js';
import { createOptimizer, OPTIMIZERS } from '../../optim/create.js';
import type { OptimizerName } from '../../optim/optimizer.js';
import { formatNumber } from '../../tensor/format.js';
import type { Callback } from '../../train/callbacks.js';
import { CHECKPOINT_FILE, checkpointCallback } from '../../train/checkpoint.js';
import { TrainingDivergedError } from '../../train/diagnose.js';
import { fit } from '../../train/fit.js';
import { History } from '../../train/history.js';
import { evaluate, type Metrics } from '../../train/metrics.js';
import { historySvg } from '../../train/plot-svg.js';
import { parseSchedule, SCHEDULE_SYNTAX } from '../../train/schedules.js';
import { parseTrainingState, type TrainingState } from '../../train/state.js';
import type { ParsedArgs } from '../args.js';
import { lineChart } from '../chart.js';
import type { Command } from '../command.js';
import { loadModelArg } from '../inputs.js';
import type { CliIo } from '../io.js';
import { percent, Progress } from '../progress.js';
import { HEALTH_FLAGS, TrainHealth } from '../train-health.js';
import { DATA_NAMES } from '../../data/load.node.js';
import { DATA_FLAGS, SEPARATE_DATA_FLAGS, seedStream, trainingParts } from './data-args.js';
import { blockOptions, describeExtras, LAYER_FLAGS, penaltyFlags } from './layer-args.js';
import { checkNetworkSize, INLINE_PARAMETERS } from '../../nn/size.js';
import { shown } from '../escape.js';
import { Interrupt, interruptedLine } from '../interrupt.js';
import { checkTrainingMemory, optimizerBuffers } from '../memory.js';
import { checkOutputs, messagesIo, readJsonArg, saveCheckpointTo, writeJsonTo, writeTo } from '../output.js';
import { resumedFlags, savedSettings } from '../resume.js';
import { trainingDataWarnings } from '../warnings.js';

/** True when a flag's value names a file or directory to read (`--data iris` names a bundled set). */
const readsFile = (flag: string, value: string): boolean => (flag === 'data' && !DATA_NAMES.includes(value)) || flag === 'validation-data' || flag === 'test-data';

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
      plot: { type: 'string', value: 'FILE.svg', help: 'write the loss/accuracy curves, gradient flow and update ratios as an SVG picture' },
      ...HEALTH_FLAGS,
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
      resume = parseTrainingState(readJsonArg(io, path), path);
      ({ flags: f, positional } = resumedFlags(f, positional, resume, path, train.spec, readsFile));
      // NOTE: a resumed run keeps checkpointing into the directory it resumed from, unless told otherwise.
      if (f.checkpoint === undefined) f.checkpoint = String(f.resume);
    }
    if (positional !== undefined && resume === undefined && DATA_NAMES.includes(positional) && !io.exists(positional)) {
      throw new BackpropError('argument', `train: ${JSON.stringify(positional)} is the name of a dataset, and the argument before the flags is a MODEL.json to start from; write --data ${positional}`);
    }
    if (f.out === undefined) throw new BackpropError('argument', 'train: missing --out FILE (where the trained model goes)');
    if (f['checkpoint-every'] !== undefined && f.checkpoint === undefined) throw new BackpropError('argument', 'train: --checkpoint-every needs --checkpoint DIR');
    if (f.patience !== undefined && f['early-stopping'] !== true) throw new BackpropError('argument', 'train: --patience needs --early-stopping');
    const out = String(f.out);
    // NOTE: every output is checked before data is read or a network built: a bad path is found now, not after the last epoch.
    const kinds = checkOutputs(io, 'train', [
      { flag: 'out', path: out },
      ...(f.plot !== undefined ? [{ flag: 'plot', path: String(f.plot) }] : []),
      ...(f.checkpoint !== undefined ? [{ flag: 'checkpoint', path: String(f.checkpoint), kind: 'directory' as const, files: [join(String(f.checkpoint), CHECKPOINT_FILE)] }] : []),
    ], ['data', 'validation-data', 'test-data'].flatMap((k) => (f[k] !== undefined && readsFile(k, String(f[k])) ? [String(f[k])] : [])));
    if (kinds.get('plot') === 'file' && !String(f.plot).toLowerCase().endsWith('.svg')) throw new BackpropError('argument', `train: --plot must name an .svg file, got ${JSON.stringify(f.plot)}`);
    const say = messagesIo(io, out === '-' || f.plot === '-');
    const seed = (f.seed as number | undefined) ?? 0;

    const { model, loss } = buildModel(f, positional, resume, io);
    if (kinds.get('out') === 'special' && model.parameterCount() > INLINE_PARAMETERS) {
      // NOTE: such a model is two files (its weights beside its JSON): say so now, not after the last epoch.
      throw new BackpropError('argument', `train: --out ${shown(out)}: a network of ${model.parameterCount()} parameters (above ${INLINE_PARAMETERS}) is saved as its JSON and a weights file beside it, so --out needs a file name, not standard output, a FIFO or a device`);
    }
    const base = positional ? loadedPreprocessing(positional, resume, io) : undefined;
    const outputActivation = model.outputActivation;
    const shape = { dtype: model.dtype, outputSize: model.outputSize, outputActivation, ...(base?.featureNames && { features: base.featureNames }), ...(base?.classNames && { classes: base.classNames }) };
    const check = f.layers !== undefined ? (data: Dataset): void => checkLayersFit(model.sizes, data) : undefined;
    const { names, train: trainSet, validation, test, scaler, read } = await trainingParts(f, io, seed, shape, check);
    const preprocessing = preprocessingOf(names, scaler, base);

    const name = (f.optimizer as OptimizerName | undefined) ?? 'sgd';
    const defaultLr = { sgd: 0.1, rmsprop: 0.01, adam: 0.001, adamw: 0.001 }[name];
    const epochs = (f.epochs as number | undefined) ?? 100;
    const batchSize = (f['batch-size'] as number | undefined) ?? (f.layers !== undefined ? Math.min(32, trainSet.rows) : trainSet.rows);
    const optimizer = createOptimizer(name, model.parameters(), {
      lr: (f.lr as number | undefined) ?? defaultLr,
      ...(f.momentum !== undefined ? { momentum: f.momentum as number } : {}),
      ...(f.nesterov === true ? { nesterov: true } : {}),
      ...(f['weight-decay'] !== undefined ? { weightDecay: f['weight-decay'] as number } : {}),
    });
    const schedule = f.schedule !== undefined ? parseSchedule(String(f.schedule), epochs) : undefined;
    if (resume && resume.epoch > epochs) throw new BackpropError('argument', `train: the checkpoint is at epoch ${resume.epoch}, beyond --epochs ${epochs}`);

    const splitNote = [validation && `validation ${validation.rows}`, test && `test ${test.rows}`].filter(Boolean).join(', ');
    const header =
      read +
      `training ${model.sizes.join('-')} (${loss}, ${name}, η=${optimizer.lr}${describeExtras(f)}) on ${trainSet.rows} samples${splitNote ? ` (${splitNote})` : ''}, batch ${batchSize}, ${epochs} epochs` +
      `${resume ? `, resuming after epoch ${resume.epoch}` : ''}\n`;
    const progress = new Progress(say);
    const health = new TrainHealth(f, say, progress);
    const interrupt = new Interrupt(io);
    // NOTE: the header is printed once fit has checked the data against the network, so an error comes alone;
    // the health checks run before a checkpoint is written, so that it holds the epoch's check.
    const callbacks: Callback[] = [{ onTrainBegin: () => {
      say.stdout(header);
      for (const w of trainingDataWarnings(trainSet)) io.stderr(`warning: ${shown(w)}\n`);
    } }, progress, health.monitor, interrupt];
    // NOTE: the epoch the checkpoint directory holds, for the messages after a stop; and the state
    // a checkpoint could not be written for (a disk that filled up during training).
    let checkpointed = resume && f.checkpoint === f.resume ? resume.epoch : 0;
    const unsaved: { state: TrainingState | null } = { state: null };
    if (f.checkpoint !== undefined) {
      const dir = String(f.checkpoint);
      callbacks.push(checkpointCallback({
        every: (f['checkpoint-every'] as number | undefined) ?? 1,
        save: (state) => {
          unsaved.state = state;
          saveCheckpointTo(io, dir, state);
          unsaved.state = null;
          checkpointed = state.epoch;
        },
      }));
    }
    /** Writes --out, then --plot; says so when `announce`. */
    const saveFiles = (history: History, announce: boolean): void => {
      writeJsonTo(io, out, toModelFile(model, loss, preprocessing), 1);
      if (announce && out !== '-') say.stdout(`saved ${shown(out)}\n`);
      if (f.plot === undefined) return;
      writeTo(io, String(f.plot), historySvg(history, { title: `${String(f.data)} · ${model.sizes.join('-')} · ${name}`, ...health.plotPanels(history) }));
      if (announce && f.plot !== '-') say.stdout(`plot ${shown(String(f.plot))}\n`);
    };
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
        settings: { flags: savedSettings(f), ...(positional !== undefined && { model: positional }) },
      });
    } catch (e) {
      interrupt.dispose();
      progress.clear();
      health.diverged(e);
      if (e instanceof TrainingDivergedError) {
        const kept = f.checkpoint !== undefined && checkpointed > 0 ? `; the last checkpoint in ${shown(String(f.checkpoint))} holds epoch ${checkpointed}` : '';
        throw new BackpropError('numeric', `${e.message.replace(/; the model (keeps the last good weights|holds the weights of that epoch).*$/, '')}; ${out} was not written${kept}`);
      }
      const lost = unsaved.state;
      if (lost !== null && e instanceof BackpropError) {
        // NOTE: the model holds the weights of the epoch whose checkpoint failed: keep them.
        saveFiles(History.fromJSON(lost.history), false);
        throw new BackpropError(e.code, `${e.message}; training stopped after epoch ${lost.epoch}, whose weights ${out === '-' ? 'went to standard output' : `${out} holds`}`);
      }
      throw e;
    } finally {
      progress.clear();
    }
    // NOTE: the files first, then the words and the chart: a long history, a closed stdout or a
    // chart that fails must never cost the model.
    saveFiles(result.history, interrupt.signal === null);
    interrupt.dispose();
    if (interrupt.signal !== null) {
      io.stderr(interruptedLine(interrupt, result, { out, plot: f.plot as string | undefined, checkpoint: f.checkpoint === undefined ? undefined : { dir: String(f.checkpoint), epoch: checkpointed } }) + '\n');
      return interrupt.exitStatus;
    }
    if (result.stopReason !== 'completed') say.stdout(`${result.stopReason}; the model holds the weights of epoch ${result.weightsFromEpoch}\n`);
    say.stdout(summary('train', result.train));
    if (result.validation) say.stdout(summary('validation', result.validation));
    if (test) say.stdout(summary('test', evaluate(model, loss, test)));
    health.finish();
    if (result.history.length >= 2) say.stdout('\n' + charts(result.history.series('loss'), result.history, Math.min(60, Math.max(20, (say.columns > 0 ? say.columns : 80) - 14))));
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
  // NOTE: before Sequential.mlp allocates: a network beyond the limits or this machine's memory is refused in words.
  checkNetworkSize(sizes, 'train: --layers: the network');
  checkTrainingMemory(sizes, {
    dtype: dtypeFlag ?? 'float64',
    optimizerBuffers: optimizerBuffers((f.optimizer as OptimizerName | undefined) ?? 'sgd', f.momentum !== undefined && f.momentum !== 0),
    batchSize: (f['batch-size'] as number | undefined) ?? 32,
    earlyStopping: f['early-stopping'] === true,
  });
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

/** `test: loss 0.12  accuracy 96.50 %` (or MSE and R² for regression). */
function summary(name: string, m: Metrics): string {
  const parts = [`${name}:`.padEnd(12), `loss ${formatNumber(m.loss, 6)}`];
  if (m.classification) parts.push(`accuracy ${percent(m.classification.accuracy)}`);
  if (m.regression) parts.push(`mse ${formatNumber(m.regression.mse, 6)}`, `r2 ${formatNumber(m.regression.r2, 4)}`);
  return parts.join('  ') + `  (${m.rows} rows)\n`;
}

function charts(loss: number[], history: History, width: number): string {
  let text = lineChart('loss', [{ name: 'train', values: loss, mark: '*' }, ...(history.has('valLoss') ? [{ name: 'validation', values: history.series('valLoss'), mark: 'o' }] : [])], { width, height: 8 });
  if (history.has('accuracy')) {
    text += '\n' + lineChart('accuracy', [{ name: 'train', values: history.series('accuracy'), mark: '*' }, ...(history.has('valAccuracy') ? [{ name: 'validation', values: history.series('valAccuracy'), mark: 'o' }] : [])], { width, height: 8 });
  }
  return text;
}
