import { systemMessage } from '../../io/atomic-write.node.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackpropError } from '../../errors.js';
import { pytorchScript, type TrainingSettings } from '../../io/pytorch-script.js';
import { OPTIMIZERS } from '../../optim/create.js';
import { parseSchedule, SCHEDULE_SYNTAX } from '../../train/schedules.js';
import { toModelFile } from '../../io/model-file.js';
import { modelFileToOnnx } from '../../io/onnx.js';
import type { SafetensorsDtype } from '../../io/safetensors.js';
import { encodeSafetensors } from '../../io/safetensors.js';
import { modelFileToStateDict } from '../../io/state-dict.js';
import type { Command } from '../command.js';
import { shown } from '../escape.js';
import { loadModelArg } from '../inputs.js';
import { checkOutputs, messagesIo, writeTo } from '../output.js';
import type { CliIo } from '../io.js';

/**
 * `backprop export MODEL.json --format safetensors|onnx --out FILE` — the model's weights for
 * PyTorch (safetensors, `state_dict` names of an `nn.Sequential`) or any ONNX runtime.
 *
 * safetensors: F64 for a float64 model, F32 for a float32 one (override with `--dtype`); the
 * activations are kept in the file's metadata (`backprop.spec`), so `backprop import` needs no spec.
 * ONNX: float32 always, opset 13 (20 when a layer uses gelu) unless `--opset N` (13 … 22).
 * The file is written atomically: a failure leaves no partial file and any previous file intact.
 */
export const exportCommand: Command = {
  name: 'export',
  summary: 'write a model as safetensors (PyTorch state_dict names), ONNX, or a PyTorch training script with its weights',
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a model file (format backprop-model, version 1)' }],
    flags: {
      format: { type: 'string', choices: ['safetensors', 'onnx', 'pytorch'], help: 'the file format to write (pytorch: a directory with train.py, model.safetensors, preprocessing.json)' },
      out: { type: 'string', value: 'FILE|DIR', help: 'where to write it (a directory for pytorch)' },
      data: { type: 'string', value: 'FILE.csv', help: 'pytorch: the CSV the script trains on by default' },
      optimizer: { type: 'string', choices: OPTIMIZERS, help: 'pytorch: the update rule the script uses (default sgd, as train)' },
      lr: { type: 'number', value: 'X', above: 0, help: 'pytorch: learning rate (default as train: 0.1 sgd, 0.01 rmsprop, 0.001 adam/adamw)' },
      momentum: { type: 'number', value: 'M', min: 0, help: 'pytorch: momentum (sgd, rmsprop)' },
      nesterov: { type: 'boolean', help: 'pytorch: Nesterov momentum (sgd)' },
      'weight-decay': { type: 'number', value: 'W', min: 0, help: 'pytorch: weight decay' },
      epochs: { type: 'int', value: 'E', min: 1, help: 'pytorch: epochs (default 10)' },
      'batch-size': { type: 'int', value: 'B', min: 1, help: 'pytorch: samples per step (default 32)' },
      schedule: { type: 'string', value: 'SPEC', help: `pytorch: learning-rate schedule: ${SCHEDULE_SYNTAX}` },
      dtype: { type: 'string', choices: ['F32', 'F64'], help: "safetensors element type (default: the model's precision)" },
      opset: { type: 'int', value: 'N', min: 13, help: 'ONNX opset, 13 … 22 (default 13; 20 when a layer uses gelu)' },
    },
  },
  examples: [
    'npx backprop export examples/seed-model.json --format safetensors --out scratch/seed.safetensors',
    'npx backprop export examples/seed-model.json --format onnx --out scratch/seed.onnx',
  ],
  run(args, io) {
    const f = args.flags;
    const path = args.positionals[0]!;
    if (f.format === undefined) throw new BackpropError('argument', 'export: missing --format safetensors|onnx|pytorch');
    if (f.out === undefined) throw new BackpropError('argument', 'export: missing --out FILE (where the exported model goes)');
    const format = f.format as 'safetensors' | 'onnx' | 'pytorch';
    const trainingFlags = ['data', 'optimizer', 'lr', 'momentum', 'nesterov', 'weight-decay', 'epochs', 'batch-size', 'schedule'];
    if (format !== 'pytorch') for (const k of trainingFlags) if (f[k] !== undefined) throw new BackpropError('argument', `export: --${k} applies to --format pytorch only`);
    if (format === 'pytorch') return exportPytorch(path, String(f.out), f, io);
    if (format === 'onnx' && f.dtype !== undefined) {
      throw new BackpropError('argument', 'export: --dtype applies to safetensors only; ONNX files are always float32');
    }
    if (format !== 'onnx' && f.opset !== undefined) throw new BackpropError('argument', 'export: --opset applies to --format onnx only');
    const out = String(f.out);
    if (out === path) throw new BackpropError('argument', `export: --out ${path} would overwrite the model file itself; choose another name`);
    checkOutputs(io, 'export', [{ flag: 'out', path: out }], [path]);
    const { model, loss, preprocessing } = loadModelArg(path, io);
    const file = toModelFile(model, loss, preprocessing);
    let bytes: Uint8Array;
    let what: string;
    if (format === 'safetensors') {
      const dtype = (f.dtype as SafetensorsDtype | undefined) ?? (model.dtype === 'float32' ? 'F32' : 'F64');
      const { tensors, metadata } = modelFileToStateDict(file, { dtype });
      bytes = encodeSafetensors(tensors, metadata);
      const names = [...tensors.keys()];
      what = `safetensors, ${dtype}, tensors ${names.join(', ')}`;
    } else {
      bytes = modelFileToOnnx(file, f.opset === undefined ? {} : { opset: f.opset as number });
      what = 'ONNX, float32, input "input" [batch, ' + model.inputSize + '] → output "output" [batch, ' + model.outputSize + ']';
    }
    writeTo(io, out, bytes);
    messagesIo(io, out === '-').stdout(`wrote ${out === '-' ? 'standard output' : shown(out)} (${shown(what)}; ${bytes.length} bytes)\n`);
    if (preprocessing !== undefined) {
      io.stderr(`note: ${shown(path)} carries preprocessing (scalers, names) that ${format} files do not hold; apply it to the inputs yourself\n`);
    }
    return 0;
  },
};

