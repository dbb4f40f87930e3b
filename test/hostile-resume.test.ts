// A downloaded checkpoint cannot choose where files are written, nor which files are read: `train
// --resume DIR` takes from its settings only the flags train saves, each checked as if typed on the
// command line. Checkpoints whose settings carry output paths (`out`, `plot`, `checkpoint`), unknown
// keys, values of the wrong type or out of range, or thousands of random edits are resumed or refused
// in one line — and no file ever appears anywhere but at the --out given and in the checkpoint
// directory.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { main, nodeIo, type CliIo } from '../src/node.js';
import { applyEdit, docEdit, docText, toDoc, type Doc, Obj } from './hostile-util.js';

const tmp = mkdtempSync(join(tmpdir(), 'backprop-resume-hostile-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { ...nodeIo(), stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTTY: false };
  return { status: await main(argv, io), out, err };
}

/** Every file under `dir`, recursively (relative paths). */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

const canary = join(tmp, 'victim');
mkdirSync(canary);

/** A checkpoint written by train itself, as the base of every variant. */
async function baseCheckpoint(): Promise<Record<string, unknown>> {
  const dir = join(tmp, 'base');
  const r = await cli(['train', '--data', 'xor', '--layers', '2,3,2', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '2', '--seed', '4', '--checkpoint', dir, '--out', join(tmp, 'base.json')]);
  assert.equal(r.status, 0, r.err);
  return JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
}

let k = 0;
/** Resumes from a checkpoint whose text is `text`; checks the contract; returns the outcome. */
async function resume(text: string, extra: string[] = []): Promise<{ status: number; err: string; problem: string | null }> {
  const dir = join(tmp, `ck-${k++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'checkpoint.json'), text);
  const out = join(tmp, `out-${k}.json`);
  const before = tree(canary);
  const r = await cli(['train', '--resume', dir, '--epochs', '3', '--out', out, ...extra]);
  let problem: string | null = null;
  if (r.status !== 0 && r.status !== 2) problem = `exit ${r.status}: ${r.err}`;
  else if (r.status === 2 && r.err.trim().split('\n').length !== 1) problem = `not one line: ${r.err}`;
  else if (r.status === 2 && existsSync(out)) problem = 'refused, yet --out was written';
  else if (JSON.stringify(tree(canary)) !== JSON.stringify(before)) problem = `a file appeared in the victim directory: ${tree(canary).join(', ')}`;
  else if (tree(dir).some((f) => f !== 'checkpoint.json' && !/^checkpoint\.[0-9a-f]{8}\.safetensors$/.test(f))) problem = `stray files in the checkpoint directory: ${tree(dir).join(', ')}`;
  return { status: r.status, err: r.err, problem };
}

test('a checkpoint naming output paths, unknown settings or bad values is refused; paths are never taken from it', async () => {
  const base = await baseCheckpoint();
  const settings = base.settings as { flags: Record<string, unknown> };
  assert.equal(settings.flags.checkpoint, undefined, 'train no longer saves its checkpoint directory');
  assert.equal(settings.flags.out, undefined);
  const variant = (flags: Record<string, unknown>, model?: unknown): string => JSON.stringify({ ...base, settings: { flags: { ...settings.flags, ...flags }, ...(model !== undefined && { model }) } });
  const cases: [string, string, RegExp | null, string[]?][] = [
    ['settings.flags.out', variant({ out: join(canary, 'pwned.json') }), /settings\.flags\.out: a checkpoint never sets where files are written/],
    ['settings.flags.plot', variant({ plot: join(canary, 'pwned.svg') }), /settings\.flags\.plot: a checkpoint never sets/],
    ['settings.flags.resume', variant({ resume: canary }), /settings\.flags\.resume: a checkpoint never sets/],
    ['an older checkpoint\'s own directory (ignored)', variant({ checkpoint: canary }), null],
    ['an unknown setting', variant({ 'exec-after': 'rm -rf ~' }), /unknown setting "exec-after"/],
    ['a prototype key', variant({ constructor: 1 }), /unknown setting "constructor"/],
    ['a learning rate as text', variant({ lr: '0.01' }), /settings\.flags\.lr: --lr expects a number, got "0\.01"/],
    ['a negative learning rate', variant({ lr: -1 }), /settings\.flags\.lr: --lr must be > 0, got -1/],
    ['fractional epochs', variant({ 'batch-size': 2.5 }), /--batch-size expects a whole number/],
    ['an optimizer that does not exist', variant({ optimizer: 'evil' }), /settings\.flags\.optimizer: --optimizer must be one of sgd, rmsprop, adam, adamw, got "evil"/],
    ['a boolean flag with a value', variant({ 'no-shuffle': 'yes' }), /--no-shuffle takes no value/],
    ['a flags array', JSON.stringify({ ...base, settings: { flags: [] } }), /not written by backprop train/],
    ['no settings', JSON.stringify({ ...base, settings: undefined }), /not written by backprop train/],
    ['a model path that is not text', variant({}, 42), /settings\.model: expected the model file's name/],
    ['data read from a file, not named again', variant({ data: join(canary, 'secret.csv'), target: 'y' }), /trained on --data .*secret\.csv; give --data .*secret\.csv again/],
    ['data from a file, named again differently', variant({ data: join(canary, 'secret.csv'), target: 'y' }), /--data .* differs from the checkpoint's/, ['--data', join(tmp, 'other.csv')]],
    ['the settings as written', variant({}), null],
  ];
  let refused = 0;
  let resumed = 0;
  for (const [what, text, message, extra] of cases) {
    const r = await resume(text, extra);
    assert.equal(r.problem, null, `${what}: ${r.problem}`);
    if (message === null) {
      assert.equal(r.status, 0, `${what}: ${r.err}`);
      resumed++;
    } else {
      assert.equal(r.status, 2, what);
      assert.match(r.err, message, what);
      refused++;
    }
  }
  assert.deepEqual(tree(canary), []);
  assert.equal(refused + resumed, cases.length);
});

test('a thousand random edits of a checkpoint\'s settings: resumed or refused in one line, nothing written outside --out and the checkpoint', { timeout: 600_000 }, async (t) => {
  const base = await baseCheckpoint();
  const doc = toDoc(base);
  // Edits aimed at the settings (walk 0 picks the key after the others when it lands there), plus
  // output paths pointing at the victim directory.
  const keys = Object.keys(base);
  const settingsAt = keys.indexOf('settings');
  // NOTE: no real device here: run as root against a regressed writer, /dev/null would be replaced.
  const pathValue = fc.constantFrom<Doc>(join(canary, 'a.json'), join(canary, 'b.svg'), canary, join(canary, 'null'), '-', '');
  const pathKey = fc.constantFrom('out', 'plot', 'checkpoint', 'resume', 'data', 'checkpoint-every', 'epochs', 'lr');
  const samples = fc.sample(fc.oneof(
    docEdit.map((e) => ({ edit: { ...e, walk: [settingsAt, 0, ...e.walk] }, path: null as null | { key: string; value: Doc } })),
    fc.record({ key: pathKey, value: pathValue }).map((path) => ({ edit: null, path })),
  ), { numRuns: 1000, seed: 13 });
  let resumed = 0;
  let refused = 0;
  const problems: string[] = [];
  for (const s of samples) {
    let d: Doc = doc;
    if (s.edit) d = applyEdit(doc, s.edit);
    if (s.path) {
      const o = doc as Obj;
      d = new Obj(o.pairs.map(([key, v]) => [key, key === 'settings' ? new Obj((v as Obj).pairs.map(([kk, vv]) => [kk, kk === 'flags' ? new Obj([...(vv as Obj).pairs, [s.path!.key, s.path!.value]]) : vv])) : v]));
    }
    const r = await resume(docText(d));
    if (r.problem) problems.push(`${JSON.stringify(s).slice(0, 200)}: ${r.problem}`);
    else if (r.status === 0) resumed++;
    else refused++;
  }
  t.diagnostic(`checkpoint settings: ${samples.length} edited checkpoints resumed, ${resumed} resumed, ${refused} refused in one line, ${problems.length} unclean; the victim directory holds ${tree(canary).length} files`);
  assert.deepEqual(problems.slice(0, 5), []);
  assert.deepEqual(tree(canary), []);
  assert.ok(refused > 50 && resumed > 5, `${resumed} resumed, ${refused} refused`);
});
