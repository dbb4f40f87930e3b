// Hostile command lines and files for the CLI, run in-process (main(argv, io)) over an in-memory io:
// random argument lists mixing every command's flags with bad values, unknown flags (including
// __proto__ / constructor), edited model and data files, and thousands of edited safetensors files
// through `backprop import` (lengths claiming terabytes, shapes of 10¹² elements, truncation).
// Every run must exit 0 or 2; 2 comes with exactly one line on stderr and leaves every file as it
// was. Also: files above BACKPROP_MAX_FILE_BYTES are refused before they are read.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  BackpropError, DEFAULT_MAX_FILE_BYTES, decodeSafetensors, main, maxFileBytes, nodeIo, modelFileToSafetensors, parseJsonText, parseModelFile, readFileChecked, Rng, type ModelFile,
} from '../src/node.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { readCsvFile } from '../src/data/csv.node.js';
import { loadData } from '../src/data/load.node.js';
import { randomModel } from '../src/io/test-util.js';
import {
  applyEdit, assertNoPollution, docEdit, docText, fakeIo, prototypeSnapshot, Tally, toDoc, type FakeIo,
} from './hostile-util.js';

const before = prototypeSnapshot();
const root = new URL('..', import.meta.url).pathname;
const text = (p: string) => readFileSync(join(root, p), 'utf8');
const bytesOf = (s: string) => new TextEncoder().encode(s);
const seedText = text('examples/seed-model.json');
const seedFile = JSON.parse(seedText) as ModelFile;
const LIMIT = 4096;

/** The files every run starts from (the io is copied per run). */
function baseFiles(extra: [string, Uint8Array][] = []): Map<string, Uint8Array> {
  return new Map<string, Uint8Array>([
    ['seed.json', bytesOf(seedText)],
    ['xor-model.json', bytesOf(text('examples/xor-model.json'))],
    ['xor-data.json', bytesOf(text('examples/xor-data.json'))],
    ['seed.safetensors', modelFileToSafetensors(seedFile)],
    ['garbage.bin', bytesOf('\u0000\u0001 not a model')],
    ['big.json', bytesOf(seedText + ' '.repeat(LIMIT))],
    ['x.json', bytesOf('[[1,2,3]]')],
    ...extra,
  ]);
}

/** Compares two file maps by content. */
function sameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || w.length !== v.length || !w.every((x, i) => x === v[i])) return false;
  }
  return true;
}

/** Runs the CLI on a fake io and checks the contract; returns the exit status. */
async function runChecked(tally: Tally, argv: string[], files: Map<string, Uint8Array>, env: Record<string, string>, expect2 = false): Promise<void> {
  const io: FakeIo = fakeIo(files, env);
  const show = () => JSON.stringify(argv).slice(0, 300);
  tally.tried++;
  const t0 = performance.now();
  let status: number;
  try {
    status = await main(argv, io);
  } catch (e) {
    tally.fail(show, e);
    return;
  }
  tally.time(t0, show);
  if (status === 0) {
    if (expect2) return tally.fail(show, new Error(`exit 0 though an unknown flag was given; stdout ${io.out.slice(0, 100)}`));
    for (const [path, data] of io.files) {
      if (files.get(path) === data) continue;
      try {
        checkWritten(argv, path, data);
      } catch (e) {
        return tally.fail(show, new Error(`wrote ${path} that does not read back: ${(e as Error).message}`));
      }
    }
    tally.accepted++;
    return;
  }
  const lines = io.err.split('\n').filter((l) => l !== '');
  if (status !== 2) return tally.fail(show, new Error(`exit ${status}: ${io.err.slice(0, 200)}`));
  if (lines.length !== 1 || !lines[0]!.startsWith('backprop: ') || /internal error/.test(io.err)) {
    return tally.fail(show, new Error(`exit 2 but stderr is not one clean line: ${JSON.stringify(io.err.slice(0, 300))}`));
  }
  if (!sameFiles(files, io.files)) return tally.fail(show, new Error('exit 2 but a file was written'));
  tally.refused++;
  const code = COMMANDS.some((c) => c.name === argv[0]) ? argv[0]! : 'no such command';
  tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
}

