// Size-checked file reads for Node: a file above the limit is refused before a byte is read.
import { readFileSync, statSync } from 'node:fs';
import { BackpropError } from '../errors.js';
import { systemMessage } from './atomic-write.node.js';

/** Files larger than this are refused before they are read (override with BACKPROP_MAX_FILE_BYTES). */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * The size limit in force: BACKPROP_MAX_FILE_BYTES or {@link DEFAULT_MAX_FILE_BYTES}.
 *
 * @example
 * ```ts
 * maxFileBytes({});                                  // 268435456 (256 MiB)
 * maxFileBytes({ BACKPROP_MAX_FILE_BYTES: '1000' });   // 1000
 * ```
 */
export function maxFileBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.BACKPROP_MAX_FILE_BYTES;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_FILE_BYTES;
}

/**
 * Reads a file as bytes, refusing missing files, directories and files above the size limit. The
 * size comes from `stat`, so an oversized file is refused without reading it.
 *
 * @throws BackpropError `io`: `big.csv: the file is 10737418240 bytes, above the limit of 268435456
 *   bytes (set BACKPROP_MAX_FILE_BYTES to raise it)`, or the system error in words.
 * @example
 * ```ts
 * const text = readFileChecked('model.json').toString('utf8');
 * ```
 */
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
  if (size > limit) throw tooLarge(path, size, limit);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new BackpropError('io', `${path}: ${systemMessage(e)}`);
  }
}

/**
 * Refuses a file above the size limit without reading it; does nothing for smaller files or paths
 * that cannot be inspected (the caller's read then reports those in its own words).
 *
 * @throws BackpropError `io` when the file is larger than `limit` bytes.
 * @example
 * ```ts
 * checkFileSize('data.csv'); const text = readFileSync('data.csv', 'utf8');
 * ```
 */
export function checkFileSize(path: string, limit = maxFileBytes()): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return;
  }
  if (size > limit) throw tooLarge(path, size, limit);
}

function tooLarge(path: string, size: number, limit: number): BackpropError {
  return new BackpropError('io', `${path}: the file is ${size} bytes, above the limit of ${limit} bytes (set BACKPROP_MAX_FILE_BYTES to raise it)`);
}
