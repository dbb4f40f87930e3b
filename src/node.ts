/**
 * `backprop/node` — everything in `backprop`, plus the Node-only parts: files (atomic saves, size
 * limits, MNIST, CSV files, checkpoints) and the CLI (`main`, `nodeIo`).
 *
 * @module backprop/node
 */
import { existsSync } from 'node:fs';
import { writeFileAtomic } from './io/atomic-write.node.js';
import { readFileChecked } from './io/read-checked.node.js';
import { fileChunks } from './data/files.node.js';
import type { CliIo } from './cli/io.js';
import { stdinLines } from './cli/line-input.node.js';
import { parseJsonText, parseModelFile, toModelFile, type LoadedModel, type PreprocessingFile } from './io/model-file.js';
import type { LossName } from './nn/losses.js';
import type { Sequential } from './nn/sequential.js';

export * from './index.js';
export { main } from './cli/main.js';
export { writeFileAtomic, NODE_FS, type AtomicWriteFs } from './io/atomic-write.node.js';
export { DEFAULT_MAX_FILE_BYTES, maxFileBytes, readFileChecked } from './io/read-checked.node.js';
export type { CliIo } from './cli/io.js';
export { loadMnist } from './data/mnist.node.js';
export { readCsvFile } from './data/csv.node.js';
export { loadData, dataLimit, DATA_NAMES, IDX_SETS, type LoadDataOptions, type LoadedData } from './data/load.node.js';
export { fileChunks };
export { saveCheckpoint, loadCheckpoint } from './train/checkpoint.node.js';

/**
 * Loads and validates a model file.
 *
 * @example
 * ```ts
 * const { model, loss, preprocessing } = loadModel('examples/seed-model.json');
 * model.sizes;   // [3, 2, 2]; loss 'sse'
 * ```
 */
export function loadModel(path: string): LoadedModel {
  const text = readFileChecked(path).toString('utf8');
  return parseModelFile(parseJsonText(text, path), path);
}

/**
 * Saves a model in the model-file format, atomically.
 *
 * @example
 * ```ts
 * saveModel('trained.json', model, 'cross_entropy');   // temporary file, then rename: never half written
 * ```
 */
export function saveModel(path: string, model: Sequential, loss: LossName, preprocessing?: PreprocessingFile): void {
  writeFileAtomic(path, JSON.stringify(toModelFile(model, loss, preprocessing), null, 1) + '\n');
}

/**
 * The CLI's io on the real process: stdout/stderr, files, the terminal.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), nodeIo());   // what the backprop command does
 * ```
 */
export function nodeIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readText: (p) => readFileChecked(p).toString('utf8'),
    readBytes: (p) => new Uint8Array(readFileChecked(p)),
    readChunks: fileChunks,
    writeAtomic: writeFileAtomic,
    exists: (p) => existsSync(p),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 80,
    env: process.env,
    now: () => performance.now(),
    openLines: stdinLines,
  };
}
