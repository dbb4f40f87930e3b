// Hostile inputs for the safetensors reader and importer: every generated buffer must either decode
// to a consistent result or raise a BackpropError — no other exception, no hang, no allocation
// beyond the input's size, no polluted prototype. Counts are printed and asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { modelFileToSafetensors, parseModelSpec, safetensorsToModelFile } from './state-dict.js';
import { randomModel } from './test-util.js';
import { Rng } from '../tensor/rng.js';
import { BackpropError } from '../errors.js';
import type { ActivationName } from '../nn/activations.js';
import type { DenseLayerFile } from './model-file.js';

interface Tally { tried: number; decoded: number; refused: number; unclean: string[] }

/** Runs `f` on `input`, classifying the outcome; `check` validates a successful result. */
function classify<T>(tally: Tally, f: () => T, check: (r: T) => void): void {
  tally.tried++;
  let result: T;
  try {
    result = f();
  } catch (e) {
    if (e instanceof BackpropError && e.message.length > 0) tally.refused++;
    else if (tally.unclean.length < 5) tally.unclean.push(String(e));
    else tally.unclean.push('…');
    return;
  }
  check(result);
  tally.decoded++;
}

/** A decoded file is consistent and holds no more data than the input had bytes. */
function checkDecoded(input: Uint8Array) {
  return (file: ReturnType<typeof decodeSafetensors>) => {
    let bytes = 0;
    for (const [name, t] of file.tensors) {
      assert.ok(t.dtype === 'F32' || t.dtype === 'F64', name);
      assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1), name);
      bytes += t.data.byteLength;
    }
    assert.ok(bytes <= input.length, `decoded ${bytes} bytes of data from a ${input.length}-byte input`);
  };
}

const ACTS: ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'gelu'];

/** Valid files of small random models (F32 or F64), built from a seed. */
const validFile = fc.record({ seed: fc.nat(), width: fc.integer({ min: 1, max: 4 }), depth: fc.integer({ min: 1, max: 3 }), f32: fc.boolean() })
  .map(({ seed, width, depth, f32 }) => {
    const rng = new Rng(seed);
    const sizes = Array.from({ length: depth + 1 }, (_, i) => width + (i % 2));
    const acts = Array.from({ length: depth }, (_, i) => ACTS[(seed + i) % ACTS.length]!);
    return modelFileToSafetensors(randomModel(sizes, acts, rng), { dtype: f32 ? 'F32' : 'F64' });
  });

/** Edits of a valid file: byte flips, truncation, insertion, a rewritten length field, header text edits. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant('length' as const), lo: fc.nat({ max: 0xffffffff }), hi: fc.oneof(fc.constant(0), fc.nat({ max: 0xffffffff })) }),
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e300, -1, 2 ** 53, 2 ** 64, 1e12)) }),
  fc.record({ kind: fc.constant('key' as const), at: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', '__metadata__', '0.weight', '', 'dtype', 'shape', 'data_offsets') }),
  fc.record({ kind: fc.constant('dtype' as const), value: fc.constantFrom('F16', 'BF16', 'I64', 'U8', 'F128', 'f32', '') }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function fitsText(file: Uint8Array, n: number): string {
  return n <= file.length - 8 ? new TextDecoder().decode(file.subarray(8, 8 + n)) : '';
}

function mutate(file: Uint8Array, m: Mutation): Uint8Array {
  const n = file.length >= 8 ? new DataView(file.buffer, file.byteOffset).getUint32(0, true) : Infinity;
  const text = fitsText(file, n);
  // NOTE: header edits need a header that fits; after a length rewrite they leave the file alone.
  const fits = n <= file.length - 8;
  if (!fits && (m.kind === 'number' || m.kind === 'key' || m.kind === 'dtype')) return file;
  const rebuild = (header: string) => {
    if (!fits) return file;
    const json = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + json.length + file.length - 8 - n);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 8);
    out.set(file.subarray(8 + n), 8 + json.length);
    return out;
  };
  switch (m.kind) {
    case 'flip': { const b = file.slice(); if (b.length > 0) b[m.at % b.length] = m.value; return b; }
    case 'truncate': return file.slice(0, m.at % (file.length + 1));
    case 'insert': { const at = m.at % (file.length + 1); return Uint8Array.from([...file.subarray(0, at), ...m.bytes, ...file.subarray(at)]); }
    case 'length': { if (file.length < 8) return file; const b = file.slice(); const v = new DataView(b.buffer); v.setUint32(0, m.lo, true); v.setUint32(4, m.hi, true); return b; }
    case 'number': {
      const spots = [...text.matchAll(/\d+/g)];
      if (spots.length === 0) return file;
      const s = spots[m.at % spots.length]!;
      return rebuild(text.slice(0, s.index) + String(m.value) + text.slice(s.index + s[0].length));
    }
    case 'key': {
      const keys = [...text.matchAll(/"([^"]*)":/g)];
      if (keys.length === 0) return file;
      const k = keys[m.at % keys.length]!;
      return rebuild(text.slice(0, k.index) + JSON.stringify(m.key) + ':' + text.slice(k.index + k[0].length));
    }
    case 'dtype': return rebuild(text.replace(/"F(32|64)"/, JSON.stringify(m.value)));
  }
}

/** Headers built from arbitrary JSON where the format expects dtype/shape/offsets. */
const hostileHeader = fc.record({
  entries: fc.array(fc.tuple(
    fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'a', 'a')),
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        dtype: fc.oneof(fc.constantFrom('F32', 'F64', 'F16', 'I64'), fc.jsonValue({ maxDepth: 1 })),
        shape: fc.oneof(fc.array(fc.oneof(fc.nat({ max: 4 }), fc.constantFrom(-1, 1.5, 1e15, 2 ** 53)), { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
        data_offsets: fc.oneof(fc.tuple(fc.nat({ max: 64 }), fc.nat({ max: 64 })), fc.array(fc.integer(), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
      }),
    ),
  ), { maxLength: 5 }),
  metadata: fc.option(fc.jsonValue({ maxDepth: 2 })),
  data: fc.uint8Array({ maxLength: 64 }),
}).map(({ entries, metadata, data }) => {
  const parts = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  if (metadata !== null) parts.unshift(`"__metadata__":${JSON.stringify(metadata)}`);
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
});

