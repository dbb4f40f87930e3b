import { concatBytes } from './bytes.js';
import { BackpropError } from '../errors.js';

/**
 * The safetensors container: a pure `Uint8Array` codec (no Node built-ins, runs in a browser).
 *
 * Layout of a file of `8 + N + D` bytes:
 *
 * | bytes        | content                                                                  |
 * | ------------ | ------------------------------------------------------------------------ |
 * | `0 … 8`      | `N`, the header length, an unsigned 64-bit little-endian integer          |
 * | `8 … 8+N`    | a UTF-8 JSON object, starting with `{`, possibly padded with spaces       |
 * | `8+N … end`  | the data buffer: every tensor's elements, row-major, little-endian        |
 *
 * The header maps each tensor name to `{"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}`,
 * where `[b, e)` is a byte range of the data buffer (offsets relative to its start), and may hold
 * one `"__metadata__"` object of string → string. The ranges must tile the data buffer exactly:
 * no overlap, no hole, nothing after the last one.
 *
 * This module reads and writes `F32` and `F64`, and `I64` for integer tensors (PyTorch saves batch
 * norm's `num_batches_tracked` as one), held in a `Float64Array` (exact up to 2⁵³); other dtypes of
 * the format (F16, BF16, U8, …) are recognised and refused with an `unsupported` error.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(new Map([['0.bias', { dtype: 'F64', shape: [2], data: new Float64Array([0.5, 0.5]) }]]));
 * decodeSafetensors(bytes).tensors.get('0.bias')?.data; // Float64Array [0.5, 0.5]
 * ```
 * @module
 */

/** The element types this module reads and writes (I64: integers, in a Float64Array). */
export type SafetensorsDtype = 'F32' | 'F64' | 'I64';

/** One tensor: its element type, its shape, and its elements in row-major order. */
export interface SafetensorsTensor {
  readonly dtype: SafetensorsDtype;
  /** Non-negative integer dimensions; `[]` is a scalar (one element). */
  readonly shape: readonly number[];
  /** `Float32Array` for `F32`, `Float64Array` for `F64` and `I64`; length = product of `shape`. */
  readonly data: Float32Array | Float64Array;
}

/** A decoded file: tensors in header order, and the `__metadata__` strings (empty if absent). */
export interface SafetensorsFile {
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Map<string, string>;
}

/** Limits applied by {@link decodeSafetensors} before anything is parsed or allocated. */
export interface SafetensorsReadOptions {
  /** Largest accepted JSON header, in bytes (default `DEFAULT_MAX_HEADER_BYTES`, 100 MB). */
  readonly maxHeaderBytes?: number;
  /** Largest accepted file, in bytes (default: no limit beyond the bytes given). */
  readonly maxFileBytes?: number;
}

/** Default header limit: 100 MB, the limit of the format's reference implementation. */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines (only F32 and F64 are decoded). */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  U16: 2, I16: 2, F16: 2, BF16: 2,
  U32: 4, I32: 4, F32: 4,
  U64: 8, I64: 8, F64: 8,
};

