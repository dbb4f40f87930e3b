// Terminal control characters from files and flags never reach the terminal raw. Strings that
// erase and rewrite a line, recolour it, retitle the window, reorder it (bidirectional overrides),
// ring the bell or forge a second line are put where users' files and command lines put strings —
// class names in a model file, CSV column names and labels, flag values, file paths, safetensors
// tensor names, a checkpoint's settings — and every command's stdout and stderr (success lines,
// reports, JSON, error lines) must hold none of them: each is shown escaped (`\e[2K`, `\u202e`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeSafetensors, historySvg, History, main, modelFileToSafetensors, type ModelFile } from '../src/node.js';
import { fakeIo } from './hostile-util.js';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const seedFile = JSON.parse(readFileSync(`${root}examples/seed-model.json`, 'utf8')) as ModelFile;

/** What a terminal acts on (the set src/cli/escape.ts escapes). */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const HOSTILE = [
  '\r\u001b[2Kcat', '\u001b[31mred\u001b[0m', '\u001b]0;pwned\u0007', '\u009b2Kc1', '\u202egnp.exe', '\u2066iso\u2069',
  'two\nlines', '\b\b\bback', '\u0007bell', 'del\u007f', 'sep\u2028x', 'nul\u0000x', '\u001bc', 'tab\there',
];

/** One place a string can come from; returns the command line and the files it needs. */
type Scenario = (h: string) => { argv: string[]; files: [string, Uint8Array][] };

const csvField = (h: string): string => `"${h.replace(/"/g, '""')}"`;
const labelsCsv = (h: string): string => ['a,b,y', ...Array.from({ length: 12 }, (_, i) => `${i % 4},${(i * 7) % 5},${csvField([h, 'plain', 'other'][i % 3]!)}`)].join('\n');
const withClasses = (names: string[]): Uint8Array => bytes(JSON.stringify({ ...seedFile, preprocessing: { classNames: names } }));

