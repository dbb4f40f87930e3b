// backprop/node — Node-only additions: files (atomic saves, size limits) and the CLI's real io.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { BackpropError } from './errors.js';
import { systemMessage, writeFileAtomic } from './io/atomic-write.node.js';
import type { CliIo } from './cli/io.js';
import { parseJsonText, parseModelFile, toModelFile, type LoadedModel, type PreprocessingFile } from './io/model-file.js';
import type { LossName } from './nn/losses.js';
import type { Sequential } from './nn/sequential.js';

export * from './index.js';
export { main } from './cli/main.js';
export { writeFileAtomic, NODE_FS, type AtomicWriteFs } from './io/atomic-write.node.js';
export type { CliIo } from './cli/io.js';

/** Files larger than this are refused before they are read (override with BACKPROP_MAX_FILE_BYTES). */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

/** The size limit in force: BACKPROP_MAX_FILE_BYTES or {@link DEFAULT_MAX_FILE_BYTES}. */
export function maxFileBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.BACKPROP_MAX_FILE_BYTES;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_FILE_BYTES;
}

/** Reads a file as bytes, refusing missing files, directories and files above the size limit. */
export function readFileChecked(path: string, limit = maxFileBytes()): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new BackpropError('io', `${path}: is a directory, expected a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    throw new BackpropError('io', `${path}: ${systemMessage(e)}`);
  }
  if (size > limit) throw new BackpropError('io', `${path}: the file is ${size} bytes, above the limit of ${limit} bytes (set BACKPROP_MAX_FILE_BYTES to raise it)`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new BackpropError('io', `${path}: ${systemMessage(e)}`);
  }
}

/** Loads and validates a model file. */
export function loadModel(path: string): LoadedModel {
  const text = readFileChecked(path).toString('utf8');
  return parseModelFile(parseJsonText(text, path), path);
}

/** Saves a model in the model-file format, atomically. */
export function saveModel(path: string, model: Sequential, loss: LossName, preprocessing?: PreprocessingFile): void {
  writeFileAtomic(path, JSON.stringify(toModelFile(model, loss, preprocessing), null, 1) + '\n');
}

/** The CLI's io on the real process: stdout/stderr, files, the terminal. */
export function nodeIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readText: (p) => readFileChecked(p).toString('utf8'),
    readBytes: (p) => new Uint8Array(readFileChecked(p)),
    writeAtomic: writeFileAtomic,
    exists: (p) => existsSync(p),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 80,
    env: process.env,
    now: () => performance.now(),
  };
}