/** A file the CLI wrote must read back: a model file, a safetensors or ONNX export, an SVG plot. */
function checkWritten(argv: string[], path: string, data: Uint8Array): void {
  const i = argv.indexOf('--format');
  const format = argv[0] === 'export' ? (i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--format='))?.slice(9)) : undefined;
  const plot = argv.indexOf('--plot');
  if (format === 'safetensors') decodeSafetensors(data);
  else if (format === 'onnx') assert.equal(data[0], 0x08, 'an ONNX ModelProto starts with ir_version (field 1, varint)');
  else if (plot >= 0 && argv[plot + 1] === path) assert.match(new TextDecoder().decode(data), /<svg/);
  else parseModelFile(parseJsonText(new TextDecoder().decode(data), path), path);
}

// NOTE: `train --checkpoint DIR` creates DIR with node:fs directly (not through the io), and
// `playground` starts a server: both stay out of an in-memory run.
const REAL_FS_FLAGS = ['checkpoint', 'port', 'open'];
const flagNames = [...new Set(COMMANDS.flatMap((c) => Object.keys(c.spec.flags)))].filter((f) => !REAL_FS_FLAGS.includes(f));
const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...flagNames.map((f) => `--${f}`)) },
  { weight: 2, arbitrary: fc.constantFrom('--__proto__', '--constructor', '--toString', '--hasOwnProperty', '--inptu', '--', '-x', '-', '--help', '--lr=abc', '--epochs=3', '--json=1', '--out=', '--format=onnx', '--dtype=F32') },
  { weight: 6, arbitrary: fc.constantFrom('seed.json', 'xor-model.json', 'xor-data.json', 'seed.safetensors', 'garbage.bin', 'big.json', 'mutant.json', 'mutant-data.json', 'missing.json', 'x.json', 'out.json', 'out.safetensors', 'out.onnx', 'readonly/out.json', 'seed.json') },
  { weight: 5, arbitrary: fc.constantFrom('[[1,2,3]]', '[[0.5,0.1]]', '[1,2,3]', '[[1,2]]', '[[1,"a",3]]', '[[1,2,', '[[NaN,1,2]]', '[[1e999,1,2]]', '[]', '[[]]', '{"__proto__":1}', '') },
  { weight: 5, arbitrary: fc.constantFrom('0', '1', '2', '3', '-1', '0.5', '1e309', 'NaN', 'abc', '13', '12', '99', 'F32', 'F64', 'float32', 'onnx', 'safetensors', 'pt', 'adam', 'adamw', 'rmsprop', 'sgd', 'ko', 'en', 'sse', 'cross_entropy', '3-2-2:sigmoid,sigmoid', 'sigmoid,sigmoid', 'softmax,softmax', '__proto__', 'constructor') },
);
const command = fc.constantFrom('demo', 'grad', 'train', 'eval', 'predict', 'export', 'import', 'explain', 'trian', 'help', '--help', '--version', '', '__proto__', 'constructor', 'toString');

/** Caps the values that drive loops (--epochs, --steps) so that a run stays short. */
function capLoops(argv: string[]): string[] {
  // NOTE: demo runs 1000 steps by default; 20 keep a run short (a second --steps is an error, also fine).
  if (argv[0] === 'demo') argv = ['demo', '--steps', '20', ...argv.slice(1)];
  return argv.map((a, i) => {
    const prev = argv[i - 1];
    const n = Number(a);
    return (prev === '--epochs' || prev === '--steps') && Number.isFinite(n) && n > 20 ? '20' : /^--(epochs|steps)=/.test(a) ? a.replace(/=.*/, '=3') : a;
  });
}

/** True when the arguments hold a `--name` that the command does not know (before any `--`). */
function hasUnknownFlag(argv: string[]): boolean {
  const c = COMMANDS.find((k) => k.name === argv[0]);
  if (c === undefined) return false;
  for (const a of argv.slice(1)) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return false;
    if (a.startsWith('--') && !Object.hasOwn(c.spec.flags, a.slice(2).replace(/=.*/, ''))) return true;
  }
  return false;
}