/** `--format pytorch`: DIR/train.py, DIR/model.safetensors and DIR/preprocessing.json. */
function exportPytorch(path: string, dir: string, f: Record<string, string | number | boolean | undefined>, io: CliIo): number {
  if (f.dtype !== undefined) throw new BackpropError('argument', "export: --dtype applies to --format safetensors; the pytorch script trains in the model's precision");
  checkOutputs(io, 'export', [{ flag: 'out', path: dir, kind: 'directory', files: ['model.safetensors', 'preprocessing.json', 'train.py'].map((n) => join(dir, n)) }], [path, ...(f.data !== undefined ? [String(f.data)] : [])]);
  const { model, loss, preprocessing } = loadModelArg(path, io);
  if (!preprocessing?.featureNames || !preprocessing.targetColumns) {
    throw new BackpropError('argument', `export --format pytorch: ${path} was not trained on a CSV file (it has no feature and target columns to read); train it with --data FILE.csv first`);
  }
  const file = toModelFile(model, loss, preprocessing);
  const optimizer = (f.optimizer as TrainingSettings['optimizer'] | undefined) ?? 'sgd';
  const epochs = (f.epochs as number | undefined) ?? 10;
  if (f.schedule !== undefined) parseSchedule(String(f.schedule), epochs);
  const settings: TrainingSettings = {
    optimizer,
    lr: (f.lr as number | undefined) ?? { sgd: 0.1, rmsprop: 0.01, adam: 0.001, adamw: 0.001 }[optimizer],
    epochs,
    batchSize: (f['batch-size'] as number | undefined) ?? 32,
    ...(f.momentum !== undefined && { momentum: f.momentum as number }),
    ...(f.nesterov === true && { nesterov: true }),
    ...(f['weight-decay'] !== undefined && { weightDecay: f['weight-decay'] as number }),
    ...(f.schedule !== undefined && { schedule: String(f.schedule) }),
    ...(f.data !== undefined && { data: String(f.data) }),
  };
  const script = pytorchScript(file, settings);
  const { tensors, metadata } = modelFileToStateDict(file, { dtype: model.dtype === 'float32' ? 'F32' : 'F64' });
  const weights = encodeSafetensors(tensors, metadata);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new BackpropError('io', `${dir}: cannot create the directory (${systemMessage(e)})`);
  }
  io.writeAtomic(join(dir, 'model.safetensors'), weights);
  io.writeAtomic(join(dir, 'preprocessing.json'), JSON.stringify(preprocessing, null, 1) + '\n');
  io.writeAtomic(join(dir, 'train.py'), script);
  io.stdout(`wrote ${shown(join(dir, 'train.py'))}, model.safetensors (${weights.length} bytes) and preprocessing.json; run: python3 ${shown(join(dir, 'train.py'))}${settings.data ? '' : ' --data FILE.csv'}\n`);
  return 0;
}
