// JSON documents whose large numeric arrays live in a safetensors file beside them.
import { BackpropError } from '../errors.js';
import { isPlainObject } from './model-file.js';
import { decodeSafetensors, encodeSafetensorsPieces, type SafetensorsTensor } from './safetensors.js';

/**
 * The top-level field of a document whose arrays are in a weights file: its name (in the same
 * directory as the JSON), its size in bytes, and a checksum of its bytes.
 */
export interface TensorFileRef {
  file: string;
  bytes: number;
  checksum: string;
}

/** The field that names the weights file. */
export const TENSORS_FIELD = 'tensors';

/** Largest weights file: every parameter of the largest network four times (weights, two optimizer buffers, early stopping's copy) in float64, plus a header. */
export const MAX_TENSOR_FILE_BYTES = 4 * 8 * 50_000_000 + 16 * 1024 * 1024;

/** A document ready to write: its JSON value (typed arrays replaced by references) and the weights file, if any. */
export interface PackedDocument {
  json: unknown;
  tensors: { pieces: Uint8Array[]; bytes: number; checksum: string } | null;
}

/**
 * Splits the typed arrays (`Float64Array`, `Float32Array`) out of a JSON-able value: each becomes
 * `{"tensor": "PATH"}` (PATH its place in the document, `model.layers.0.weights`), and all of them
 * one safetensors file (F64 or F32 as they are, 1-D). Plain number arrays stay in the JSON. Models
 * above INLINE_PARAMETERS parameters hold typed arrays (see toModelFile, Optimizer.stateDict), so
 * small models stay one readable JSON file and large ones get their weights written as bytes.
 *
 * @example
 * ```ts
 * const { json, tensors } = packTensors({ w: new Float32Array(3e6) });
 * // json: { w: { tensor: 'w' } }; tensors.pieces: the safetensors file, tensors.checksum: 'a3f09c1e'
 * ```
 */
export function packTensors(value: unknown): PackedDocument {
  const found = new Map<string, SafetensorsTensor>();
  const walk = (v: unknown, path: string): unknown => {
    if (v instanceof Float64Array || v instanceof Float32Array) {
      const name = path === '' ? 'value' : path;
      found.set(name, { dtype: v instanceof Float64Array ? 'F64' : 'F32', shape: [v.length], data: v });
      return { tensor: name };
    }
    if (Array.isArray(v)) {
      // NOTE: number arrays are the common case and stay as they are (no copy).
      if (v.length === 0 || typeof v[0] === 'number') return v;
      return v.map((x, i) => walk(x, path === '' ? String(i) : `${path}.${i}`));
    }
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, path === '' ? k : `${path}.${k}`);
      return out;
    }
    return v;
  };
  const json = walk(value, '');
  if (found.size === 0) return { json: value, tensors: null };
  const pieces = encodeSafetensorsPieces(found, { format: 'backprop-tensors' });
  let bytes = 0;
  for (const p of pieces) bytes += p.length;
  return { json, tensors: { pieces, bytes, checksum: checksum32(pieces) } };
}

/**
 * The name of a document's weights file: `model.json` → `model.3fa9c2d1.safetensors` (its stem and
 * the checksum of its bytes). A new save writes a new name, so the JSON's rename commits the pair
 * atomically: until then the old JSON still names the old, untouched weights file.
 *
 * @example
 * ```ts
 * tensorFileName('runs/model.json', '3fa9c2d1');   // 'model.3fa9c2d1.safetensors'
 * ```
 */
export function tensorFileName(jsonPath: string, checksum: string): string {
  const base = jsonPath.slice(jsonPath.lastIndexOf('/') + 1);
  return `${base.replace(/\.json$/i, '')}.${checksum}.safetensors`;
}

/** True for a name {@link tensorFileName} may have made for the document `jsonName` (any checksum). */
export function isTensorFileOf(name: string, jsonName: string): boolean {
  const stem = jsonName.replace(/\.json$/i, '');
  return name.startsWith(`${stem}.`) && /^[0-9a-f]{8}\.safetensors$/.test(name.slice(stem.length + 1));
}

/**
 * The weights file a parsed document names (validated), or null when it keeps everything inline.
 * The name must be a plain file name — no directory, no `..` — so a document can only point beside
 * itself, never at another file on the disk.
 *
 * @throws BackpropError `model-file` naming the source and what is wrong with the field.
 */
