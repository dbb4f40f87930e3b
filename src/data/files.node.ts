import { createReadStream, statSync } from 'node:fs';
import { BackpropError } from '../errors.js';
import { systemMessage } from '../io/atomic-write.node.js';

/** Bytes per chunk read from a data file. */
const CHUNK = 1 << 20;

/**
 * A file's bytes as a stream of 1 MiB chunks, for the streaming readers (CSV, IDX): the file is
 * never held whole, so data files have no size limit of their own (the numbers read do; see
 * `MAX_DATA_NUMBERS`).
 *
 * @throws BackpropError `io` naming the path: missing, a directory, unreadable.
 * @example
 * ```ts
 * const ds = await readCsv(fileChunks('big.csv'), { target: 'label', dtype: 'float32' });
 * ```
 */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    if (statSync(path).isDirectory()) throw new BackpropError('io', `${path}: is a directory, expected a file`);
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    throw new BackpropError('io', `${path}: ${systemMessage(e)}`);
  }
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    throw new BackpropError('io', `${path}: ${systemMessage(e)}`);
  } finally {
    stream.destroy();
  }
}
