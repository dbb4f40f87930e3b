import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoWriter } from './protobuf.js';
import { BackpropError } from '../errors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Byte strings from the protobuf encoding guide's worked examples.
test('encodes the protobuf guide examples: field 1 = 150, field 2 = "testing"', () => {
  assert.equal(hex(new ProtoWriter().int64(1, 150).finish()), '089601');
  assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
});

test('varints: boundaries and negative numbers as 10-byte two\'s complement', () => {
  const v = (x: number | bigint) => hex(new ProtoWriter().varint(x).finish());
  assert.equal(v(0), '00');
  assert.equal(v(127), '7f');
  assert.equal(v(128), '8001');
  assert.equal(v(300), 'ac02');
  assert.equal(v(2 ** 32), '8080808010');
  assert.equal(v(-1), 'ffffffffffffffffff01');
  assert.equal(v(-2n), 'feffffffffffffffff01');
  assert.equal(v((1n << 64n) - 1n), 'ffffffffffffffffff01');
  assert.throws(() => v(1n << 64n), BackpropError);
  assert.throws(() => v(0.5), BackpropError);
});

test('fixed-width fields are little-endian IEEE 754', () => {
  // key (3 << 3 | 5) = 0x1d, then 1.0f = 0x3f800000 little-endian
  assert.equal(hex(new ProtoWriter().float(3, 1).finish()), '1d0000803f');
  // key (4 << 3 | 1) = 0x21, then 0.1 as a double
  assert.equal(hex(new ProtoWriter().double(4, 0.1).finish()), '219a9999999999b93f');
});

test('nested messages are length-delimited and keys reject bad field numbers', () => {
  const bytes = new ProtoWriter().message(7, (g) => g.int64(1, 150)).string(2, 'a').finish();
  assert.equal(hex(bytes), '3a03089601' + '120161');
  assert.throws(() => new ProtoWriter().int64(0, 1), /field number/);
});
