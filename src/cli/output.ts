// Output files of a command: checked before the work, written after it, `-` meaning stdout.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BackpropError } from '../errors.js';
import { systemMessage, type OutputData } from '../io/atomic-write.node.js';
import { concatBytes } from '../io/bytes.js';
import { parseJsonText } from '../io/model-file.js';
import { packTensors, tensorFileName, tensorFileRef, TENSORS_FIELD, unpackTensors } from '../io/tensor-json.js';
import { CHECKPOINT_FILE } from '../train/checkpoint.js';
import type { TrainingState } from '../train/state.js';
import { shown } from './escape.js';
import type { CliIo } from './io.js';

/** One file a command will write: the flag that names it, and whether it is a directory. */
export interface PlannedOutput {
  flag: string;
  path: string;
  kind?: 'file' | 'directory';
  /** For a directory: the files it will hold (compared with the other outputs and the inputs). */
  files?: readonly string[];
}

/**
 * Checks every output of a command before its work begins, so that a bad `--out`, `--plot` or
 * `--checkpoint` is reported at once rather than after the last epoch: each location must be
 * writable (io.checkOutput), at most one may be `-` (standard output), no two may be the same
 * file, and none may be one of the command's `inputs` (a careless `--out data.json` would
 * replace the data with the model).
 *
 * @returns for each flag, whether its path is a regular file (or will be one) or a special one
 *   (standard output, a FIFO, a device): a file name's extension only matters for the former.
 * @throws BackpropError `io` or `argument` naming the flag and the path.
 * @example
 * ```ts
 * checkOutputs(io, 'train', [{ flag: 'out', path: 'm.json' }, { flag: 'checkpoint', path: 'ckpt', kind: 'directory' }], ['iris.csv']);
 * ```
 */
export function checkOutputs(io: CliIo, command: string, outputs: readonly PlannedOutput[], inputs: readonly string[] = []): Map<string, 'file' | 'special'> {
  const toStdout = outputs.filter((o) => o.path === '-');
  if (toStdout.length > 1) throw new BackpropError('argument', `${command}: only one output can go to standard output (-), got ${toStdout.map((o) => `--${o.flag}`).join(' and ')}`);
  for (const o of outputs) {
    if (o.path === '') throw new BackpropError('argument', `${command}: --${o.flag} needs a file name, got ""`);
    if (o.path === '-' && o.kind === 'directory') throw new BackpropError('argument', `${command}: --${o.flag} names a directory; standard output (-) cannot hold one`);
  }
  // NOTE: the same path spelt differently (./a, a) or, when it exists, reached through a symlink.
  const same = (a: string, b: string): boolean => resolve(a) === resolve(b) || io.sameFile?.(a, b) === true;
  const filesOf = (o: PlannedOutput): readonly string[] => (o.path === '-' ? [] : o.kind === 'directory' ? (o.files ?? []) : [o.path]);
  outputs.forEach((o, i) => {
    for (const file of filesOf(o)) {
      for (const p of outputs.slice(i + 1)) {
        if (filesOf(p).some((g) => same(file, g))) throw new BackpropError('argument', `${command}: --${o.flag} and --${p.flag} would both write ${shown(file)}`);
      }
      for (const input of inputs) {
        if (same(file, input)) throw new BackpropError('argument', `${command}: --${o.flag} would write ${shown(file)}, an input of this command, and replace what is read — choose another name`);
      }
    }
  });
  const kinds = new Map<string, 'file' | 'special'>();
  for (const o of outputs) kinds.set(o.flag, o.path === '-' ? 'special' : (io.checkOutput?.(o.path, o.kind ?? 'file') ?? 'file'));
  return kinds;
}

/**
 * Writes an output: `-` to standard output, any other path through io.writeAtomic (atomically
 * for a file, through a symlink to its target, streamed into a FIFO or device).
 *
 * @example
 * ```ts
 * writeTo(io, '-', svgText);          // to stdout
 * writeTo(io, 'plot.svg', svgText);   // atomically
 * ```
 */
