import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { BackpropError } from '../errors.js';
import { checkFileSize } from '../io/read-checked.node.js';
import { csvRecords, datasetFromCsvRecords } from './csv.js';
import type { CsvOptions, CsvParse } from './csv.js';
import type { Dataset } from './dataset.js';

/**
 * Reads a CSV file into a {@link Dataset} — {@link parseCsv} with csv-parse's Node build (about 1.6×
 * faster than the browser build). Error messages start with the file's name.
 *
 * @throws BackpropError `io` when the file cannot be read, `data` when its content does not validate.
 * @example
 * ```ts
 * const ds = readCsvFile('iris.csv', { target: 'species' });
 * ```
 */
export function readCsvFile(path: string, options: CsvOptions): Dataset {
  let text: string;
  try {
    checkFileSize(path);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    // NOTE: a file above BACKPROP_MAX_FILE_BYTES is refused before it is read.
    if (e instanceof BackpropError) throw e;
    throw new BackpropError('io', `cannot read the CSV file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const named = { ...options, name: options.name ?? basename(path) };
  return datasetFromCsvRecords(csvRecords(parse as CsvParse, text, named), named);
}