export function tensorFileRef(json: unknown, source: string): TensorFileRef | null {
  if (!isPlainObject(json) || json[TENSORS_FIELD] === undefined) return null;
  const ref = json[TENSORS_FIELD];
  const fail = (msg: string): never => {
    throw new BackpropError('model-file', `${source}: ${TENSORS_FIELD}: ${msg}`);
  };
  if (!isPlainObject(ref)) return fail('expected {"file", "bytes", "checksum"}');
  const { file, bytes, checksum } = ref;
  if (typeof file !== 'string' || !/^[^/\\\u0000]+\.safetensors$/.test(file) || file.startsWith('.')) return fail(`expected the name of a .safetensors file beside this one (no directory), got ${JSON.stringify(file)}`);
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 8 || bytes > MAX_TENSOR_FILE_BYTES) return fail(`bytes: expected a whole number from 8 to ${MAX_TENSOR_FILE_BYTES}, got ${JSON.stringify(bytes)}`);
  if (typeof checksum !== 'string' || !/^[0-9a-f]{8}$/.test(checksum)) return fail(`checksum: expected 8 hexadecimal digits, got ${JSON.stringify(checksum)}`);
  return { file, bytes, checksum };
}

/**
 * Puts the arrays of a weights file back into a parsed document: every `{"tensor": NAME}` becomes
 * the typed array NAME, and the `tensors` field goes. The file must have the size and checksum the
 * document declares (so a JSON and a weights file from different saves are never mixed), and every
 * reference must name a tensor of it.
 *
 * @throws BackpropError `model-file` naming the source.
 * @example
 * ```ts
 * const doc = unpackTensors(JSON.parse(text), readFileSync('model.3fa9c2d1.safetensors'), 'model.json');
 * ```
 */
export function unpackTensors(json: unknown, bytes: Uint8Array, source: string): unknown {
  const ref = tensorFileRef(json, source);
  if (ref === null) return json;
  const where = `${source}: ${ref.file}`;
  if (bytes.length !== ref.bytes) throw new BackpropError('model-file', `${where}: the weights file is ${bytes.length} bytes, but the document declares ${ref.bytes}; it belongs to another save`);
  if (checksum32([bytes]) !== ref.checksum) throw new BackpropError('model-file', `${where}: the weights file's checksum differs from the document's (${ref.checksum}); it is damaged or belongs to another save`);
  let file;
  try {
    file = decodeSafetensors(bytes, { maxFileBytes: MAX_TENSOR_FILE_BYTES });
  } catch (e) {
    if (e instanceof BackpropError) throw new BackpropError('model-file', `${where}: ${e.message}`);
    throw e;
  }
  const used = new Set<string>();
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.length === 0 || typeof v[0] === 'number' ? v : v.map((x, i) => walk(x, `${path}[${i}]`));
    if (!isPlainObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'tensor') {
      const name = v.tensor;
      const t = typeof name === 'string' ? file.tensors.get(name) : undefined;
      if (t === undefined) throw new BackpropError('model-file', `${source}: ${path}: no tensor ${JSON.stringify(name)} in ${ref.file}`);
      if (used.has(name as string)) throw new BackpropError('model-file', `${source}: ${path}: the tensor ${JSON.stringify(name)} is referenced twice`);
      used.add(name as string);
      return t.data;
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) if (!(path === '' && k === TENSORS_FIELD)) out[k] = walk(v[k], path === '' ? k : `${path}.${k}`);
    return out;
  };
  return walk(json, '');
}

/**
 * A 32-bit checksum of bytes given in pieces (FNV-1a over little-endian 32-bit words, the last
 * word zero-padded), as 8 hexadecimal digits. Not cryptographic: it tells one save from another
 * and a damaged file from a whole one, at about a gigabyte per second.
 *
 * @example
 * ```ts
 * checksum32([new Uint8Array([1, 2, 3, 4])]);   // '…8 hex digits'
 * ```
 */
export function checksum32(pieces: readonly Uint8Array[]): string {
  let h = 0x811c9dc5;
  let carry = 0;
  let carried = 0;
  for (const p of pieces) {
    let i = 0;
    // finish a word begun in the previous piece
    while (carried > 0 && carried < 4 && i < p.length) carry |= p[i++]! << (8 * carried++);
    if (carried === 4) {
      h = Math.imul(h ^ carry, 0x01000193);
      carry = 0;
      carried = 0;
    }
    const aligned = (p.byteOffset + i) % 4 === 0;
    const words = (p.length - i) >>> 2;
    if (aligned && words > 0) {
      const w = new Uint32Array(p.buffer, p.byteOffset + i, words);
      for (let k = 0; k < words; k++) h = Math.imul(h ^ w[k]!, 0x01000193);
      i += 4 * words;
    } else {
      for (; i + 4 <= p.length; i += 4) h = Math.imul(h ^ (p[i]! | (p[i + 1]! << 8) | (p[i + 2]! << 16) | (p[i + 3]! << 24)), 0x01000193);
    }
    for (; i < p.length; i++) carry |= p[i]! << (8 * carried++);
  }
  if (carried > 0) h = Math.imul(h ^ carry, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
