// A closed stdout stops the output, never the work: every command run with its standard output
// closed from the start (`| true`) or after the first line (`| head -1`) ends with its usual status,
// no EPIPE trace, and — for train and export — the file it was asked to write. A stdout that fails
// otherwise (`> /dev/full`, a full disk) is an error: what went there is incomplete.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadModel } from '../src/node.js';
import { COMMANDS } from '../src/cli/commands/index.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'backprop-pipes-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const seed = join(root, 'examples/seed-model.json');

/** Runs the CLI with stdout closed at once (`true`) or after the first chunk (`head`). */
function run(argv: string[], close: 'true' | 'head'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    if (close === 'true') child.stdout.destroy();
    else child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr });
    });
  });
}

test('every command with its stdout closed early: the usual exit status, no EPIPE trace, the files written', { timeout: 300_000 }, async (t) => {
  const model = join(tmp, 'xor.json');
  // [argv, the file it must have written, whether it prints enough for `| head -1` to cut it mid-way]
  const lines: [string[], () => boolean][] = [
    [['demo', '--lang', 'ko', '--steps', '20000'], () => true],
    [['grad', seed, '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]'], () => true],
    [['train', '--data', 'spiral', '--layers', '2,8,2', '--epochs', '60', '--out', model], () => loadModel(model).model.sizes.length === 3],
    [['eval', model, '--data', 'spiral'], () => true],
    [['predict', seed, '--input', '[[1,2,3],[4,5,6]]'], () => true],
    [['export', seed, '--format', 'onnx', '--out', join(tmp, 'seed.onnx')], () => existsSync(join(tmp, 'seed.onnx'))],
    [['export', seed, '--format', 'safetensors', '--out', '-'], () => true],
    [['import', join(root, 'test/fixtures/interop/backprop-seed-f64.safetensors'), '--out', join(tmp, 'imported.json')], () => existsSync(join(tmp, 'imported.json'))],
    [['explain', '--format', 'markdown'], () => true],
    [['--help'], () => true],
    ...COMMANDS.map((c): [string[], () => boolean] => [[c.name, '--help'], () => true]),
  ];
  let tried = 0;
  const wrong: string[] = [];
  const check = async (argv: string[], written: () => boolean, close: 'true' | 'head'): Promise<void> => {
    tried++;
    const r = await run(argv, close);
    const what = `${argv.join(' ').slice(0, 60)} | ${close === 'head' ? 'head -1' : 'true'}`;
    if (r.code !== 0) wrong.push(`${what}: exit ${r.code ?? r.signal}: ${r.stderr.slice(0, 300)}`);
    else if (/EPIPE|Error|at .*\.[jt]s:\d+/.test(r.stderr)) wrong.push(`${what}: ${r.stderr.slice(0, 300)}`);
    else if (!written()) wrong.push(`${what}: the output file was not written`);
  };
  // `| head -1` on the commands that print many lines (train: a line per epoch), first: eval needs train's model.
  for (const [argv, written] of lines.slice(0, 3)) await check(argv, written, 'head');
  // `| true` on every command line, three processes at a time.
  const queue = [...lines];
  await Promise.all([0, 1, 2].map(async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await check(next[0], next[1], 'true');
  }));
  t.diagnostic(`closed stdout: ${tried} runs (${lines.length} command lines with | true, 3 with | head -1), ${tried - wrong.length} ended as usual, ${wrong.length} wrong`);
  assert.deepEqual(wrong, []);
});

test('a stdout that fails for another reason than its reader leaving (> /dev/full) is reported: exit 2, one line, the work done', { timeout: 120_000 }, async () => {
  const model = join(tmp, 'full.json');
  for (const [argv, written] of [
    [['export', seed, '--format', 'safetensors', '--out', '-'], () => true],
    [['predict', seed, '--input', '[[1,2,3]]'], () => true],
    [['train', '--data', 'xor', '--layers', '2,4,2', '--epochs', '2', '--out', model], () => loadModel(model).model.sizes.length === 3],
  ] as [string[], () => boolean][]) {
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...argv], { cwd: root, stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    const stderr = r.stderr.toString();
    assert.equal(r.status, 2, `${argv.join(' ')}: ${stderr}`);
    assert.match(stderr, /^backprop: standard output: cannot write \(no space left on the device\); what was written there is incomplete$/m);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace');
    assert.ok(written(), `${argv[0]} did its work`);
  }
});
