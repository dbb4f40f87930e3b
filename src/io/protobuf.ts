/**
 * A minimal Protocol Buffers encoder: just the wire types ONNX needs, no schema, no reflection.
 *
 * A message is a sequence of fields; each field starts with a key `(fieldNumber << 3) | wireType`
 * written as a varint, followed by its payload:
 *
 * | wire type | name             | payload                                   | used for                  |
 * | --------- | ---------------- | ----------------------------------------- | ------------------------- |
 * | 0         | varint           | base-128, least significant group first   | int32, int64, enum, bool  |
 * | 1         | 64-bit           | 8 bytes little-endian                     | double, fixed64           |
 * | 2         | length-delimited | varint byte length, then the bytes        | string, bytes, messages   |
 * | 5         | 32-bit           | 4 bytes little-endian                     | float, fixed32            |
 *
 * Negative int32/int64 values are written as 10-byte two's-complement varints, as protobuf does.
 *
 * @example
 * ```ts
 * const w = new ProtoWriter();
 * w.int64(1, 8).string(2, 'backprop');       // ModelProto.ir_version = 8, producer_name
 * w.message(7, (g) => g.string(2, 'graph')); // ModelProto.graph = { name: "graph" }
 * const bytes = w.finish();
 * ```
 * @module
 */
import { BackpropError } from '../errors.js';

/** Wire type numbers (see the table above). */
export type WireType = 0 | 1 | 2 | 5;

const utf8 = new TextEncoder();

/** Builds one protobuf message in memory; every method returns `this` for chaining. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private current: number[] = [];
  private length = 0;

  /** Appends the key of field `field` with wire type `wire`. */
  key(field: number, wire: WireType): this {
    if (!Number.isInteger(field) || field < 1 || field > 536870911) {
      throw new BackpropError('value', `protobuf: field number must be an integer in 1…2^29−1, got ${field}`);
    }
    return this.varint(field * 8 + wire);
  }

  /**
   * Appends a raw varint. Accepts integers in −2^63 … 2^64 (exact up to 2^53 as a `number`;
   * pass a `bigint` beyond that). Negative values become their 64-bit two's complement.
   */
  varint(value: number | bigint): this {
    let v = typeof value === 'bigint' ? value : toBigInt(value);
    if (v < 0n) v += 1n << 64n;
    if (v < 0n || v >= 1n << 64n) throw new BackpropError('value', `protobuf: varint out of the 64-bit range: ${value}`);
    if (v < 0x80n) return this.byte(Number(v));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    return this.byte(Number(v));
  }

  /** Field of wire type 0 holding an int32/int64/enum `value`. */
  int64(field: number, value: number | bigint): this {
    return this.key(field, 0).varint(value);
  }

  /** Field of wire type 5 holding a float32 (rounded from `value`). */
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.raw(b);
  }

  /** Field of wire type 1 holding a float64. */
  double(field: number, value: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    return this.raw(b);
  }

  /** Field of wire type 2 holding `bytes`. */
  bytes(field: number, bytes: Uint8Array): this {
    return this.key(field, 2).varint(bytes.length).raw(bytes);
  }

  /** Field of wire type 2 holding a UTF-8 string. */
  string(field: number, text: string): this {
    return this.bytes(field, utf8.encode(text));
  }

  /** Field of wire type 2 holding a sub-message built by `build`. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** The encoded message. The writer may not be used afterwards. */
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private byte(b: number): this {
    this.current.push(b);
    this.length++;
    return this;
  }

  private raw(b: Uint8Array): this {
    this.flush();
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  private flush(): void {
    if (this.current.length > 0) {
      this.chunks.push(Uint8Array.from(this.current));
      this.current = [];
    }
  }
}

function toBigInt(value: number): bigint {
  if (!Number.isInteger(value)) throw new BackpropError('value', `protobuf: varint must be an integer, got ${value}`);
  return BigInt(value);
}
