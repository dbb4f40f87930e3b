import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackpropError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.node.js';
import { CHECKPOINT_FILE, parseCheckpoint, serializeCheckpoint } from './checkpoint.js';
import type { TrainingState } from './state.js';

/**
 * Writes `DIR/checkpoint.json` atomically (temporary file, fsync, rename), creating DIR. A kill at
 * any moment leaves either the previous checkpoint or the new one, never a torn file.
 *
 * @example
 * ```ts
 * fit(model, data, { loss, callbacks: [checkpointCallback({ save: (s) => saveCheckpoint('ckpt', s) })] });
 * ```
 */
export function saveCheckpoint(dir: string, state: TrainingState): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new BackpropError('io', `${dir}: cannot create the checkpoint directory (${(e as Error).message})`);
  }
  writeFileAtomic(join(dir, CHECKPOINT_FILE), serializeCheckpoint(state));
}

/**
 * Reads `DIR/checkpoint.json` (see {@link saveCheckpoint}).
 *
 * @example
 * ```ts
 * const state = loadCheckpoint('run');   // reads run/checkpoint.json
 * await fit(model, data, { loss: 'cross_entropy', resume: state, epochs: 20 });
 * ```
 */
export function loadCheckpoint(dir: string): TrainingState {
  const path = join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BackpropError('io', `${path}: cannot read the checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCheckpoint(text, path);
}
