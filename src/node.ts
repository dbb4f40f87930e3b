// backprop/node — Node-only additions: files (atomic saves, size limits) and the CLI's real io.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BackpropError } from './errors.js';
import type { CliIo } from './cli/io.js';
import { parseJsonText, parseModelFile, toModelFile, type LoadedModel, type PreprocessingFile } from './io/model-file.js';
import type { LossName } from './nn/losses.js';
import type { Sequential } from './nn/sequential.js';

export * from './index.js';
export { main } from './cli/main.js';
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

/**
 * Writes `data` to `path` atomically: into a temporary file in the same directory, flushed to
 * disk, then renamed over the target. A crash or a failed write leaves the previous file intact
 * and removes the temporary file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing; keep the first error
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may not exist
    }
    throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)}); the previous file, if any, is unchanged`);
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

function systemMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