const scenarios: [string, Scenario][] = [
  ['predict: a class name in the model file', (h) => ({ argv: ['predict', 'm.json', '--input', '[[1,2,3]]'], files: [['m.json', withClasses([h, 'b'])]] })],
  ['predict --json: a class name', (h) => ({ argv: ['predict', 'm.json', '--input', '[[1,2,3]]', '--json'], files: [['m.json', withClasses([h, 'b'])]] })],
  ['train on CSV labels, then eval and predict read them back', (h) => ({ argv: ['train', '--data', 'd.csv', '--target', 'y', '--layers', '2,4,3', '--epochs', '1', '--out', 'o.json'], files: [['d.csv', bytes(labelsCsv(h))]] })],
  ['a CSV column name', (h) => ({ argv: ['train', '--data', 'd.csv', '--target', 'y', '--layers', '2,2', '--epochs', '1', '--out', 'o.json'], files: [['d.csv', bytes(`${csvField(h)},b,y\n1,2,0\n3,4,1\n`)]] })],
  ['the last CSV column, taken as the target (a note names it)', (h) => ({ argv: ['train', '--data', 'd.csv', '--layers', '2,1', '--epochs', '1', '--out', 'o.json'], files: [['d.csv', bytes(`a,b,${csvField(h)}\n1,2,x\n3,4,y\n`)]] })],
  ['a CSV column that counts the rows like an id (a note names it)', (h) => ({ argv: ['train', '--data', 'd.csv', '--target', 'y', '--layers', '2,2', '--epochs', '1', '--out', 'o.json'], files: [['d.csv', bytes(`${csvField(h)},b,y\n1,2,0\n2,4,1\n3,4,1\n4,5,0\n5,6,1\n6,7,0\n`)]] })],
  ['a --target that names no column', (h) => ({ argv: ['train', '--data', 'd.csv', '--target', h, '--layers', '2,2', '--out', 'o.json'], files: [['d.csv', bytes('a,b,y\n1,2,0\n')]] })],
  ['a --features list', (h) => ({ argv: ['train', '--data', 'd.csv', '--target', 'y', '--features', `a,${h}`, '--layers', '2,2', '--out', 'o.json'], files: [['d.csv', bytes('a,b,y\n1,2,0\n')]] })],
  ['a data file\'s path (the "read" line)', (h) => ({ argv: ['train', '--data', `${h}.csv`, '--target', 'y', '--layers', '2,1', '--epochs', '1', '--out', 'o.json'], files: [[`${h}.csv`, bytes('a,b,y\n1,2,0\n3,4,1\n')]] })],
  ['a missing data file', (h) => ({ argv: ['train', '--data', `${h}.csv`, '--target', 'y', '--layers', '2,2', '--out', 'o.json'], files: [] })],
  ['a missing model file', (h) => ({ argv: ['grad', `${h}.json`, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]'], files: [] })],
  ['an --out path (success line)', (h) => ({ argv: ['train', '--data', 'xor', '--layers', '2,2', '--epochs', '1', '--out', `${h}.json`], files: [] })],
  ['an --out path that cannot be written', (h) => ({ argv: ['export', 'seed.json', '--format', 'onnx', '--out', `readonly/${h}.onnx`], files: [['seed.json', bytes(JSON.stringify(seedFile))]] })],
  ['an unknown command', (h) => ({ argv: [h], files: [] })],
  ['an unknown flag', (h) => ({ argv: ['demo', `--${h}`], files: [] })],
  ['a choice flag (--optimizer)', (h) => ({ argv: ['train', '--data', 'xor', '--layers', '2,2', '--optimizer', h, '--out', 'o.json'], files: [] })],
  ['a --schedule', (h) => ({ argv: ['train', '--data', 'xor', '--layers', '2,2', '--schedule', h, '--out', 'o.json'], files: [] })],
  ['a --layers value', (h) => ({ argv: ['train', '--data', 'xor', '--layers', `2,${h}`, '--out', 'o.json'], files: [] })],
  ['explain --param', (h) => ({ argv: ['explain', '--param', h], files: [] })],
  ['import --spec', (h) => ({ argv: ['import', 'w.safetensors', '--spec', h, '--out', 'm.json'], files: [['w.safetensors', modelFileToSafetensors(seedFile)]] })],
  ['a safetensors tensor name', (h) => ({
    argv: ['import', 'w.safetensors', '--out', 'm.json'],
    files: [['w.safetensors', encodeSafetensors(new Map([[`${h}.weight`, { dtype: 'F64', shape: [2, 3], data: new Float64Array(6) }]]))]],
  })],
  ['a data JSON key path', (h) => ({ argv: ['train', 'x.json', '--data', 'd.json', '--out', 'o.json'], files: [['x.json', bytes(JSON.stringify(seedFile))], ['d.json', bytes(JSON.stringify({ inputs: [[1, 2, 3]], targets: [[0.5, 0.1]], [h]: 1 }))]] })],
  ['a model file field', (h) => ({ argv: ['grad', 'm.json', '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]'], files: [['m.json', bytes(JSON.stringify({ ...seedFile, [h]: 1, loss: h }))]] })],
  ['train --health: a diagnosis and the per-layer table name an unscaled CSV column', (h) => ({
    argv: ['train', '--data', 'd.csv', '--target', 'y', '--layers', '2,8,2', '--epochs', '3', '--health', '--out', 'o.json'],
    files: [['d.csv', bytes([`${csvField(h)},b,y`, ...Array.from({ length: 40 }, (_, i) => `${5000 + 731 * i},${i % 3},${i % 2}`)].join('\n'))]],
  })],
  ['an --input CSV column the model lacks', (h) => ({ argv: ['predict', 'm.json', '--input', 'x.csv'], files: [['m.json', bytes(JSON.stringify({ ...seedFile, preprocessing: { featureNames: ['a', 'b', h] } }))], ['x.csv', bytes('a,b,c\n1,2,3\n')]] })],
];

/** Runs one command line over in-memory files; returns everything it printed (and the files it wrote). */
async function run(argv: string[], files: [string, Uint8Array][]): Promise<{ status: number; printed: string; io: ReturnType<typeof fakeIo> }> {
  const io = fakeIo(new Map(files));
  const status = await main(argv, io);
  return { status, printed: io.out + io.err, io };
}

test('control characters from files, flags and paths are shown escaped, never sent raw to the terminal', { timeout: 300_000 }, async (t) => {
  let tried = 0;
  let succeeded = 0;
  const unclean: string[] = [];
  const check = (what: string, r: { status: number; printed: string }, h?: string): void => {
    tried++;
    if (r.status !== 0 && r.status !== 2) unclean.push(`${what}: exit ${r.status}: ${JSON.stringify(r.printed.slice(0, 200))}`);
    else if (UNSAFE.test(r.printed)) unclean.push(`${what}: raw ${JSON.stringify(UNSAFE.exec(r.printed)![0])} in ${JSON.stringify(r.printed.slice(0, 300))}`);
    // NOTE: newlines and tabs are the output's own; one inside the string (a forged line) must not pass raw.
    else if (h !== undefined && /[\n\t]/.test(h) && r.printed.includes(h)) unclean.push(`${what}: the string passed raw in ${JSON.stringify(r.printed.slice(0, 300))}`);
    else if (r.status === 0) succeeded++;
  };
  for (const [name, make] of scenarios) {
    for (const h of HOSTILE) {
      const { argv, files } = make(h);
      const r = await run(argv, files);
      check(`${name} ${JSON.stringify(h)}`, r, h);
      // The model trained on hostile labels carries them: eval's report and predict's classes.
      if (argv[0] === 'train' && r.status === 0 && r.io.files.has('o.json') && name.startsWith('train on CSV')) {
        const again: [string, Uint8Array][] = [['o.json', r.io.files.get('o.json')!], ['d.csv', bytes(labelsCsv(h))]];
        check(`eval ${JSON.stringify(h)}`, await run(['eval', 'o.json', '--data', 'd.csv', '--target', 'y'], again));
        check(`eval --json ${JSON.stringify(h)}`, await run(['eval', 'o.json', '--data', 'd.csv', '--target', 'y', '--json'], again));
        check(`predict CSV ${JSON.stringify(h)}`, await run(['predict', 'o.json', '--input', 'd.csv'], again));
        check(`health ${JSON.stringify(h)}`, await run(['health', 'o.json', '--data', 'd.csv', '--target', 'y'], again));
        check(`health --json ${JSON.stringify(h)}`, await run(['health', 'o.json', '--data', 'd.csv', '--target', 'y', '--json'], again));
      }
    }
  }
  // Random strings of controls and text, in a class name and in a path.
  const random = fc.sample(fc.array(fc.oneof(fc.constantFrom(...'\u0000\u0007\b\t\n\u000b\f\r\u001b\u007f\u0085\u009b\u009d\u202a\u202e\u2066\u2069\u2028[]0;2Kx'.split('')), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 12 }).map((a) => a.join('')), { numRuns: 150, seed: 77 });
  for (const h of random) {
    check(`random class name ${JSON.stringify(h)}`, await run(['predict', 'm.json', '--input', '[[1,2,3]]'], [['m.json', withClasses([h, 'b'])]]));
    check(`random path ${JSON.stringify(h)}`, await run(['grad', `${h}.json`, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]'], []));
  }
  t.diagnostic(`terminal escapes: ${tried} command lines (${scenarios.length} places × ${HOSTILE.length} strings, reports of models trained on them, ${random.length} random strings × 2), ${succeeded} succeeded, ${tried - succeeded - unclean.length} refused, ${unclean.length} unclean`);
  assert.deepEqual(unclean.slice(0, 10), []);
  assert.ok(succeeded > 50, `only ${succeeded} runs succeeded: the success paths were not reached`);
});

test('a class name cannot make predict show another class: "\\r\\e[2K" is printed escaped', async () => {
  const r = await run(['predict', 'm.json', '--input', '[[1,2,3]]'], [['m.json', withClasses(['dog\r\u001b[2Kcat', 'bird'])]]);
  assert.equal(r.status, 0);
  assert.match(r.printed, /→ dog\\r\\e\[2Kcat\n/);
});

test('a hostile data name in the --plot title leaves the SVG well-formed XML (no control characters, no lone surrogates)', () => {
  const svg = historySvg(new History([{ epoch: 1, loss: 1, batchLoss: 1, lr: 0.1, seconds: 0 }, { epoch: 2, loss: 0.5, batchLoss: 0.5, lr: 0.1, seconds: 0 }]), { title: 'data\u001b[2K\u0000\ud800<script>&.csv' });
  assert.doesNotMatch(svg, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])/);
  assert.match(svg, />data\ufffd\[2K\ufffd\ufffd&lt;script&gt;&amp;\.csv</);
});
