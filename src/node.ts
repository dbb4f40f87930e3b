/**
 * `backprop/node` — everything in `backprop`, plus the Node-only parts: files (atomic saves, size
 * limits, MNIST, CSV files, checkpoints) and the CLI (`main`, `nodeIo`).
 *
 * @module backprop/node
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { checkOutput, writeOutput } from './io/output.node.js';
import { stdWriter } from './io/stdio.node.js';
import { readJsonDocument, writeJsonDocument } from './io/json-files.node.js';
import { readFileChecked } from './io/read-checked.node.js';
import { fileChunks } from './data/files.node.js';
import type { CliIo } from './cli/io.js';
import { stdinLines } from './cli/line-input.node.js';
import { parseJsonText, parseModelFile, toModelFile, type LoadedModel, type PreprocessingFile } from './io/model-file.js';
import type { LossName } from './nn/losses.js';
import type { Sequential } from './nn/sequential.js';

export * from './index.js';
export { main } from './cli/main.js';
export { writeFileAtomic, removeStaleTemporaries, NODE_FS, type AtomicWriteFs, type OutputData } from './io/atomic-write.node.js';
export { writeOutput, checkOutput, resolveOutput, type OutputTarget, type WriteOutputOptions } from './io/output.node.js';
export { stdWriter, type StdWriter } from './io/stdio.node.js';
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
  return parseModelFile(readJsonDocument(path), path);
}

/**
 * Saves a model in the model-file format with the write semantics of {@link writeOutput}: a file
 * atomically (a symlink through to its target), `-` to standard output, a FIFO or device by
 * streaming. A model above 1,000,000 parameters keeps its weights in a safetensors file beside the
 * JSON (see docs/model-file.md); {@link loadModel} reads both.
 *
 * @example
 * ```ts
 * saveModel('trained.json', model, 'cross_entropy');   // temporary file, then rename: never half written
 * ```
 */
export function saveModel(path: string, model: Sequential, loss: LossName, preprocessing?: PreprocessingFile): void {
  writeJsonDocument(path, toModelFile(model, loss, preprocessing), 1);
}

/**
 * The CLI's io on the real process: stdout/stderr (a closed reader stops the output, never the
 * work), files with the write semantics of {@link writeOutput}, the terminal, SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), nodeIo());   // what the backprop command does
 * ```
 */
export function nodeIo(): CliIo {
  const stdout = stdWriter(process.stdout);
  const stderr = stdWriter(process.stderr);
  return {
    stdout,
    stderr,
    readText: (p) => readFileChecked(p).toString('utf8'),
    readBytes: (p, maxBytes) => new Uint8Array(readFileChecked(p, maxBytes)),
    readChunks: fileChunks,
    writeAtomic: (p, data) => writeOutput(p, data, { stdout, stderr }),
    writeJson: (p, value, indent) => writeJsonDocument(p, value, indent, { stdout, stderr }),
    realPath: (p) => {
      try {
        return realpathSync(p);
      } catch {
        return p;
      }
    },
    checkOutput: (p, kind) => (checkOutput(p, kind).kind === 'file' ? 'file' : 'special'),
    sameFile,
    onInterrupt,
    exists: (p) => existsSync(p),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 80,
    env: process.env,
    now: () => performance.now(),
    openLines: stdinLines,
  };
}

/** True when both paths exist and are the same file (device and inode, after symlinks). */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * Routes SIGINT and SIGTERM to `handler` until the returned function is called; after that, the
 * default action (the process ends at once) is back.
 */
function onInterrupt(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void {
  const listener = (signal: NodeJS.Signals): void => handler(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
