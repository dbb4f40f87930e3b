import { BackpropError } from '../errors.js';
import { isPlainObject, type ModelFile } from '../io/model-file.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { EpochLogs } from './history.js';

/** The state of {@link EarlyStopping} (the best weights as flat arrays, parameter by parameter). */
export interface EarlyStoppingState {
  monitor: string;
  best: number | null;
  bestEpoch: number;
  wait: number;
  /** The best weights, parameter by parameter: plain arrays, or typed ones for large models (see Optimizer.stateDict). */
  weights: (number[] | Float64Array)[] | null;
}

/**
 * Everything needed to continue a training run exactly where it was (a checkpoint's content, as
 * plain JSON): weights (with the model's loss and preprocessing), optimizer buffers and step counts,
 * the shuffling Rng's state, the epoch, the history, and the schedule's and early stopping's state.
 * Same state + same data + same settings ⇒ the same weights as a run that never stopped.
 */
export interface TrainingState {
  format: 'backprop-checkpoint';
  version: 1;
  /** Epochs completed. */
  epoch: number;
  model: ModelFile;
  optimizer: OptimizerState;
  /** The learning rate before any schedule. */
  baseLr: number;
  /** The shuffling Rng's state (null when not shuffling). */
  rng: number[] | null;
  /** The model's own generators' states by name (dropout's masks: `"3.rng"`); absent when it has none. */
  generators?: Record<string, number[]>;
  history: EpochLogs[];
  schedule: Record<string, number> | null;
  earlyStopping: EarlyStoppingState | null;
  /** Set when training had already stopped (early stopping, a callback) at this point. */
  stopReason: string | null;
  /** Free-form settings of the program that wrote it (the CLI keeps its flags here). */
  settings?: Record<string, unknown>;
}

/**
 * Checks the outline of a parsed checkpoint (the parts are validated again when loaded into the
 * model and optimizer). Errors name the source and the field.
 *
 * @example
 * ```ts
 * const state = parseTrainingState(JSON.parse(text), 'run/checkpoint.json');   // errors name the field
 * ```
 */
export function parseTrainingState(json: unknown, source = 'checkpoint'): TrainingState {
  const fail = (field: string, msg: string): never => {
    throw new BackpropError('value', `${source}: ${field}: ${msg}`);
  };
  if (!isPlainObject(json)) return fail('(top level)', 'expected a JSON object');
  if (json.format !== 'backprop-checkpoint') fail('format', `expected "backprop-checkpoint", got ${JSON.stringify(json.format)}`);
  if (json.version !== 1) fail('version', `expected 1, got ${JSON.stringify(json.version)}`);
  if (!Number.isInteger(json.epoch) || (json.epoch as number) < 0) fail('epoch', 'expected an integer ≥ 0');
  if (!isPlainObject(json.model)) fail('model', 'expected a model file object');
  if (!isPlainObject(json.optimizer)) fail('optimizer', 'expected an optimizer state object');
  if (typeof json.baseLr !== 'number' || !(json.baseLr > 0)) fail('baseLr', 'expected a number > 0');
  if (json.rng !== null && !Array.isArray(json.rng)) fail('rng', 'expected 4 integers or null');
  if (!Array.isArray(json.history)) fail('history', 'expected an array');
  if (json.generators !== undefined && (!isPlainObject(json.generators) || Object.values(json.generators).some((g) => !Array.isArray(g)))) {
    fail('generators', 'expected an object of generator states (arrays of 4 integers)');
  }
  return json as unknown as TrainingState;
}
