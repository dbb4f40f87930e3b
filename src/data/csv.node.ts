import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { maybeGunzip } from './chunks.js';
import { readCsv } from './csv.js';
import type { CsvOptions } from './csv.js';
import type { Dataset } from './dataset.js';
import { fileChunks } from './files.node.js';

/**
 * Reads a CSV file (gzipped or not) into a {@link Dataset}, streaming it in 1 MiB chunks through
 * {@link readCsv}: the file is never held whole. Error messages start with the file's name.
 *
 * @throws BackpropError `io` when the file cannot be read, `data` when its content does not validate.
 * @example
 * ```ts
 * const ds = await readCsvFile('fashion-mnist_train.csv', { target: 'label', dtype: 'float32' });
 * ```
 */
export async function readCsvFile(path: string, options: CsvOptions = {}): Promise<Dataset> {
  const name = options.name ?? basename(path);
  let sizeHint: number | undefined;
  try {
    if (!/\.gz$/i.test(path)) sizeHint = statSync(path).size;
  } catch {
    // NOTE: fileChunks reports a missing or unreadable file in its own words.
  }
  return readCsv(maybeGunzip(fileChunks(path), name), { ...(sizeHint !== undefined && { sizeHint }), ...options, name });
}