function report(name: string, t: Tally): void {
  console.log(`# fuzz ${name}: ${t.tried} inputs, ${t.decoded} decoded, ${t.refused} refused with BackpropError, ${t.unclean.length} unclean`);
  assert.deepEqual(t.unclean, [], `${name}: unclean failures`);
  assert.ok(t.refused > 0);
}

/** Spec strings assembled from valid and invalid tokens, so both outcomes are exercised. */
const specText = fc.tuple(
  fc.option(fc.array(fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(0, -1, 1.5)), { minLength: 1, maxLength: 4 })),
  fc.array(fc.constantFrom('linear', 'sigmoid', 'tanh', 'relu', 'gelu', 'softmax', 'elu', 'Relu', '', '__proto__', 'constructor'), { minLength: 0, maxLength: 4 }),
  fc.option(fc.constantFrom('sse', 'mse', 'bce', 'cross_entropy', 'l1', '')),
).map(([sizes, acts, loss]) => [sizes?.join('-'), acts.join(','), loss].filter((p) => p !== null && p !== undefined).join(':'));

/** Valid spec strings: 1–4 layers, optional sizes and loss. */
const validSpec = fc.array(fc.constantFrom(...ACTS, 'softmax', 'elu'), { minLength: 1, maxLength: 4 }).chain((acts) =>
  fc.tuple(fc.option(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: acts.length + 1, maxLength: acts.length + 1 })), fc.option(fc.constantFrom('sse', 'mse', 'bce', 'cross_entropy')))
    .map(([sizes, loss]) => [sizes?.join('-'), acts.join(','), loss].filter((p) => p !== null && p !== undefined).join(':')));

const fresh = (): Tally => ({ tried: 0, decoded: 0, refused: 0, unclean: [] });

test('fuzz: mutated valid files decode consistently or throw BackpropError (3000 inputs)', () => {
  const t = fresh();
  fc.assert(fc.property(validFile, fc.array(mutation, { minLength: 1, maxLength: 3 }), (file, ms) => {
    const bytes = ms.reduce(mutate, file);
    classify(t, () => decodeSafetensors(bytes), checkDecoded(bytes));
  }), { numRuns: 3000, seed: 7 });
  report('mutated files', t);
  assert.ok(t.decoded > 0, 'some mutations (e.g. in the data bytes) leave a valid file');
});

test('fuzz: arbitrary JSON headers (2000 inputs) and raw random bytes (1000 inputs)', () => {
  const t = fresh();
  fc.assert(fc.property(hostileHeader, (bytes) => classify(t, () => decodeSafetensors(bytes), checkDecoded(bytes))), { numRuns: 2000, seed: 8 });
  report('hostile headers', t);
  const r = fresh();
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => classify(r, () => decodeSafetensors(bytes), checkDecoded(bytes))), { numRuns: 1000, seed: 9 });
  report('random bytes', r);
  assert.equal(({} as Record<string, unknown>).dtype, undefined, 'Object.prototype untouched');
});

test('fuzz: the importer on mutated files and the spec parser on random strings (1500 + 1500 inputs)', () => {
  const t = fresh();
  fc.assert(fc.property(validFile, fc.array(mutation, { minLength: 0, maxLength: 2 }), fc.option(fc.oneof(validSpec, specText, fc.string({ maxLength: 12 }))), (file, ms, spec) => {
    const bytes = ms.reduce(mutate, file);
    classify(t, () => safetensorsToModelFile(bytes, spec ?? undefined), (model) => {
      assert.ok(model.layers.length > 0);
      for (const l of model.layers as DenseLayerFile[]) {
        const w = l.weights as number[][];
        assert.ok(w.every((r) => r.length === w[0]!.length && r.every(Number.isFinite)));
      }
    });
  }), { numRuns: 1500, seed: 10 });
  report('importer', t);
  const s = fresh();
  fc.assert(fc.property(fc.oneof(validSpec, specText, fc.string({ maxLength: 30 })), (text) =>
    classify(s, () => parseModelSpec(text), (spec) => assert.ok(spec.activations.length > 0))), { numRuns: 1500, seed: 11 });
  report('spec strings', s);
  assert.ok(s.decoded > 100, 'the generator also makes valid specs');
});

test('an absurd declared header is refused without reading or allocating it', () => {
  const tensors = new Map<string, SafetensorsTensor>([['w', { dtype: 'F64', shape: [1], data: new Float64Array(1) }]]);
  const bytes = encodeSafetensors(tensors);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0, true);
  view.setUint32(4, 0x100, true); // 2^40 bytes: a terabyte
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => decodeSafetensors(bytes), /claims 1099511627776 bytes, above the limit/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
});

test('deeply nested header JSON (200,000 levels) is refused cleanly, without a stack overflow', () => {
  const depth = 200_000;
  const json = new TextEncoder().encode(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
  const bytes = new Uint8Array(8 + json.length);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 8);
  assert.throws(() => decodeSafetensors(bytes), (e) => e instanceof BackpropError && /tensor "a": expected an object/.test(e.message));
});
