// Size-checked file reads for Node: a file above the limit is refused before a byte is read.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
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
 * size of a regular file comes from `stat`, so an oversized file is refused without reading it; a
 * FIFO or device (whose size `stat` does not know) is read until it ends or passes the limit.
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
  let regular: boolean;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new BackpropError('io', `${path}: is a directory, expected a file`);
    size = st.size;
    regular = st.isFile();
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    throw new BackpropError('io', `${path}: ${systemMessage(e)}`);
  }
  if (size > limit) throw tooLarge(path, size, limit);
  try {
    return regular ? readFileSync(path) : readStream(path, limit);
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    throw new BackpropError('io', `${path}: ${systemMessage(e)}`);
  }
}

/** Bytes read from a stream at a time. */
const STREAM_CHUNK = 1 << 16;

/**
 * Reads a FIFO, a device or a socket (`<(zcat data.json)`, `/dev/stdin`, `/dev/zero`) to its end,
 * refusing it as soon as it has given more than `limit` bytes: `stat` says nothing of its size, and
 * `/dev/zero` never ends.
 */
function readStream(path: string, limit: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(STREAM_CHUNK);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, STREAM_CHUNK, null);
      } catch (e) {
        // NOTE: a non-blocking pipe inherited from the shell has nothing yet: wait a moment for it.
        if ((e as { code?: string }).code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (n === 0) return Buffer.concat(chunks, total);
      total += n;
      if (total > limit) throw new BackpropError('io', `${path}: not a regular file, and it gave more than the limit of ${limit} bytes (set BACKPROP_MAX_FILE_BYTES to raise it)`);
      chunks.push(n === STREAM_CHUNK ? chunk : chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
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