test('CLI arguments: random command lines over in-memory files exit 0 or 2, one line, no partial output', async (t) => {
  const tally = new Tally('CLI arguments (main(argv, io))');
  const unknown = new Tally('CLI arguments with an unknown flag');
  // NOTE: warm-up, untimed: explain loads its modules on first use (seconds under tsx on a busy machine).
  const warmUp = [['demo', '--steps', '1'], ['explain'], ['grad', 'seed.json', '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]'], ['import', 'seed.safetensors', '--out', 'o.json']];
  for (const argv of warmUp) assert.equal(await main(argv, fakeIo(baseFiles())), 0, argv.join(' '));
  const seedDoc = toDoc(seedFile);
  const dataDoc = toDoc(JSON.parse(text('examples/xor-data.json')));
  const samples = fc.sample(fc.record({
    cmd: command, rest: fc.array(token, { maxLength: 9 }), modelEdit: docEdit, dataEdit: docEdit, limit: fc.boolean(),
  }), { numRuns: 800, seed: 45 });
  for (const s of samples) {
    const files = baseFiles([
      ['mutant.json', bytesOf(docText(applyEdit(seedDoc, s.modelEdit)))],
      ['mutant-data.json', bytesOf(docText(applyEdit(dataDoc, s.dataEdit)))],
    ]);
    const argv = capLoops([s.cmd, ...s.rest]);
    const bad = hasUnknownFlag(argv);
    await runChecked(bad ? unknown : tally, argv, files, s.limit ? { BACKPROP_MAX_FILE_BYTES: String(LIMIT) } : {}, bad);
  }
  // Command lines that are valid except for one value, so the commands' own checks are reached.
  const good: string[][] = [
    ['grad', 'seed.json', '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]'],
    ['train', 'xor-model.json', '--data', 'xor-data.json', '--out', 'out.json', '--epochs', '2'],
    ['export', 'seed.json', '--format', 'onnx', '--out', 'out.onnx'],
    ['export', 'seed.json', '--format', 'safetensors', '--out', 'out.safetensors'],
    ['import', 'seed.safetensors', '--out', 'out.json'],
  ];
  const values = ['mutant.json', 'mutant-data.json', 'garbage.bin', 'big.json', 'missing.json', 'readonly/out.json', '[[1,2]]', '[[NaN,1,2]]', '1e309', '-1', 'abc', '', '__proto__', 'F32', '3-2-2:relu,relu'];
  const edits = fc.sample(fc.record({ line: fc.nat(), at: fc.nat(), value: fc.constantFrom(...values), modelEdit: docEdit, dataEdit: docEdit }), { numRuns: 500, seed: 46 });
  for (const e of edits) {
    const line = [...good[e.line % good.length]!];
    line[1 + (e.at % (line.length - 1))] = e.value;
    const files = baseFiles([
      ['mutant.json', bytesOf(docText(applyEdit(seedDoc, e.modelEdit)))],
      ['mutant-data.json', bytesOf(docText(applyEdit(dataDoc, e.dataEdit)))],
    ]);
    await runChecked(tally, capLoops(line), files, { BACKPROP_MAX_FILE_BYTES: String(LIMIT) });
  }
  t.diagnostic(tally.summary());
  t.diagnostic(unknown.summary());
  tally.assertClean(1000, 5000);
  unknown.assertClean(100, 5000);
  assert.ok(tally.accepted > 50, `only ${tally.accepted} command lines succeeded`);
  assertNoPollution(before);
});

/** Edits of a safetensors file, at the byte level and inside its JSON header. */
const stEdit = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 24 }) }),
  // 2^40 = 1 TB, 2^63, 2^53 + 1, … and off-by-one values around the real length.
  fc.record({ kind: fc.constant('length' as const), value: fc.oneof(fc.constantFrom(2 ** 40, 2 ** 63, 2 ** 53 + 1, 2 ** 32, 0, 1, 7), fc.integer({ min: -8, max: 8 })) }),
  fc.record({ kind: fc.constant('header' as const), edit: docEdit }),
);
type StEdit = typeof stEdit extends fc.Arbitrary<infer E> ? E : never;

