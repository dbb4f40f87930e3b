import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { BackpropError } from '../errors.js';

/** Builds a file by hand from a header object and a data buffer, bypassing our encoder. */
function handMade(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f64bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float64Array(values).buffer);
}

test('decodes a hand-made file: offsets, shapes, metadata, little-endian F64', () => {
  const bytes = handMade(
    { __metadata__: { format: 'pt' }, b: { dtype: 'F64', shape: [2], data_offsets: [16, 32] }, a: { dtype: 'F64', shape: [1, 2], data_offsets: [0, 16] } },
    f64bytes([1.5, -2, 0.25, 3]),
  );
  const file = decodeSafetensors(bytes);
  assert.deepEqual([...file.metadata], [['format', 'pt']]);
  assert.deepEqual([...file.tensors.keys()], ['b', 'a']);
  assert.deepEqual([...file.tensors.get('a')!.data], [1.5, -2]);
  assert.deepEqual(file.tensors.get('b')!.shape, [2]);
  assert.deepEqual([...file.tensors.get('b')!.data], [0.25, 3]);
});

test('encoder: header is padded with spaces to a multiple of 8, F64 stored before F32, bytes decode back', () => {
  const tensors = new Map<string, SafetensorsTensor>([
    ['small', { dtype: 'F32', shape: [3], data: new Float32Array([1, 2, 3]) }],
    ['big', { dtype: 'F64', shape: [2, 1], data: new Float64Array([Math.PI, -0]) }],
    ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
  ]);
  const bytes = encodeSafetensors(tensors, { note: 'x' });
  const n = new DataView(bytes.buffer).getUint32(0, true);
  assert.equal(n % 8, 0);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  assert.match(header, /^\{"__metadata__":\{"note":"x"\},"big":\{"dtype":"F64","shape":\[2,1\],"data_offsets":\[0,16\]\}/);
  assert.equal(bytes.length, 8 + n + 16 + 12);
  const back = decodeSafetensors(bytes);
  assert.deepEqual([...back.tensors.get('big')!.data], [Math.PI, -0]);
  assert.ok(Object.is(back.tensors.get('big')!.data[1], -0));
  assert.deepEqual([...back.tensors.get('small')!.data], [1, 2, 3]);
  assert.deepEqual(back.tensors.get('empty')!.shape, [0, 4]);
  assert.equal(back.metadata.get('note'), 'x');
});

const hostile: [string, Uint8Array, RegExp][] = [
  ['shorter than 8 bytes', new Uint8Array(5), /at least 8 bytes/],
  ['header length beyond the buffer', (() => { const b = handMade({}); new DataView(b.buffer).setUint32(0, 999, true); return b; })(), /claims 999 bytes but only 2/],
  ['header claiming terabytes', (() => { const b = handMade({}); new DataView(b.buffer).setUint32(4, 512, true); return b; })(), /above the limit/],
  ['header not starting with {', handMade(null, undefined, ' {}'), /start with '\{'/],
  ['header not JSON', handMade(null, undefined, '{"a":'), /not valid JSON/],
  ['trailing garbage after the header object', handMade(null, undefined, '{}]'), /not valid JSON/],
  ['invalid UTF-8', (() => { const b = handMade(null, undefined, '{"\u00e9":1}'); b[11] = 0xff; return b; })(), /UTF-8/],
  ['tensor not an object', handMade({ w: 3 }), /tensor "w": expected an object/],
  ['unknown dtype', handMade({ w: { dtype: 'F128', shape: [], data_offsets: [0, 0] } }), /tensor "w": unknown dtype/],
  ['negative shape', handMade({ w: { dtype: 'F64', shape: [-1], data_offsets: [0, 8] } }, f64bytes([1])), /tensor "w": shape\[0\]/],
  ['fractional offset', handMade({ w: { dtype: 'F64', shape: [1], data_offsets: [0, 7.5] } }, f64bytes([1])), /non-negative integers/],
  ['offsets past the end', handMade({ w: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }, f64bytes([1])), /tensor "w".*reach past/],
  ['offsets reversed', handMade({ w: { dtype: 'F64', shape: [1], data_offsets: [8, 0] } }, f64bytes([1])), /end before they begin/],
  ['shape × dtype ≠ range', handMade({ w: { dtype: 'F64', shape: [3], data_offsets: [0, 16] } }, f64bytes([1, 2])), /tensor "w": shape \[3\] of F64 needs more than 16 bytes/],
  ['huge shape', handMade({ w: { dtype: 'F64', shape: [1e15, 1e15], data_offsets: [0, 8] } }, f64bytes([1])), /tensor "w": shape/],
  ['overlap', handMade({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] }, b: { dtype: 'F64', shape: [1], data_offsets: [8, 16] } }, f64bytes([1, 2])), /overlap/],
  ['hole', handMade({ a: { dtype: 'F64', shape: [1], data_offsets: [8, 16] } }, f64bytes([1, 2])), /tensor "a".*unused/],
  ['trailing bytes', handMade({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, f64bytes([1, 2])), /cover 8 bytes .* holds 16/],
  ['__proto__ tensor', handMade(null, f64bytes([1]), '{"__proto__":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}'), /"__proto__" is not allowed/],
  ['constructor tensor', handMade({ constructor: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, f64bytes([1])), /"constructor" is not allowed/],
  ['duplicate tensor', handMade(null, f64bytes([1]), '{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}'), /"a" appears twice/],
  ['metadata not strings', handMade({ __metadata__: { n: 1 } }), /"__metadata__"."n": expected a string/],
];

for (const [what, bytes, message] of hostile) {
  test(`refuses ${what} with a model-file error`, () => {
    assert.throws(() => decodeSafetensors(bytes), (e: unknown) => {
      assert.ok(e instanceof BackpropError, String(e));
      assert.equal(e.code, 'model-file');
      assert.match(e.message, message);
      return true;
    });
  });
}

test('refuses a valid F16/BF16/U8 tensor as unsupported, naming it', () => {
  for (const dtype of ['F16', 'BF16', 'U8']) {
    const size = dtype === 'U8' ? 1 : 2;
    const bytes = handMade({ h: { dtype, shape: [2], data_offsets: [0, 2 * size] } }, new Uint8Array(2 * size));
    assert.throws(() => decodeSafetensors(bytes), (e: unknown) => e instanceof BackpropError && e.code === 'unsupported' && new RegExp(`tensor "h" has dtype ${dtype}`).test(e.message));
  }
});

test('I64 tensors (PyTorch\'s num_batches_tracked) both ways, exact to 2^53; larger values refused', () => {
  const raw = new Uint8Array(16);
  new DataView(raw.buffer).setBigInt64(0, 12345n, true);
  new DataView(raw.buffer).setBigInt64(8, -7n, true);
  const t = decodeSafetensors(handMade({ n: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, raw)).tensors.get('n')!;
  assert.deepEqual([t.dtype, [...t.data]], ['I64', [12345, -7]]);
  const back = decodeSafetensors(encodeSafetensors(new Map([['n', t], ['w', { dtype: 'F32', shape: [1], data: new Float32Array([0.5]) }]])));
  assert.deepEqual([...back.tensors.get('n')!.data], [12345, -7]);
  new DataView(raw.buffer).setBigInt64(0, 2n ** 60n, true);
  assert.throws(() => decodeSafetensors(handMade({ n: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, raw)), /beyond 2\^53/);
  assert.throws(() => encodeSafetensors(new Map([['n', { dtype: 'I64', shape: [1], data: new Float64Array([0.5]) }]])), /an I64 tensor holds integers/);
});

test('size limits are applied before parsing', () => {
  const bytes = encodeSafetensors(new Map([['w', { dtype: 'F64', shape: [4], data: new Float64Array(4) }]]));
  assert.throws(() => decodeSafetensors(bytes, { maxFileBytes: 10 }), /above the limit of 10 bytes/);
  assert.throws(() => decodeSafetensors(bytes, { maxHeaderBytes: 16 }), /above the limit of 16 bytes/);
  assert.equal(decodeSafetensors(bytes, { maxFileBytes: bytes.length }).tensors.size, 1);
});

test('encoder refuses inconsistent tensors', () => {
  const enc = (t: SafetensorsTensor, name = 'w') => () => encodeSafetensors(new Map([[name, t]]));
  assert.throws(enc({ dtype: 'F64', shape: [3], data: new Float64Array(2) }), /holds 3 elements but data has 2/);
  assert.throws(enc({ dtype: 'F64', shape: [2], data: new Float32Array(2) }), /needs a Float64Array/);
  assert.throws(enc({ dtype: 'F32', shape: [0], data: new Float32Array(0) }, '__metadata__'), /cannot write/);
});

test('decodes a file that is a view into a larger buffer at an odd offset (unaligned data)', () => {
  const file = encodeSafetensors(new Map([['w', { dtype: 'F64', shape: [3], data: new Float64Array([1 / 3, -7, 1e-300]) }]]));
  const big = new Uint8Array(file.length + 7);
  big.set(file, 3);
  const t = decodeSafetensors(big.subarray(3, 3 + file.length)).tensors.get('w')!;
  assert.deepEqual([...t.data], [1 / 3, -7, 1e-300]);
});

test('an empty tensor may have huge other dimensions (zero elements, nothing allocated)', () => {
  const bytes = handMade({ e: { dtype: 'F32', shape: [1e15, 0], data_offsets: [0, 0] }, w: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, f64bytes([2]));
  const file = decodeSafetensors(bytes);
  assert.equal(file.tensors.get('e')!.data.length, 0);
  assert.deepEqual([...file.tensors.get('w')!.data], [2]);
});
