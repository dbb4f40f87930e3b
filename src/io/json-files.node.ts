// Model files and checkpoints on disk: one JSON file, plus a weights file beside it for large models.
import { readdirSync, realpathSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BackpropError } from '../errors.js';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-write.node.js';
import { parseJsonText } from './model-file.js';
import { resolveOutput, writeOutput, type WriteOutputOptions } from './output.node.js';
import { readFileChecked } from './read-checked.node.js';
import { isTensorFileOf, packTensors, tensorFileName, tensorFileRef, TENSORS_FIELD, unpackTensors } from './tensor-json.js';

/**
 * Saves a JSON document (a model file, a checkpoint) at `path` with the write semantics of
 * {@link writeOutput}. Typed arrays in it — the weights and optimizer buffers of a model above
 * INLINE_PARAMETERS parameters — go to a safetensors file beside the JSON's target
 * (`model.3fa9c2d1.safetensors`, named by its checksum), written first; the JSON, naming that file,
 * is then renamed into place, which commits the pair; weights files of earlier saves of the same
 * document are removed last. A kill at any moment leaves the previous pair or the new one. Such a
 * document cannot go to standard output or into a FIFO or device: it is two files.
 *
 * @param indent JSON indentation (model files 1, checkpoints none).
 * @throws BackpropError `io` as {@link writeOutput}.
 * @example
 * ```ts
 * writeJsonDocument('model.json', toModelFile(model, 'mse'), 1);
 * ```
 */
export function writeJsonDocument(path: string, value: unknown, indent?: number, options: WriteOutputOptions = {}): void {
  const { json, tensors } = packTensors(value);
  const target = resolveOutput(path);
  if (tensors === null) {
    writeOutput(path, JSON.stringify(json, null, indent) + '\n', options);
    if (target.kind === 'file') removeOldTensorFiles(dirname(target.path), basename(target.path), null);
    return;
  }
  if (target.kind !== 'file') {
    throw new BackpropError('io', `${path}: this model is large enough to keep its weights in a safetensors file beside its JSON, so it needs a file name (not standard output, a FIFO or a device)`);
  }
  const dir = dirname(target.path);
  const name = tensorFileName(target.path, tensors.checksum);
  writeFileAtomic(join(dir, name), tensors.pieces, options.fs);
  const doc = { [TENSORS_FIELD]: { file: name, bytes: tensors.bytes, checksum: tensors.checksum }, ...(json as Record<string, unknown>) };
  writeFileAtomic(target.path, JSON.stringify(doc, null, indent) + '\n', options.fs);
  removeOldTensorFiles(dir, basename(target.path), name);
}

/**
 * Deletes the weights files of earlier saves of `jsonName` in `dir`, except `keep`, and the
 * temporary files of weights files whose saves were killed (their names change with every save, so
 * writeFileAtomic's own clean-up, which looks for the name it writes, never meets them).
 */
function removeOldTensorFiles(dir: string, jsonName: string, keep: string | null): void {
  removeStaleTemporaries(dir, (saved) => isTensorFileOf(saved, jsonName));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (n === keep || !isTensorFileOf(n, jsonName)) continue;
    try {
      unlinkSync(join(dir, n));
    } catch {
      // NOTE: best effort; a leftover weights file is never read (the JSON names its own).
    }
  }
}

/**
 * Reads a JSON document written by {@link writeJsonDocument}: the JSON (size-checked, see
 * readFileChecked) and, when it names one, its weights file beside it (beside the symlink's target
 * when `path` is a symlink), whose size and checksum must be those the JSON declares.
 *
 * @throws BackpropError `io` or `model-file` naming the path.
 * @example
 * ```ts
 * const file = parseModelFile(readJsonDocument('model.json'), 'model.json');
 * ```
 */
export function readJsonDocument(path: string, source = path): unknown {
  const json = parseJsonText(readFileChecked(path).toString('utf8'), source);
  const ref = tensorFileRef(json, source);
  if (ref === null) return json;
  let dir = dirname(path);
  try {
    dir = dirname(realpathSync(path));
  } catch {
    // NOTE: read a moment ago; if it cannot be resolved now, look beside the name given.
  }
  return unpackTensors(json, readFileChecked(join(dir, ref.file), ref.bytes), source);
}