export function writeTo(io: CliIo, path: string, data: OutputData): void {
  if (path !== '-') return io.writeAtomic(path, data);
  if (typeof data === 'string' || data instanceof Uint8Array) io.stdout(data);
  else for (const piece of data) io.stdout(piece);
}

/**
 * The io for what a command says to people (progress, summaries): stdout, or stderr when stdout
 * carries an output file (`--out -`), so the two never mix.
 *
 * @example
 * ```ts
 * const say = messagesIo(io, f.out === '-');
 * say.stdout('training …\n');   // on stderr when the model goes to stdout
 * ```
 */
export function messagesIo(io: CliIo, stdoutTaken: boolean): CliIo {
  if (!stdoutTaken) return io;
  // NOTE: a terminal progress bar redraws with \r; stderr may be a different kind of stream, so no bar.
  return { ...io, stdout: (t) => io.stderr(typeof t === 'string' ? t : new TextDecoder().decode(t)), isTTY: false };
}

/**
 * The bytes of an output as one array (for in-memory ios and tests; real saves write the pieces
 * one after another without joining them).
 *
 * @example
 * ```ts
 * outputBytes('ok');   // Uint8Array [111, 107]
 * ```
 */
export function outputBytes(data: OutputData): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return data instanceof Uint8Array ? data : concatBytes(data);
}

/**
 * Writes DIR/checkpoint.json (creating DIR) through the io: atomically, so a kill at any moment
 * leaves the previous checkpoint or the new one.
 *
 * @example
 * ```ts
 * checkpointCallback({ save: (state) => saveCheckpointTo(io, 'run', state) });
 * ```
 */
export function saveCheckpointTo(io: CliIo, dir: string, state: TrainingState): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new BackpropError('io', `${dir}: cannot create the checkpoint directory (${systemMessage(e)})`);
  }
  writeJsonTo(io, join(dir, CHECKPOINT_FILE), state);
}

/**
 * Writes a JSON document (a model file with indent 1, a checkpoint without): through io.writeJson
 * (a large model's weights in a safetensors file beside it), `-` to standard output. An io without
 * writeJson (an in-memory fake) gets the same two files through writeAtomic.
 *
 * @example
 * ```ts
 * writeJsonTo(io, 'model.json', toModelFile(model, loss), 1);
 * ```
 */
export function writeJsonTo(io: CliIo, path: string, value: unknown, indent?: number): void {
  if (path !== '-' && io.writeJson) return io.writeJson(path, value, indent);
  const { json, tensors } = packTensors(value);
  if (tensors === null) return writeTo(io, path, JSON.stringify(json, null, indent) + '\n');
  if (path === '-') throw new BackpropError('io', '-: this model is large enough to keep its weights in a safetensors file beside its JSON, so it needs a file name, not standard output');
  const name = tensorFileName(path, tensors.checksum);
  io.writeAtomic(join(dirname(path), name), tensors.pieces);
  io.writeAtomic(path, JSON.stringify({ [TENSORS_FIELD]: { file: name, bytes: tensors.bytes, checksum: tensors.checksum }, ...(json as Record<string, unknown>) }, null, indent) + '\n');
}

/**
 * Reads a JSON document named on the command line, with its weights file when it names one (beside
 * the file the path resolves to), checked against the size and checksum the JSON declares.
 *
 * @example
 * ```ts
 * const file = parseModelFile(readJsonArg(io, 'model.json'), 'model.json');
 * ```
 */
export function readJsonArg(io: CliIo, path: string): unknown {
  const json = parseJsonText(io.readText(path), path);
  const ref = tensorFileRef(json, path);
  if (ref === null) return json;
  return unpackTensors(json, io.readBytes(join(dirname(io.realPath?.(path) ?? path), ref.file), ref.bytes), path);
}