/** Tensor names refused because they are special to JavaScript objects. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const METADATA_KEY = '__metadata__';

function bad(message: string): never {
  throw new BackpropError('model-file', `safetensors: ${message}`);
}

/**
 * Decodes a safetensors file held in memory.
 *
 * Every declared number (header length, offsets, shape) is checked against the actual byte length
 * before it is used, so a hostile header cannot make the reader allocate more than the input's size
 * or read out of bounds.
 *
 * @param bytes the whole file.
 * @param options size limits, checked first.
 * @returns the tensors (copied out of `bytes`, so `bytes` may be reused) and the metadata.
 * @throws BackpropError `model-file` naming the tensor and the problem (truncated file, header too
 *   large, bad JSON, offsets out of range / overlapping / leaving holes, shape × dtype ≠ byte range,
 *   duplicate or forbidden names); `unsupported` for a valid dtype other than F32 and F64.
 *
 * @example
 * ```ts
 * const file = decodeSafetensors(modelFileToSafetensors(toModelFile(seedNetwork(), 'sse')));
 * [...file.tensors.keys()];            // ['0.weight', '0.bias', '2.weight', '2.bias']
 * file.tensors.get('0.weight')!.shape;  // [2, 3] (dtype 'F64')
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, options: SafetensorsReadOptions = {}): SafetensorsFile {
  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (options.maxFileBytes !== undefined && bytes.length > options.maxFileBytes) {
    bad(`the file is ${bytes.length} bytes, above the limit of ${options.maxFileBytes} bytes`);
  }
  if (bytes.length < 8) bad(`expected at least 8 bytes (the header length), got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  // NOTE: hi * 2^32 + lo is exact below 2^53; anything with hi >= 2^21 is rejected either way.
  const headerLength = hi * 4294967296 + lo;
  if (headerLength > maxHeader) {
    bad(`the header claims ${headerLength} bytes, above the limit of ${maxHeader} bytes`);
  }
  if (headerLength > bytes.length - 8) {
    bad(`the header claims ${headerLength} bytes but only ${bytes.length - 8} follow the length field`);
  }
  if (headerLength < 2) bad(`expected a JSON object header of at least 2 bytes, got ${headerLength}`);
  if (bytes[8] !== 0x7b) bad(`expected the header to start with '{', got byte 0x${bytes[8]!.toString(16)}`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    bad('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    bad(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    bad('expected the header to be a JSON object');
  }
  checkDuplicateTopLevelKeys(text);

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  let metadata = new Map<string, string>();
  for (const name of Object.keys(header)) {
    const value: unknown = (header as Record<string, unknown>)[name];
    if (name === METADATA_KEY) {
      metadata = readMetadata(value);
      continue;
    }
    if (name.length === 0) bad('a tensor has an empty name');
    if (FORBIDDEN_NAMES.has(name)) bad(`tensor name "${name}" is not allowed`);
    entries.push(readEntry(name, value, dataLength));
  }

  // The ranges must tile [0, dataLength): sorted by start, each beginning where the last ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor) bad(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] overlap another tensor (which ends at ${cursor})`);
    if (e.begin > cursor) bad(`tensor "${e.name}": data_offsets start at ${e.begin}, leaving bytes ${cursor}…${e.begin} of the data buffer unused`);
    cursor = e.end;
  }
  if (cursor !== dataLength) {
    bad(`the tensors cover ${cursor} bytes of the data buffer but it holds ${dataLength} bytes`);
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    if (e.dtype !== 'F32' && e.dtype !== 'F64' && e.dtype !== 'I64') {
      throw new BackpropError('unsupported', `safetensors: tensor "${e.name}" has dtype ${e.dtype}; only F32, F64 and I64 are supported`);
    }
    const count = (e.end - e.begin) / DTYPE_BYTES[e.dtype]!;
    const at = dataStart + e.begin;
    let data: Float32Array | Float64Array;
    if (e.dtype === 'F32') {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, true);
      data = out;
    } else if (e.dtype === 'F64') {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
      data = out;
    } else {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(at + 8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) bad(`tensor "${e.name}": the I64 value ${v} at ${i} is beyond 2^53, too large to hold exactly`);
        out[i] = Number(v);
      }
      data = out;
    }
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function readMetadata(value: unknown): Map<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad(`expected "${METADATA_KEY}" to be an object of strings`);
  }
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') bad(`"${METADATA_KEY}"."${k}": expected a string, got ${describe(v)}`);
    out.set(k, v);
  }
  return out;
}

function readEntry(name: string, value: unknown, dataLength: number) {
  const where = `tensor "${name}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad(`${where}: expected an object with dtype, shape and data_offsets, got ${describe(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') bad(`${where}: expected "dtype" to be a string, got ${describe(dtype)}`);
  const size = Object.hasOwn(DTYPE_BYTES, dtype) ? DTYPE_BYTES[dtype] : undefined;
  if (size === undefined) bad(`${where}: unknown dtype ${JSON.stringify(dtype).slice(0, 40)}`);
  if (!Array.isArray(shape)) bad(`${where}: expected "shape" to be an array of integers, got ${describe(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    bad(`${where}: expected "data_offsets" to be [begin, end], got ${describe(offsets)}`);
  }
  const [begin, end] = offsets as unknown[];
  if (!isIndex(begin) || !isIndex(end)) bad(`${where}: data_offsets must be non-negative integers, got ${describe(offsets)}`);
  if (begin > end) bad(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) bad(`${where}: data_offsets [${begin}, ${end}] reach past the data buffer of ${dataLength} bytes`);
  // NOTE: the product is checked against the byte range as it grows, so it never overflows.
  const available = end - begin;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (!isIndex(d)) bad(`${where}: shape[${i}] must be a non-negative integer, got ${describe(d)}`);
  }
  let elements = (shape as number[]).includes(0) ? 0 : 1;
  for (let i = 0; i < shape.length && elements > 0; i++) {
    elements *= shape[i] as number;
    if (elements * size > available) break;
  }
  if (elements * size !== available) {
    bad(`${where}: shape [${shape.map(describe).join(', ')}] of ${dtype} needs ${elements * size > available ? 'more than ' + available : elements * size} bytes, but data_offsets [${begin}, ${end}] span ${available}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v);
  return String(v);
}

/**
 * `JSON.parse` keeps the last of two equal keys silently; a second tensor of the same name could
 * then hide the first. This scans the (already valid) JSON text and names any repeated top-level key.
 */
