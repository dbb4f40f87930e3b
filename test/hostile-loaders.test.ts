// Hostile inputs for the loaders: the model file (parseModelFile ∘ parseJsonText), the JSON data
// format (parseDataJson, from text and through parseJsonText as the CLI does) and CSV (parseCsv).
// Thousands of valid documents edited by fast-check — wrong types, ragged rows, NaN/1e999/strings
// for numbers, absurd sizes, truncation, 100,000-deep nesting, __proto__/constructor keys — must each
// end in a result that validates or in a BackpropError: no other exception, no input slower than 2 s,
// no polluted prototype. The counts are printed as diagnostics and asserted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BackpropError, parseCsv, parseJsonText, parseModelFile, Rng, type ActivationName, type CsvOptions } from '../src/index.js';
import { parseDataJson } from '../src/data/json.js';
import { randomModel } from '../src/io/test-util.js';
import {
  applyEdit, applyTextEdit, assertNoPollution, docEdit, docText, nestedArrays, nestedObjects, prototypeSnapshot, shorten, Tally, textEdit, toDoc, type Doc,
} from './hostile-util.js';

const before = prototypeSnapshot();
const ACTS: ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'gelu', 'softplus'];

/** Valid model files: weights written out, or sizes with an initializer; float64 or float32. */
const validModel = fc.record({
  seed: fc.nat(), depth: fc.integer({ min: 1, max: 3 }), width: fc.integer({ min: 1, max: 4 }), bySize: fc.boolean(), f32: fc.boolean(), softmax: fc.boolean(),
}).map(({ seed, depth, width, bySize, f32, softmax }): Doc => {
  const rng = new Rng(seed);
  const sizes = Array.from({ length: depth + 1 }, (_, i) => width + ((seed + i) % 3));
  const acts = Array.from({ length: depth }, (_, i) => (softmax && i === depth - 1 ? 'softmax' : ACTS[(seed + i) % ACTS.length]!));
  const m = randomModel(sizes, acts, rng, softmax ? 'cross_entropy' : 'mse') as unknown as Record<string, unknown>;
  if (f32) m.dtype = 'float32';
  if (bySize) {
    m.seed = seed % 1000;
    m.layers = acts.map((activation, i) => ({ type: 'dense', activation, inputs: sizes[i], units: sizes[i + 1], init: 'xavier_uniform' }));
  }
  if (seed % 4 === 0) m.preprocessing = { featureNames: sizes.slice(0, sizes[0]).map(String) };
  return toDoc(m);
});

/** Valid JSON data documents: N×in inputs, N×out targets, optional names and task. */
const validData = fc.record({
  rows: fc.integer({ min: 1, max: 6 }), inputs: fc.integer({ min: 1, max: 4 }), outputs: fc.integer({ min: 1, max: 3 }),
  onehot: fc.boolean(), names: fc.boolean(), values: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 40, maxLength: 40 }),
}).map(({ rows, inputs, outputs, onehot, names, values }): Doc => {
  const v = (i: number) => values[i % values.length]!;
  const x = Array.from({ length: rows }, (_, r) => Array.from({ length: inputs }, (_, c) => v(r * inputs + c)));
  const t = Array.from({ length: rows }, (_, r) => Array.from({ length: outputs }, (_, c) => (onehot ? (c === r % outputs ? 1 : 0) : v(r + c + 7))));
  const doc: Record<string, unknown> = { inputs: x, targets: t };
  if (names) {
    doc.featureNames = Array.from({ length: inputs }, (_, i) => `f${i}`);
    if (onehot && outputs >= 2) doc.classNames = Array.from({ length: outputs }, (_, i) => `c${i}`);
    doc.task = onehot && outputs >= 2 ? 'classification' : 'regression';
  }
  return toDoc(doc);
});

const edits = fc.array(docEdit, { minLength: 1, maxLength: 3 });

/** The document after the edits, as text, after a text-level edit. */
const hostileText = (base: fc.Arbitrary<Doc>) =>
  fc.tuple(base, edits, textEdit).map(([doc, es, te]) => applyTextEdit(docText(es.reduce(applyEdit, doc)), te));

test('model-file loader: thousands of edited model files each load or end in a BackpropError', (t) => {
  const tally = new Tally('model file (parseModelFile ∘ parseJsonText)');
  fc.assert(fc.property(hostileText(validModel), (text) => {
    tally.run(() => parseModelFile(parseJsonText(text, 'fuzz.json'), 'fuzz.json'), () => shorten(text), ({ model }) => {
      assert.ok(model.layers.length >= 1);
      for (const p of model.parameters()) assert.ok(p.data.every(Number.isFinite), 'a parameter is not finite');
    });
  }), { numRuns: 3000, seed: 42 });
  t.diagnostic(tally.summary());
  tally.assertClean(3000);
  assert.ok(tally.refused > tally.tried / 2 && tally.accepted > 0, 'the generator should mostly, not only, produce bad files');
  assertNoPollution(before);
});

