import { BackpropError } from '../errors.js';
import { parseJsonText } from '../io/model-file.js';
import type { Callback } from './callbacks.js';
import { parseTrainingState, type TrainingState } from './state.js';

/** The file name of the checkpoint inside a checkpoint directory. */
export const CHECKPOINT_FILE = 'checkpoint.json';

/**
 * A checkpoint's text: the {@link TrainingState} as JSON (numbers written exactly, round-trip safe).
 *
 * @example
 * ```ts
 * const text = serializeCheckpoint(ctx.state());   // in a callback: everything needed to resume
 * await fit(model, data, { loss: 'mse', resume: parseCheckpoint(text) });
 * ```
 */
export function serializeCheckpoint(state: TrainingState): string {
  // NOTE: a large model's state holds typed arrays (a file on disk keeps them in its weights file,
  // see saveCheckpoint); as one text they are written as plain arrays.
  return JSON.stringify(state, (_key, v: unknown) => (v instanceof Float64Array || v instanceof Float32Array ? Array.from(v) : v)) + '\n';
}

/**
 * Reads a checkpoint's text; errors name `source`.
 *
 * @example
 * ```ts
 * const state = parseCheckpoint(text, 'run/checkpoint.json');
 * await fit(model, data, { loss: state.model.loss, resume: state, epochs: 20 });
 * ```
 */
export function parseCheckpoint(text: string, source = 'checkpoint'): TrainingState {
  return parseTrainingState(parseJsonText(text, source), source);
}

/** Options of {@link checkpointCallback}. */
export interface CheckpointOptions {
  /** Write after every `every` epochs (default 1); the last epoch and an early stop are always written. */
  every?: number;
  /**
   * Stores the state; with the Node entry, e.g. `(s) => saveCheckpoint(dir, s)`. Must be atomic to
   * survive a kill. The text (serializeCheckpoint) is made only for a function that takes it — a
   * second parameter — so a large model's state is never turned into one string needlessly.
   */
  save: (state: TrainingState, text: string) => void;
}

/**
 * A callback that saves the complete training state at epoch ends, so `fit(…, { resume: state })`
 * continues exactly where it was.
 *
 * @example
 * ```ts
 * await fit(model, data, { loss, callbacks: [checkpointCallback({ every: 5, save: (_, text) => localStorage.setItem('ckpt', text) })] });
 * ```
 */
export function checkpointCallback(options: CheckpointOptions): Callback {
  const every = options.every ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) throw new BackpropError('value', `checkpoint: every must be an integer ≥ 1, got ${every}`);
  return {
    onEpochEnd(logs, ctx) {
      if (logs.epoch % every === 0 || logs.epoch === ctx.epochs || ctx.stopReason !== null) {
        const state = ctx.state();
        // NOTE: a save of one parameter never reads the text; an empty string stands in for it.
        options.save(state, options.save.length >= 2 ? serializeCheckpoint(state) : '');
      }
    },
  };
}