function checkDuplicateTopLevelKeys(text: string): void {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (seen.has(key)) bad(`tensor "${key}" appears twice in the header`);
        seen.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      expectKey = depth === 1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
  }
}

/**
 * Encodes tensors (and optional metadata) as a safetensors file.
 *
 * Deterministic: the header lists `__metadata__` first, then the tensors in the order given, as
 * compact JSON padded with spaces to a multiple of 8 bytes (so 8-byte elements stay aligned);
 * the data buffer stores the tensors in the same order, F64 before F32.
 *
 * @param tensors name → tensor; names must be non-empty and not `__metadata__`.
 * @param metadata optional string → string map stored as `__metadata__`.
 * @throws BackpropError `model-file` when a tensor's data length differs from its shape's product,
 *   its data array does not match its dtype, or a name is invalid.
 * @example
 * ```ts
 * encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [1, 2], data: new Float32Array([1, 2]) }]]), { format: 'pt' });
 * ```
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  metadata?: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
): Uint8Array {
  return concatBytes(encodeSafetensorsPieces(tensors, metadata));
}

/** True on little-endian hosts (every platform Node and browsers run on today). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The bytes of {@link encodeSafetensors} in pieces, without copying the tensors: the length field
 * and header first, then each tensor's elements as a view of its own memory (a copy only on a
 * big-endian host). Writing the pieces one after another gives exactly the file
 * `encodeSafetensors` returns; a 400 MB weights file is written without a second 400 MB buffer.
 *
 * @example
 * ```ts
 * for (const piece of encodeSafetensorsPieces(tensors)) write(fd, piece);
 * ```
 */
export function encodeSafetensorsPieces(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  metadata?: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
): Uint8Array[] {
  const order = [...tensors.entries()];
  // NOTE: stable sort: F64 first keeps every element aligned to its size.
  order.sort((a, b) => DTYPE_BYTES[b[1].dtype]! - DTYPE_BYTES[a[1].dtype]!);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    const meta: Record<string, string> = {};
    const pairs = metadata instanceof Map ? [...metadata.entries()] : Object.entries(metadata);
    for (const [k, v] of pairs) {
      if (typeof v !== 'string') bad(`metadata "${k}": expected a string, got ${describe(v)}`);
      Object.defineProperty(meta, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    header[METADATA_KEY] = meta;
  }
  let offset = 0;
  for (const [name, t] of order) {
    if (name.length === 0 || name === METADATA_KEY || FORBIDDEN_NAMES.has(name)) bad(`cannot write a tensor named "${name}"`);
    const size = DTYPE_BYTES[t.dtype];
    const expectedArray = t.dtype === 'F32' ? Float32Array : Float64Array;
    if (size === undefined || !(t.data instanceof expectedArray) || (t.dtype !== 'F32' && t.dtype !== 'F64' && t.dtype !== 'I64')) {
      bad(`tensor "${name}": dtype ${String(t.dtype)} needs a ${expectedArray.name}`);
    }
    if (t.dtype === 'I64' && !t.data.every((v) => Number.isSafeInteger(v))) bad(`tensor "${name}": an I64 tensor holds integers (up to 2^53), got ${t.data.find((v) => !Number.isSafeInteger(v))}`);
    const count = t.shape.reduce((a, d) => {
      if (!isIndex(d)) bad(`tensor "${name}": shape must hold non-negative integers, got [${t.shape.join(', ')}]`);
      return a * d;
    }, 1);
    if (count !== t.data.length) bad(`tensor "${name}": shape [${t.shape.join(', ')}] holds ${count} elements but data has ${t.data.length}`);
    Object.defineProperty(header, name, {
      value: { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + count * size] },
      enumerable: true, writable: true, configurable: true,
    });
    offset += count * size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8);
  const view = new DataView(head.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, 0, true);
  head.set(json, 8);
  const pieces: Uint8Array[] = [head];
  for (const [, t] of order) {
    if (t.dtype === 'I64') {
      // NOTE: integers (num_batches_tracked) held as float64 in memory, written as int64.
      const bytes = new Uint8Array(8 * t.data.length);
      const v = new DataView(bytes.buffer);
      for (let i = 0; i < t.data.length; i++) v.setBigInt64(8 * i, BigInt(t.data[i]!), true);
      pieces.push(bytes);
      continue;
    }
    if (LITTLE_ENDIAN) {
      pieces.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      continue;
    }
    const bytes = new Uint8Array(t.data.byteLength);
    const v = new DataView(bytes.buffer);
    if (t.dtype === 'F32') for (let i = 0; i < t.data.length; i++) v.setFloat32(4 * i, t.data[i]!, true);
    else for (let i = 0; i < t.data.length; i++) v.setFloat64(8 * i, t.data[i]!, true);
    pieces.push(bytes);
  }
  return pieces;
}