test('data loader (JSON data format): edited documents, parsed from text and through parseJsonText', (t) => {
  const direct = new Tally('data JSON (parseDataJson of text)');
  const viaCli = new Tally('data JSON (parseDataJson ∘ parseJsonText, the CLI path)');
  fc.assert(fc.property(hostileText(validData), (text) => {
    const check = (ds: ReturnType<typeof parseDataJson>) => {
      assert.ok(ds.rows >= 1 && ds.inputSize >= 1 && ds.outputSize >= 1);
      assert.equal(ds.x.length, ds.rows * ds.inputSize);
      assert.ok(ds.x.every(Number.isFinite) && ds.y.every(Number.isFinite));
    };
    direct.run(() => parseDataJson(text), () => shorten(text), check);
    viaCli.run(() => parseDataJson(parseJsonText(text, 'data.json')), () => shorten(text), check);
  }), { numRuns: 1500, seed: 43 });
  t.diagnostic(direct.summary());
  t.diagnostic(viaCli.summary());
  direct.assertClean(1500);
  viaCli.assertClean(1500);
  assertNoPollution(before);
});

/** CSV cells that are numbers only in some readers' eyes, or not at all. */
const badCell = fc.constantFrom(
  '', 'NaN', 'Infinity', '-Infinity', '1e999', '0x10', '1_000', ' 3 ', '"q"', '"open', 'a"b', '"1,5"', '1,5', '\u0000', '\ufeff',
  '-0', '.', '+', 'e5', '__proto__', 'constructor', 'cat', 'x'.repeat(5000), '\n', '"a\nb"',
);
/** One edit of a valid table. */
const csvEdit = fc.oneof(
  fc.record({ kind: fc.constant('cell' as const), row: fc.nat(), col: fc.nat(), value: badCell }),
  fc.record({ kind: fc.constant('drop' as const), row: fc.nat() }),
  fc.record({ kind: fc.constant('extra' as const), row: fc.nat(), value: badCell }),
  fc.record({ kind: fc.constant('header' as const), col: fc.nat(), value: fc.constantFrom('', 'a0', 'y', '__proto__', 'constructor', '"q"', 'x,y', ' a0 ') }),
  fc.record({ kind: fc.constant('option' as const), value: fc.constantFrom<Record<string, unknown>>(
    { target: 'missing' }, { target: '' }, { target: [] }, { target: ['y', 'y'] }, { target: ['a0', 'y'] }, { target: '__proto__' },
    { features: ['a0', 'nope'] }, { features: [] }, { features: ['y'] }, { task: 'classification' }, { task: 'clustering' },
    { encoding: 'binary' }, { encoding: 'sign' }, { encoding: 'index' }, { encoding: 'ordinal' }, { classOrder: 'first-seen' }, { classOrder: 'random' },
    { delimiter: ';' }, { delimiter: '' }, { delimiter: ',,' }, { delimiter: '"' }, { delimiter: '\n' },
  ) }),
);
const csvDoc = fc.record({
  cols: fc.integer({ min: 1, max: 4 }),
  values: fc.array(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
  labels: fc.constantFrom('numbers', 'words', 'onehot'),
  edits: fc.array(csvEdit, { minLength: 0, maxLength: 3 }),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  cut: fc.oneof({ weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) }, { weight: 1, arbitrary: textEdit }),
});

test('CSV loader: headers, ragged rows, non-numbers, quotes, line endings, options of every kind', (t) => {
  const tally = new Tally('CSV (parseCsv)');
  fc.assert(fc.property(csvDoc, (d) => {
    const header = [...Array.from({ length: d.cols }, (_, j) => `a${j}`), ...(d.labels === 'onehot' ? ['y', 'z'] : ['y'])];
    const rows = d.values.map((v, i) => [
      ...v.slice(0, d.cols).map(String),
      ...(d.labels === 'numbers' ? [String(v[4])] : d.labels === 'words' ? [['cat', 'dog', 'eel'][i % 3]!] : i % 2 ? ['1', '0'] : ['0', '1']),
    ]);
    let options: Record<string, unknown> = { target: d.labels === 'onehot' ? ['y', 'z'] : 'y', name: 'fuzz.csv' };
    const table = [header, ...rows];
    for (const e of d.edits) {
      if (e.kind === 'cell') { const r = table[1 + (e.row % rows.length)]!; r[e.col % r.length] = e.value; }
      if (e.kind === 'drop') table[1 + (e.row % rows.length)]!.pop();
      if (e.kind === 'extra') table[1 + (e.row % rows.length)]!.push(e.value);
      if (e.kind === 'header') header[e.col % header.length] = e.value;
      if (e.kind === 'option') options = { ...options, ...e.value };
    }
    const text = applyTextEdit((d.bom ? '\ufeff' : '') + table.map((r) => r.join(',')).join(d.eol) + d.eol, d.cut);
    tally.run(() => parseCsv(text, options as unknown as CsvOptions), () => `${JSON.stringify(shorten(text))} ${JSON.stringify(options)}`, (ds) => {
      assert.ok(ds.rows >= 1 && ds.rows <= rows.length);
      assert.ok(ds.x.every(Number.isFinite) && ds.y.every(Number.isFinite), 'a non-finite number got through');
    });
  }), { numRuns: 2000, seed: 44 });
  t.diagnostic(tally.summary());
  tally.assertClean(2000);
  assert.ok(tally.accepted > 100 && tally.refused > 1000, 'the generator should reach both the accepting and the refusing paths');
  assertNoPollution(before);
});

