import { BackpropError } from '../errors.js';
import { makeDataset } from '../data/dataset.js';
import { validateForModel } from '../data/validate.js';
import { describe, parseJsonText, parseModelFile, type LoadedModel } from '../io/model-file.js';
import type { LossName } from '../nn/losses.js';
import type { Sequential } from '../nn/sequential.js';
import type { DType } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CliIo } from './io.js';
import { readJsonArg } from './output.js';

/**
 * An N×k matrix given on the command line: inline JSON (`[[1,2,3]]`; a flat `[1,2,3]` is one row)
 * or the path of a JSON file holding it. `what` names the flag in errors.
 */
export function readMatrixArg(arg: string, io: CliIo, what: string, cols?: number): number[][] {
  const trimmed = arg.trim();
  const inline = trimmed.startsWith('[');
  const source = inline ? `${what}` : `${what} (${arg})`;
  const value = parseJsonText(inline ? trimmed : io.readText(arg), source);
  const rows: unknown[] = Array.isArray(value) && value.length > 0 && !Array.isArray(value[0]) ? [value] : (value as unknown[]);
  if (!Array.isArray(rows) || rows.length === 0) throw new BackpropError('argument', `${source}: expected an N×k JSON array of numbers, got ${describe(value)}`);
  const width = cols ?? (Array.isArray(rows[0]) ? rows[0].length : 0);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== width) {
      throw new BackpropError('argument', `${source}: row ${i}: expected ${width} numbers${cols !== undefined ? ' (the model\'s size)' : ''}, got ${describe(row)}`);
    }
    row.forEach((x: unknown, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new BackpropError('argument', `${source}: [${i}][${j}]: expected a finite number, got ${describe(x)}`);
    });
  });
  return rows as number[][];
}

/** The same as {@link readMatrixArg}, as a tensor of `dtype`. */
export function matrixArg(arg: string, io: CliIo, what: string, dtype: DType, cols?: number): Tensor {
  return tensor(readMatrixArg(arg, io, what, cols), { dtype });
}

/** Reads and validates a model file named on the command line. */
export function loadModelArg(path: string, io: CliIo): LoadedModel {
  return parseModelFile(readJsonArg(io, path), path);
}

/**
 * Checks that targets given on the command line suit the model and its loss, as train and eval
 * check their data (validateForModel): cross-entropy targets are distributions (≥ 0, rows summing
 * to 1), bce targets lie in [0, 1], targets within the output activation's range.
 *
 * @throws BackpropError `data`: `--target: … cross_entropy loss …`.
 * @example
 * ```ts
 * checkTargets(model, 'cross_entropy', x, t, '--target');   // throws for a row like [-2.9, 3.9]
 * ```
 */
export function checkTargets(model: Sequential, loss: LossName, x: Tensor, t: Tensor, what: string): void {
  const rows = x.shape[0]!;
  // NOTE: rows that do not pair up are the caller's message to give.
  if (t.shape[0] !== rows) return;
  const data = makeDataset({ x: Float64Array.from(x.data), y: Float64Array.from(t.data), rows, inputSize: model.inputSize, outputSize: model.outputSize, task: 'regression' });
  try {
    validateForModel(data, { inputSize: model.inputSize, outputSize: model.outputSize, outputActivation: model.outputActivation, loss });
  } catch (e) {
    if (e instanceof BackpropError) throw new BackpropError(e.code, `${what}: ${e.message.replace(/^targets/, 'T')} (with the ${loss} loss)`);
    throw e;
  }
}
