import { BackpropError } from '../../errors.js';
import type { Dataset } from '../../data/dataset.js';
import { scalerFromJSON, type Scaler } from '../../data/scale.js';
import type { LoadedModel } from '../../io/model-file.js';
import type { FlagSpec, ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { validateForModel } from '../../data/validate.js';
import { LOSSES, type LossName } from '../../nn/losses.js';
import { formatNumber } from '../../tensor/format.js';
import { evaluate, type Metrics } from '../../train/metrics.js';
import type { Command } from '../command.js';
import { loadModelArg } from '../inputs.js';
import { shown, jsonLine } from '../escape.js';
import { percent } from '../progress.js';
import { maxOf } from '../../tensor/extent.js';
import { DATA_FLAGS, encodeFor, modelContext, readDataFlags, scaled, seedStream, splitByFlags } from './data-args.js';

/** The flags {@link chosenRows} reads: the data, its split and the part. */
export const CHOSEN_ROWS_FLAGS: Record<string, FlagSpec> = {
  ...DATA_FLAGS,
  seed: { type: 'int', value: 'S', min: 0, help: 'seed of the data and split — the one given to train gives the same rows (default 0)' },
  part: { type: 'string', choices: ['all', 'train', 'validation', 'test'], help: 'which rows (default: test when there is a test part, else all)' },
};

/** `backprop eval MODEL.json --data …` — loss, accuracy, per-class precision/recall, confusion matrix (or MSE, R²). */
export const evalCommand: Command = {
  name: 'eval',
  summary: "a trained model's loss, accuracy, precision/recall and confusion matrix (MSE and R² for regression) on data",
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a trained model file (its saved preprocessing is applied to the data)' }],
    flags: {
      ...CHOSEN_ROWS_FLAGS,
      loss: { type: 'string', choices: LOSSES, help: "loss to report (default: the model file's)" },
      json: { type: 'boolean', help: 'print one JSON object with every figure' },
    },
  },
  examples: [
    'npx backprop eval scratch/iris.json --data iris --validation 0.2 --seed 1 --part validation  # after the second train example',
    'npx backprop eval scratch/mnist.json --data mnist  # the 2,000 held-out digits, after the mnist train example',
  ],
  async run(args, io) {
    const f = args.flags;
    const path = args.positionals[0]!;
    const loaded = loadModelArg(path, io);
    const { model, loss: fileLoss } = loaded;
    const loss = (f.loss as LossName | undefined) ?? fileLoss;
    const { part, ds, scaler } = await chosenRows(f, io, loaded, path, 'eval');
    validateForModel(ds, { inputSize: model.inputSize, outputSize: model.outputSize, outputActivation: model.outputActivation, loss });
    const m = evaluate(model, loss, ds);
    if (f.json === true) {
      io.stdout(jsonLine({ part, rows: m.rows, loss: m.loss, ...m.classification, ...m.regression }) + '\n');
      return 0;
    }
    io.stdout(`${shown(path)}: ${model.sizes.join('-')} (${loss}) on ${shown(String(f.data))}, ${part === 'all' ? 'all rows' : `${part} part`}: ${m.rows} rows${scaler ? ', inputs scaled with the saved statistics' : ''}\n\n`);
    io.stdout(report(m));
    return 0;
  },
};

/**
 * The rows a trained model is judged on, as `eval` and `health` choose them: the data and split of
 * the flags (the same --seed as train gives the same rows), the part asked for (default: the test
 * part when there is one, else all rows), scaled with the model's saved statistics.
 */
export async function chosenRows(f: ParsedArgs['flags'], io: CliIo, loaded: LoadedModel, path: string, command: string): Promise<{ part: string; ds: Dataset; scaler: Scaler | undefined }> {
  const { model, preprocessing } = loaded;
  const seed = (f.seed as number | undefined) ?? 0;
  const outAct = model.outputActivation;
  const { data, heldOut } = await readDataFlags(f, io, seedStream(seed, 2), command, modelContext(model.dtype, preprocessing));
  const parts = splitByFlags(f, encodeFor(data, model.outputSize, outAct), heldOut && encodeFor(heldOut, model.outputSize, outAct), seedStream(seed, 2), command);
  const part = (f.part as string | undefined) ?? (parts.test ? 'test' : 'all');
  const chosen: Dataset | undefined = part === 'all' ? (heldOut ? undefined : encodeFor(data, model.outputSize, outAct)) : part === 'train' ? parts.train : part === 'validation' ? parts.validation : parts.test;
  if (!chosen) {
    throw new BackpropError('argument', part === 'all' ? `${command}: --part all is not available for mnist (train: the 8,000 training digits, test: the 2,000 held-out ones)` : `${command}: --part ${part} needs --${part} F to split the data as train did`);
  }
  const scaler = preprocessing?.inputs ? scalerFromJSON(preprocessing.inputs, `${path}: preprocessing.inputs`) : undefined;
  return { part, ds: scaled(chosen, scaler), scaler };
}

/** The metrics as text: loss and accuracy, a per-class table and the confusion matrix (or MSE and R²). */
export function report(m: Metrics): string {
  const lines = [`loss      ${formatNumber(m.loss, 6)}`];
  const c = m.classification;
  if (c) {
    lines.push(`accuracy  ${percent(c.accuracy)}  (${Math.round(c.accuracy * m.rows)} of ${m.rows})`, '');
    const names = c.classNames.map(shown);
    const w = Math.max(5, maxOf(names, (n) => n.length));
    lines.push(`${'class'.padEnd(w)}  precision     recall  support`);
    names.forEach((name, k) => lines.push(`${name.padEnd(w)}  ${percent(c.precision[k]!).padStart(9)}  ${percent(c.recall[k]!).padStart(9)}  ${String(c.support[k]).padStart(7)}`));
    lines.push('', 'confusion matrix (rows: true class, columns: predicted class)');
    const cw = Math.max(maxOf(names, (n) => n.length), maxOf(c.confusion, (row) => maxOf(row, (v) => String(v).length)));
    lines.push(`${''.padEnd(w)}  ${names.map((n) => n.padStart(cw)).join('  ')}`);
    c.confusion.forEach((row, k) => lines.push(`${names[k]!.padEnd(w)}  ${row.map((v) => String(v).padStart(cw)).join('  ')}`));
  }
  if (m.regression) {
    lines.push(`mse       ${formatNumber(m.regression.mse, 6)}`, `r2        ${formatNumber(m.regression.r2, 6)}`);
    if (m.regression.r2PerOutput.length > 1) lines.push(`r2 per output  ${m.regression.r2PerOutput.map((v) => formatNumber(v, 4)).join('  ')}`);
  }
  return lines.join('\n') + '\n';
}
