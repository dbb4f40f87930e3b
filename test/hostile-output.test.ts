// Where every writer writes: each of train --out / --plot / --checkpoint, export (safetensors, ONNX),
// import --out and the library's saveModel / saveCheckpoint, pointed at every kind of path a careless
// user or an attacker can give — a new file, an existing one, a symlink (to a file, dangling, a
// chain, a loop), a FIFO, /dev/null, /dev/full, `-`, /dev/stdout, a directory, a missing directory,
// a file as a directory, a read-only file system. The write semantics (docs/model-file.md) must hold
// for each, and a bad location must be refused before training starts, with one line, exit 2 and
// nothing replaced.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  BackpropError, loadCheckpoint, loadModel, main, nodeIo, removeStaleTemporaries, saveCheckpoint, saveModel, seedNetwork, writeFileAtomic, NODE_FS, type CliIo, type TrainingState,
} from '../src/node.js';

const root = new URL('..', import.meta.url).pathname;
const seedModel = join(root, 'examples/seed-model.json');
const seedSafetensors = join(root, 'test/fixtures/interop/backprop-seed-f64.safetensors');
const tmp = mkdtempSync(join(tmpdir(), 'backprop-outputs-'));
after(() => {
  spawnSync('umount', [join(tmp, 'ro')]);
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { ...nodeIo(), stdout: (s) => void (stdout += typeof s === 'string' ? s : Buffer.from(s).toString('latin1')), stderr: (s) => void (stderr += s), isTTY: false };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

/** A library call as a run: 0, or 2 with the BackpropError's message. */
function library(f: () => void): Run {
  try {
    f();
    return { status: 0, stdout: '', stderr: '' };
  } catch (e) {
    if (e instanceof BackpropError) return { status: 2, stdout: '', stderr: `backprop: ${e.message}\n` };
    throw e;
  }
}

let state: TrainingState | null = null;
async function checkpointState(): Promise<TrainingState> {
  if (state) return state;
  const dir = join(tmp, 'state-source');
  const r = await cli(['train', '--data', 'xor', '--layers', '2,3,2', '--epochs', '1', '--checkpoint', dir, '--out', join(tmp, 'state-source.json')]);
  assert.equal(r.status, 0, r.stderr);
  state = loadCheckpoint(dir);
  return state;
}

/** A writer: writes to `path`; `check` says whether bytes it wrote are what it should have written. */
interface Writer {
  name: string;
  write(path: string): Promise<Run>;
  check(bytes: Buffer): boolean;
  /** Trains before writing: a bad location must be refused before the first epoch. */
  trains?: boolean;
}

const isModel = (b: Buffer): boolean => /"format": "backprop-model"/.test(b.toString('utf8'));
const trainArgs = ['train', '--data', 'xor', '--layers', '2,3,2', '--epochs', '2', '--seed', '3'];
const writers: Writer[] = [
  { name: 'train --out', trains: true, write: (p) => cli([...trainArgs, '--out', p]), check: isModel },
  { name: 'train --plot', trains: true, write: (p) => cli([...trainArgs, '--plot', p, '--out', join(tmp, 'plot-run.json')]), check: (b) => b.toString('utf8').startsWith('<svg') },
  { name: 'export --format safetensors', write: (p) => cli(['export', seedModel, '--format', 'safetensors', '--out', p]), check: (b) => b.length > 8 && b.toString('latin1', 8, 9) === '{' },
  { name: 'export --format onnx', write: (p) => cli(['export', seedModel, '--format', 'onnx', '--out', p]), check: (b) => b.length > 100 && b.includes('backprop') },
  { name: 'import --out', write: (p) => cli(['import', seedSafetensors, '--out', p]), check: isModel },
  { name: 'saveModel', write: async (p) => library(() => saveModel(p, seedNetwork(), 'sse')), check: isModel },
];

/** Outcomes tallied over every writer × target. */
const tally = { tried: 0, written: 0, refused: 0, wrong: [] as string[] };
function record(what: string, ok: boolean, detail: string, refused: boolean): void {
  tally.tried++;
  if (!ok) tally.wrong.push(`${what}: ${detail}`.slice(0, 400));
  else if (refused) tally.refused++;
  else tally.written++;
}

/** Asserts a clean refusal: exit 2, one line on stderr matching `message`, no epoch trained. */
function refusedCleanly(r: Run, message: RegExp, writer: Writer): string | null {
  if (r.status !== 2) return `exit ${r.status}, stderr ${r.stderr}`;
  if (r.stderr.trim().split('\n').length !== 1) return `not one line: ${r.stderr}`;
  if (!message.test(r.stderr)) return `message ${r.stderr.trim()} does not match ${message}`;
  if (writer.trains && /^epoch 1 /m.test(r.stdout)) return 'trained before refusing the location';
  return null;
}

/**
 * The devices written to. NOTE: as root, a writer that replaced its target by rename (the defect
 * this suite guards against) would replace the machine's /dev/null with a regular file; so root
 * writes to private device nodes of the same devices (and private links to the descriptors),
 * made with mknod in the test's directory. Other users cannot replace anything in /dev.
 */
const devices = ((): { null: string; full: string; stdout: string; stderr: string } => {
  const dir = join(tmp, 'dev');
  mkdirSync(dir);
  if (process.getuid?.() !== 0) return { null: '/dev/null', full: '/dev/full', stdout: '/dev/stdout', stderr: '/dev/stderr' };
  for (const [name, minor] of [['null', '3'], ['full', '7']]) assert.equal(spawnSync('mknod', ['-m', '666', join(dir, name), 'c', '1', minor]).status, 0, `mknod ${name}`);
  symlinkSync('/proc/self/fd/1', join(dir, 'stdout'));
  symlinkSync('/proc/self/fd/2', join(dir, 'stderr'));
  return { null: join(dir, 'null'), full: join(dir, 'full'), stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') };
})();

let n = 0;
const fresh = (): string => {
  const d = join(tmp, `case-${n++}`);
  mkdirSync(d);
  return d;
};

function readOnlyDir(): string | null {
  const dir = join(tmp, 'ro');
  mkdirSync(dir, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) return null;
  writeFileSync(join(dir, 'existing.json'), 'previous');
  return spawnSync('mount', ['-o', 'remount,ro', dir]).status === 0 ? dir : null;
}

test('every writer × every kind of path: the documented write semantics, or one line, exit 2, nothing replaced, nothing trained', { timeout: 300_000 }, async (t) => {
  const ro = readOnlyDir();
  for (const w of writers) {
    const ext = w.name === 'train --plot' ? '.svg' : '.json';
    // A regular file that exists: replaced atomically, its permissions kept.
    {
      const d = fresh();
      const p = join(d, `out${ext}`);
      writeFileSync(p, 'previous');
      chmodSync(p, 0o600);
      const r = await w.write(p);
      const ok = r.status === 0 && w.check(readFileSync(p)) && (statSync(p).mode & 0o777) === 0o600;
      record(`${w.name} → existing file`, ok, `${r.status} ${r.stderr} mode ${(statSync(p).mode & 0o777).toString(8)}`, false);
    }
    // Nothing there yet.
    {
      const p = join(fresh(), `new${ext}`);
      const r = await w.write(p);
      record(`${w.name} → new file`, r.status === 0 && w.check(readFileSync(p)), `${r.status} ${r.stderr}`, false);
    }
    // A symlink to a file, a dangling one, a chain of two: written through, the links stay links.
    for (const kind of ['symlink', 'dangling', 'chain'] as const) {
      const d = fresh();
      mkdirSync(join(d, 'real'));
      const target = join(d, 'real', `target${ext}`);
      if (kind !== 'dangling') writeFileSync(target, 'previous');
      const link = join(d, `link${ext}`);
      if (kind === 'chain') {
        symlinkSync(`real/target${ext}`, join(d, `middle${ext}`));
        symlinkSync(`middle${ext}`, link);
      } else symlinkSync(`real/target${ext}`, link);
      const r = await w.write(link);
      const ok = r.status === 0 && lstatSync(link).isSymbolicLink() && existsSync(target) && lstatSync(target).isFile() && w.check(readFileSync(target)) && readdirSync(d).every((f) => !f.endsWith('.tmp'));
      record(`${w.name} → ${kind}`, ok, `${r.status} ${r.stderr} link ${lstatSync(link).isSymbolicLink()}`, false);
    }
    // A FIFO with a reader: streamed into it; it stays a FIFO.
    {
      const fifo = join(fresh(), 'pipe');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
      const reader = spawn('cat', [fifo]);
      const chunks: Buffer[] = [];
      reader.stdout.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
      const r = await w.write(fifo);
      // NOTE: a writer that refused (or replaced the FIFO by a file) never opened it; the reader
      // would wait for it forever.
      if (r.status !== 0) reader.kill();
      const timer = setTimeout(() => reader.kill(), 20_000);
      await done;
      clearTimeout(timer);
      record(`${w.name} → FIFO`, r.status === 0 && lstatSync(fifo).isFIFO() && w.check(Buffer.concat(chunks)), `${r.status} ${r.stderr} fifo ${lstatSync(fifo).isFIFO()}`, false);
    }
    // /dev/null takes it; /dev/full refuses it in words; both stay devices.
    {
      const r = await w.write(devices.null);
      record(`${w.name} → /dev/null`, r.status === 0 && statSync(devices.null).isCharacterDevice(), `${r.status} ${r.stderr}`, false);
      const f = await w.write(devices.full);
      // NOTE: a full device, like a full disk, shows only when written to: after training, then.
      const bad = refusedCleanly(f, /\/full: cannot write \(no space left on the device\)/, { ...w, trains: false });
      record(`${w.name} → /dev/full`, bad === null && statSync(devices.full).isCharacterDevice(), bad ?? '', true);
    }
    // `-`: standard output (saveModel's, the process's own, is checked in a child process below).
    if (w.name !== 'saveModel') {
      const r = await w.write('-');
      const ok = r.status === 0 && w.check(Buffer.from(r.stdout, w.name.startsWith('export') ? 'latin1' : 'utf8'));
      record(`${w.name} → -`, ok, `${r.status} ${r.stderr} ${r.stdout.slice(0, 80)}`, false);
    }
    // Places nothing can be written: refused before any work, in words, the previous file intact.
    const file = join(fresh(), 'plain');
    writeFileSync(file, 'I am a file');
    const loopDir = fresh();
    symlinkSync('b', join(loopDir, 'a'));
    symlinkSync('a', join(loopDir, 'b'));
    const refusals: [string, string, RegExp][] = [
      ['a directory', fresh(), /is a directory/],
      ['a missing directory', join(tmp, 'no-such-dir', `x${ext}`), /no-such-dir\/x\.(json|svg): cannot write \(no such file or directory\)/],
      ['a file as a directory', join(file, `x${ext}`), /plain\/x\.(json|svg): cannot write \(a part of the path is not a directory\)/],
      ['a symlink loop', join(loopDir, 'a'), /cannot write \(too many levels of symbolic links\)/],
      ...(ro ? [['a read-only file system (new file)', join(ro, `new${ext}`), /cannot write \(the file system is read-only\)/], ['a read-only file system (existing file)', join(ro, 'existing.json'), /cannot write \(the file system is read-only\)/]] as [string, string, RegExp][] : []),
    ];
    for (const [what, p, message] of refusals) {
      const r = await w.write(p);
      const bad = refusedCleanly(r, message, w);
      record(`${w.name} → ${what}`, bad === null, bad ?? '', true);
    }
    if (ro) assert.equal(readFileSync(join(ro, 'existing.json'), 'utf8'), 'previous');
    assert.equal(readFileSync(file, 'utf8'), 'I am a file');
  }
  t.diagnostic(`writers × paths: ${tally.tried} cases (${writers.length} writers), ${tally.written} written as documented, ${tally.refused} refused cleanly, ${tally.wrong.length} wrong${ro ? '' : ' (mount not allowed: no read-only file system case)'}`);
  assert.deepEqual(tally.wrong, []);
  assert.ok(tally.tried >= writers.length * 13);
});

test('--checkpoint DIR and saveCheckpoint: created, written through a symlinked directory; a bad directory refused before training', async (t) => {
  const s = await checkpointState();
  const cases: [string, () => string, boolean, RegExp?][] = [
    ['a new directory (and its parents)', () => join(fresh(), 'a', 'b'), true],
    ['an existing directory', () => fresh(), true],
    ['a symlink to a directory', () => {
      const d = fresh();
      mkdirSync(join(d, 'real'));
      symlinkSync('real', join(d, 'link'));
      return join(d, 'link');
    }, true],
    ['a file', () => {
      const p = join(fresh(), 'file');
      writeFileSync(p, 'x');
      return p;
    }, false, /cannot write \(it is a file, not a directory\)/],
    ['below a file', () => {
      const p = join(fresh(), 'file');
      writeFileSync(p, 'x');
      return join(p, 'ckpt');
    }, false, /ckpt: cannot write \(a part of the path is not a directory\)/],
  ];
  const ro = existsSync(join(tmp, 'ro', 'existing.json')) ? join(tmp, 'ro') : null;
  if (ro) cases.push(['a read-only file system', () => join(ro, 'ckpt'), false, /cannot write \(the file system is read-only\)/]);
  let tried = 0;
  for (const [what, make, ok, message] of cases) {
    const dir = make();
    const r = await cli([...trainArgs, '--checkpoint', dir, '--out', join(fresh(), 'm.json')]);
    tried++;
    if (ok) {
      assert.equal(r.status, 0, `${what}: ${r.stderr}`);
      assert.equal(loadCheckpoint(dir).epoch, 2, what);
      assert.equal(library(() => saveCheckpoint(dir, s)).status, 0, what);
    } else {
      assert.equal(r.status, 2, what);
      assert.match(r.stderr, message!, what);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.doesNotMatch(r.stdout, /^epoch 1 /m, `${what}: trained before refusing the directory`);
      assert.equal(library(() => saveCheckpoint(dir, s)).status, 2, what);
    }
    tried++;
  }
  t.diagnostic(`checkpoint directories: ${tried} cases (train --checkpoint and saveCheckpoint), 0 wrong`);
});

test('outputs that clash: two outputs to stdout, --out onto --plot, --out onto the data file; /dev/stdout from a real process', async () => {
  const d = fresh();
  const data = join(d, 'data.json');
  writeFileSync(data, readFileSync(join(root, 'examples/xor-data.json')));
  const cases: [string[], RegExp][] = [
    [[...trainArgs, '--out', '-', '--plot', '-'], /only one output can go to standard output \(-\), got --out and --plot/],
    [[...trainArgs, '--out', join(d, 'same.svg'), '--plot', join(d, 'same.svg')], /--out and --plot would both write .*same\.svg/],
    [[...trainArgs, '--out', join(d, 'ck', 'checkpoint.json'), '--checkpoint', join(d, 'ck')], /--out and --checkpoint would both write .*ck\/checkpoint\.json/],
    [['train', join(root, 'examples/xor-model.json'), '--data', data, '--epochs', '1', '--out', data], /--out would write .*data\.json, an input of this command/],
    [['export', seedModel, '--format', 'onnx', '--out', seedModel], /would overwrite the model file itself/],
  ];
  for (const [argv, message] of cases) {
    const r = await cli(argv);
    assert.equal(r.status, 2, argv.join(' '));
    assert.match(r.stderr, message);
  }
  assert.equal(readFileSync(data, 'utf8'), readFileSync(join(root, 'examples/xor-data.json'), 'utf8'), 'the data file is intact');
  // `--out -`: the model on stdout, every message on stderr.
  const dash = await cli([...trainArgs, '--out', '-']);
  assert.equal(dash.status, 0, dash.stderr);
  assert.ok(isModel(Buffer.from(dash.stdout)), 'stdout holds exactly the model file');
  JSON.parse(dash.stdout);
  assert.match(dash.stderr, /^read xor: 500 rows.*\ntraining 2-3-2/);
  // saveModel('-') writes the model to the process's standard output.
  const lib = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import { saveModel, seedNetwork } from './src/node.ts'; saveModel('-', seedNetwork(), 'sse');`], { cwd: root });
  assert.equal(lib.status, 0, lib.stderr.toString());
  assert.ok(isModel(lib.stdout));
  // /dev/stdout and /dev/stderr: the process's own descriptors (here pipes), never replaced by files.
  for (const dev of [devices.stdout, devices.stderr]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'export', seedModel, '--format', 'safetensors', '--out', dev], { cwd: root });
    assert.equal(r.status, 0, r.stderr.toString());
    const got = dev === devices.stdout ? r.stdout : r.stderr;
    assert.equal(got.toString('latin1', 8, 9), '{', `${dev} got the file`);
    assert.ok(lstatSync(dev).isSymbolicLink(), `${dev} is still a symlink`);
  }
});

test('atomic saves: the temporary file is created exclusively, stale ones from killed runs are removed on the next save, live ones kept', () => {
  const d = fresh();
  const target = join(d, 'model.json');
  const flags: string[] = [];
  writeFileAtomic(target, 'one\n', { ...NODE_FS, openSync: (p, f, m) => (flags.push(f), NODE_FS.openSync(p, f, m)) });
  assert.equal(flags[0], 'wx', 'O_CREAT|O_EXCL: a symlink planted at the temporary name is never followed');
  // Leftovers of interrupted saves: a dead process's, and one over an hour old are removed; a live
  // process's recent one is kept (it may be mid-save); other files are never touched.
  const dead = `.model.json.${2 ** 22 + 12345}.${Date.now()}.tmp`;
  const live = `.model.json.1.${Date.now()}.tmp`;
  const mine = `.model.json.${process.pid}.${Date.now() - 5}.tmp`;
  const other = '.other.json.99999999.1.tmp';
  for (const f of [dead, live, mine, other, 'model.json.bak']) writeFileSync(join(d, f), 'x');
  writeFileAtomic(target, 'two\n');
  assert.equal(readFileSync(target, 'utf8'), 'two\n');
  assert.deepEqual(readdirSync(d).sort(), [live, other, 'model.json', 'model.json.bak'].sort());
  removeStaleTemporaries(d, 'other.json');
  assert.deepEqual(readdirSync(d).sort(), [live, 'model.json', 'model.json.bak'].sort());
  // A killed save of a large model's weights file: its name held that save's checksum, which the
  // next save does not reuse; the next save of the model removes it all the same.
  const weights = `.net.0123abcd.safetensors.${2 ** 22 + 12345}.${Date.now()}.tmp`;
  const another = `.other.0123abcd.safetensors.${2 ** 22 + 12345}.${Date.now()}.tmp`;
  for (const f of [weights, another]) writeFileSync(join(d, f), 'x');
  saveModel(join(d, 'net.json'), seedNetwork(), 'sse');
  assert.deepEqual(readdirSync(d).sort(), [live, another, 'model.json', 'model.json.bak', 'net.json'].sort());
});

test('a checkpoint directory that fills up during training: training stops, --out and --plot still hold that epoch', async (t) => {
  const dir = join(tmp, 'full');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]).status !== 0) {
    t.diagnostic('mount is not allowed here: no full checkpoint disk to try');
    assert.ok(existsSync(dir));
    return;
  }
  try {
    const out = join(fresh(), 'm.json');
    const plot = join(fresh(), 'p.svg');
    const r = await cli(['train', '--data', 'xor', '--layers', '2,64,64,2', '--optimizer', 'adam', '--epochs', '5', '--checkpoint', join(dir, 'ck'), '--plot', plot, '--out', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /ck\/checkpoint\.json: cannot write \(no space left on the device\); the previous file, if any, is unchanged; training stopped after epoch 1, whose weights .*m\.json holds\n$/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(loadModel(out).model.sizes.join('-'), '2-64-64-2');
    assert.match(readFileSync(plot, 'utf8'), /^<svg/);
  } finally {
    spawnSync('umount', [dir]);
  }
});