function editSafetensors(file: Uint8Array, e: StEdit): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = file.length >= 8 ? view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32 : 0;
  switch (e.kind) {
    case 'flip': {
      const out = file.slice();
      if (out.length) out[e.at % out.length] = e.value;
      return out;
    }
    case 'truncate': return file.slice(0, file.length ? e.at % file.length : 0);
    case 'append': return Uint8Array.from([...file, ...e.bytes]);
    case 'length': {
      const out = file.slice();
      if (out.length < 8) return out;
      const v = Math.abs(e.value) <= 8 ? n + e.value : e.value;
      const w = new DataView(out.buffer);
      w.setUint32(0, v % 2 ** 32, true);
      w.setUint32(4, Math.floor(v / 2 ** 32) % 2 ** 32, true);
      return out;
    }
    case 'header': {
      if (n > file.length - 8) return file;
      let doc;
      try {
        doc = toDoc(JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))));
      } catch {
        return file;
      }
      const header = bytesOf(docText(applyEdit(doc, e.edit)));
      const out = new Uint8Array(8 + header.length + file.length - 8 - n);
      new DataView(out.buffer).setUint32(0, header.length, true);
      out.set(header, 8);
      out.set(file.subarray(8 + n), 8 + header.length);
      return out;
    }
  }
}

test('CLI import: thousands of edited safetensors files (terabyte headers, huge shapes, truncation) exit 0 or 2', async (t) => {
  const tally = new Tally('safetensors through `backprop import`');
  const acts = ['sigmoid', 'tanh', 'relu', 'linear', 'gelu'] as const;
  const samples = fc.sample(fc.record({
    seed: fc.nat(), f32: fc.boolean(), edits: fc.array(stEdit, { minLength: 1, maxLength: 3 }),
    spec: fc.option(fc.constantFrom('3-2-2:sigmoid,sigmoid', 'sigmoid,sigmoid', 'relu', 'softmax,softmax', 'tanh,linear:mse', '2-3-2:tanh,tanh', 'x'), { nil: undefined }),
    limit: fc.boolean(),
  }), { numRuns: 1500, seed: 47 });
  for (const s of samples) {
    const rng = new Rng(s.seed);
    const base = s.seed % 3 === 0 ? seedFile : randomModel([2 + (s.seed % 3), 3, 2], [acts[s.seed % 5]!, acts[(s.seed >> 3) % 5]!], rng);
    const bytes = s.edits.reduce(editSafetensors, modelFileToSafetensors(base, { dtype: s.f32 ? 'F32' : 'F64' }));
    const files = new Map([['w.safetensors', bytes]]);
    const argv = ['import', 'w.safetensors', '--out', 'm.json', ...(s.spec === undefined ? [] : ['--spec', s.spec])];
    await runChecked(tally, argv, files, s.limit ? { BACKPROP_MAX_FILE_BYTES: String(LIMIT) } : {});
  }
  t.diagnostic(tally.summary());
  tally.assertClean(1500);
  assert.ok(tally.accepted > 20 && tally.refused > 1000);
  assertNoPollution(before);
});

