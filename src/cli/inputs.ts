import { BackpropError } from '../errors.js';
import { describe, parseJsonText, parseModelFile, type LoadedModel } from '../io/model-file.js';
import type { DType } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CliIo } from './io.js';

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
  return parseModelFile(parseJsonText(io.readText(path), path), path);
}