/** A named hostile case: `f` must throw a BackpropError whose message matches. */
function refuses(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof BackpropError && message.test(e.message), String(message));
}

test('named cases: absurd sizes, deep nesting, prototype keys, non-finite numbers (each with its message)', () => {
  const model = (layers: unknown) => `{"format":"backprop-model","version":1,"layers":${typeof layers === 'string' ? layers : JSON.stringify(layers)}}`;
  const load = (text: string) => parseModelFile(parseJsonText(text, 'm.json'), 'm.json');
  refuses(() => load(model([{ type: 'dense', inputs: 1e12, units: 1 }])), /layers\[0\]\.inputs: expected a positive integer of at most 50000000, got 1000000000000/);
  refuses(() => load(model([{ type: 'dense', inputs: 1e6, units: 1e6 }])), /more than 50000000 parameters \(this layer is 1000000×1000000\)/);
  refuses(() => load(model(Array.from({ length: 1001 }, () => ({ type: 'dense', inputs: 1, units: 1 })))), /at most 1000 layers, got 1001/);
  refuses(() => load(model(`[{"type":"dense","weights":[[1e999]],"bias":[0]}]`)), /layers\[0\]\.weights\[0\]\[0\]: expected a finite number, got Infinity/);
  refuses(() => load(model(`[{"type":"dense","weights":[[NaN]],"bias":[0]}]`)), /not valid JSON/);
  refuses(() => load(model(`[{"type":"dense","weights":[["1"]],"bias":[0]}]`)), /expected a finite number, got "1"/);
  refuses(() => load(model(`[{"type":"dense","weights":[[1,2],[3]],"bias":[0,0]}]`)), /ragged/);
  refuses(() => load(model(docText(nestedArrays(100_000)))), /m\.json: the JSON is nested too deeply to read/);
  refuses(() => load(docText(nestedObjects(100_000))), /nested too deeply/);
  refuses(() => load(`{"__proto__":{"polluted":1},"format":"backprop-model"}`), /the key "__proto__" is not allowed/);
  refuses(() => load(`{"constructor":{"prototype":{"polluted":1}},"format":"backprop-model","version":1,"layers":[]}`), /constructor: unknown field/);
  refuses(() => load(model([{ type: 'dense', inputs: 2, units: 2 }]).slice(0, 40)), /not valid JSON/);

  refuses(() => parseDataJson(`{"inputs":{"a":${docText(nestedArrays(100_000))}},"targets":[[1]]}`), /inputs: expected an array of rows, got an object nested too deeply to print/);
  refuses(() => parseDataJson(`{"inputs":${docText(nestedArrays(100_000))},"targets":[[1]]}`), /inputs\[0\]\[0\] \(row 0, column 0\): expected a finite number, got an array of 1/);
  refuses(() => parseDataJson(`{"__proto__":{"inputs":[[1]]},"targets":[[1]]}`), /inputs: missing/);
  refuses(() => parseDataJson(`{"inputs":[[1e999]],"targets":[[1]]}`), /inputs\[0\]\[0\] .*expected a finite number, got Infinity/);
  refuses(() => parseDataJson(`{"inputs":[[1,2],[3]],"targets":[[1],[2]]}`), /inputs\[1\]: expected 2 numbers \(like inputs\[0\]\), got 1/);
  refuses(() => parseDataJson(`{"inputs":[[1]],"targets":[[1],[2]]}`), /targets: expected 1 rows/);
  refuses(() => parseJsonText(`{"inputs":[[1]],"targets":[[1]],"__proto__":{}}`, 'd.json'), /"__proto__" is not allowed/);

  refuses(() => parseCsv('a,y\n1,2\n3\n', { target: 'y' }), /CSV line 3: expected 2 fields \(like the header\), got 1/);
  refuses(() => parseCsv('a,y\n1e999,2\n', { target: 'y', name: 'f.csv' }), /f\.csv line 2, column "a": expected a number, got "1e999"/);
  refuses(() => parseCsv('a,y\nNaN,2\n', { target: 'y' }), /expected a number, got "NaN"/);
  refuses(() => parseCsv('a,y\n"1,2\n', { target: 'y' }), /line 2: a quoted field starts here and is never closed/);
  refuses(() => parseCsv('a,y\n1,2\n', { target: '__proto__' }), /unknown target column "__proto__"/);
  refuses(() => parseCsv('a,a,y\n1,2,3\n', { target: 'y' }), /column "a" appears twice/);
  assertNoPollution(before);
});