test('files above the size limit are refused before they are read (a 10 GB sparse file is refused at once)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-limit-'));
  try {
    assert.equal(maxFileBytes({}), DEFAULT_MAX_FILE_BYTES);
    assert.equal(maxFileBytes({ BACKPROP_MAX_FILE_BYTES: '1000' }), 1000);
    for (const bad of ['', 'abc', '-5', '0', 'Infinity']) assert.equal(maxFileBytes({ BACKPROP_MAX_FILE_BYTES: bad }), DEFAULT_MAX_FILE_BYTES, bad);
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 10 * 1024 ** 3);
    const t0 = performance.now();
    assert.throws(() => readFileChecked(huge), (e: unknown) => e instanceof BackpropError && e.code === 'io' &&
      /huge\.json: the file is 10737418240 bytes, above the limit of 268435456 bytes \(set BACKPROP_MAX_FILE_BYTES to raise it\)/.test(e.message));
    const ms = performance.now() - t0;
    t.diagnostic(`10 GB sparse file refused in ${ms.toFixed(2)} ms`);
    assert.ok(ms < 100, `took ${ms} ms: the file was read`);
    // JSON data is read whole: its size is checked before reading. CSV is streamed (no file limit):
    // 10 GB without a line break stops at the longest record accepted, after 16 MiB.
    const json = join(dir, 'huge.json');
    const t1 = performance.now();
    await assert.rejects(loadData(json), (e: unknown) => e instanceof BackpropError && e.code === 'io' && /huge\.json: the file is 10737418240 bytes, above the limit/.test(e.message));
    assert.ok(performance.now() - t1 < 100, 'loadData read the json file');
    const csv = join(dir, 'huge.csv');
    writeFileSync(csv, '');
    truncateSync(csv, 10 * 1024 ** 3);
    const t2 = performance.now();
    await assert.rejects(readCsvFile(csv, { target: 'y' }), (e: unknown) => e instanceof BackpropError && e.code === 'data' && /huge\.csv line 1: a record longer than 16777216 bytes/.test(e.message));
    t.diagnostic(`10 GB CSV without a line break refused after ${(performance.now() - t2).toFixed(0)} ms`);
    assert.ok(performance.now() - t2 < 5000, 'readCsvFile read on past the longest record');
    // Invalid content just above the limit: the size error comes first, so nothing was parsed.
    const over = join(dir, 'over.json');
    writeFileSync(over, '{ not json'.padEnd(1001, ' '));
    assert.throws(() => readFileChecked(over, 1000), /the file is 1001 bytes, above the limit of 1000 bytes/);
    assert.equal(readFileChecked(over, 1001).length, 1001);
    assert.throws(() => readFileChecked(dir), /is a directory, expected a file/);
    assert.throws(() => readFileChecked(join(dir, 'nope', 'x.json')), /no such file or directory/);
    // Through the CLI's real io, with the variable set in the environment.
    const seedPath = join(root, 'examples/seed-model.json');
    const run = async (limit: string) => {
      const saved = process.env.BACKPROP_MAX_FILE_BYTES;
      process.env.BACKPROP_MAX_FILE_BYTES = limit;
      let err = '';
      try {
        const status = await main(['grad', seedPath, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]', '--json'], { ...nodeIo(), stdout: () => {}, stderr: (s) => void (err += s) });
        return { status, err };
      } finally {
        if (saved === undefined) delete process.env.BACKPROP_MAX_FILE_BYTES;
        else process.env.BACKPROP_MAX_FILE_BYTES = saved;
      }
    };
    const refused = await run('100');
    assert.equal(refused.status, 2);
    assert.match(refused.err, /^backprop: .*seed-model\.json: the file is \d+ bytes, above the limit of 100 bytes \(set BACKPROP_MAX_FILE_BYTES to raise it\)\n$/);
    assert.equal((await run('100000')).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a FIFO or device read whole is read to its end or refused past the limit: /dev/zero never ends, a pipe is data like any file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-special-'));
  try {
    const t0 = performance.now();
    assert.throws(() => readFileChecked('/dev/zero', 100_000), (e: unknown) => e instanceof BackpropError && e.code === 'io' &&
      /^\/dev\/zero: not a regular file, and it gave more than the limit of 100000 bytes \(set BACKPROP_MAX_FILE_BYTES to raise it\)$/.test(e.message));
    assert.throws(() => readFileChecked('/dev/urandom', 100_000), /\/dev\/urandom: not a regular file, and it gave more than the limit/);
    t.diagnostic(`/dev/zero and /dev/urandom refused in ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(readFileChecked('/dev/null').length, 0);
    // A named pipe (as `<(zcat data.json)` gives): read to its end.
    const fifo = join(dir, 'input.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '[[1,2,3]]' > '${fifo}'`]);
    assert.deepEqual(JSON.parse(readFileChecked(fifo).toString('utf8')), [[1, 2, 3]]);
    await new Promise((resolve) => writer.on('close', resolve));
    // Through the CLI's real io: a model "file" and an --input that are /dev/zero are refused in one line.
    const zeroModel = join(dir, 'zero.json');
    symlinkSync('/dev/zero', zeroModel);
    const saved = process.env.BACKPROP_MAX_FILE_BYTES;
    process.env.BACKPROP_MAX_FILE_BYTES = '100000';
    try {
      for (const argv of [['predict', zeroModel, '--input', '[[1,2,3]]'], ['predict', join(root, 'examples/seed-model.json'), '--input', '/dev/zero']]) {
        let err = '';
        const status = await main(argv, { ...nodeIo(), stdout: () => {}, stderr: (s) => void (err += s) });
        assert.equal(status, 2, argv.join(' '));
        assert.match(err, /^backprop: .*(zero\.json|\/dev\/zero): not a regular file, and it gave more than the limit of 100000 bytes .*\n$/);
      }
    } finally {
      if (saved === undefined) delete process.env.BACKPROP_MAX_FILE_BYTES;
      else process.env.BACKPROP_MAX_FILE_BYTES = saved;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('named CLI cases: a header claiming a terabyte, a shape of 10¹² elements, 100,000-deep --input, __proto__ data', async () => {
  const seedSt = modelFileToSafetensors(seedFile);
  const terabyte = seedSt.slice();
  new DataView(terabyte.buffer).setUint32(4, 256, true); // 256 · 2³² bytes = 1 TiB
  const n = new DataView(seedSt.buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(seedSt.subarray(8, 8 + n))) as Record<string, { shape: number[] }>;
  header['0.weight']!.shape = [1_000_000, 1_000_000];
  const json = bytesOf(JSON.stringify(header));
  const huge = new Uint8Array(8 + json.length + seedSt.length - 8 - n);
  new DataView(huge.buffer).setUint32(0, json.length, true);
  huge.set(json, 8);
  huge.set(seedSt.subarray(8 + n), 8 + json.length);
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const cases: [string[], [string, Uint8Array][], RegExp][] = [
    [['import', 'tb.safetensors', '--out', 'm.json'], [['tb.safetensors', terabyte]], /tb\.safetensors: safetensors: the header claims 10995116\d{5} bytes, above the limit of 100000000 bytes/],
    [['import', 'huge.safetensors', '--out', 'm.json'], [['huge.safetensors', huge]], /tensor "0\.weight": shape \[1000000, 1000000\] of F64 needs more than 48 bytes/],
    [['grad', 'seed.json', '--input', deep, '--target', '[[0.5,0.1]]'], [], /--input: the JSON is nested too deeply to read/],
    [['train', 'xor-model.json', '--data', 'deep.json', '--out', 'm.json'], [['deep.json', bytesOf(`{"inputs":{"a":${deep}},"targets":[[0]]}`)]], /nested too deeply/],
  ];
  for (const [argv, extra, message] of cases) {
    const io = fakeIo(baseFiles(extra));
    assert.equal(await main(argv, io), 2, `${argv[0]} ${argv[1]}: ${io.err}`);
    assert.match(io.err, message);
    assert.equal(io.err.trim().split('\n').length, 1);
    assert.equal(io.files.has('m.json'), false);
  }
  // A "__proto__" key in a data file is an ordinary own key to JSON.parse: trained on, nothing polluted.
  const io = fakeIo(baseFiles([['proto.json', bytesOf('{"__proto__":{"polluted":1},"inputs":[[0,0],[1,1]],"targets":[[0],[1]]}')]]));
  assert.equal(await main(['train', 'xor-model.json', '--data', 'proto.json', '--out', 'm.json', '--epochs', '2'], io), 0, io.err);
  assert.equal(io.files.has('m.json'), true);
  assertNoPollution(before);
});
