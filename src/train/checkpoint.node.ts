import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackpropError } from '../errors.js';
import { systemMessage } from '../io/atomic-write.node.js';
import { readJsonDocument, writeJsonDocument } from '../io/json-files.node.js';
import { CHECKPOINT_FILE } from './checkpoint.js';
import { parseTrainingState, type TrainingState } from './state.js';

/**
 * Writes `DIR/checkpoint.json` atomically (temporary file, fsync, rename), creating DIR. A kill at
 * any moment leaves either the previous checkpoint or the new one, never a torn file. A model above
 * 1,000,000 parameters keeps its weights and optimizer buffers in a safetensors file beside it
 * (`checkpoint.<checksum>.safetensors`, see writeJsonDocument).
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
    throw new BackpropError('io', `${dir}: cannot create the checkpoint directory (${systemMessage(e)})`);
  }
  writeJsonDocument(join(dir, CHECKPOINT_FILE), state);
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
  return parseTrainingState(readJsonDocument(path), path);
}
