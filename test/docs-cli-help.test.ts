// CLI help that teaches: every command's --help shows examples, and every example works when pasted
// in the repository (here: a temporary copy of the files they name and of scratch/, run in-process
// with the real file system); a mistyped command or flag suggests the closest valid one, for every command.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/commands/index.js';
import { main } from '../src/cli/main.js';
import { nodeIo } from '../src/node.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'backprop-help-'));
cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true });
cpSync(join(root, 'test/fixtures/interop'), join(work, 'test/fixtures/interop'), { recursive: true });
cpSync(join(root, 'scratch'), join(work, 'scratch'), { recursive: true });
after(() => rmSync(work, { recursive: true, force: true }));

/** The real io with stdout/stderr captured. */
function io(): ReturnType<typeof nodeIo> & { out: string; err: string } {
  const real = nodeIo();
  const captured = { ...real, out: '', err: '', isTTY: false };
  captured.stdout = (t: string) => void (captured.out += t);
  captured.stderr = (t: string) => void (captured.err += t);
  return captured;
}

/** Splits a pasted command line as a POSIX shell would for these examples: quotes, `# comment`, `> file`. */
function shellWords(line: string): { argv: string[]; redirect?: string } {
  const words = [...line.replace(/\s+#.*$/, '').matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  const r = words.indexOf('>');
  return r >= 0 ? { argv: words.slice(0, r), redirect: words[r + 1]! } : { argv: words };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

test('every command has --help with at least one example that starts with `npx backprop <command>`', async () => {
  for (const c of COMMANDS) {
    const o = io();
    assert.equal(await main([c.name, '--help'], o), 0, c.name);
    assert.match(o.out, new RegExp(`^Usage: npx backprop ${c.name}`), c.name);
    assert.match(o.out, /\nExamples? \(in the backprop repository; files they write go to scratch\/\):\n {2}npx backprop /, c.name);
    assert.ok(c.examples.length >= 1, c.name);
    for (const e of c.examples) {
      assert.ok(e.startsWith(`npx backprop ${c.name}`), `${c.name}: example ${JSON.stringify(e)}`);
      assert.ok(o.out.includes(`  ${e}\n`), `${c.name} --help shows ${e}`);
    }
  }
  const o = io();
  assert.equal(await main(['--help'], o), 0);
  for (const c of COMMANDS) assert.match(o.out, new RegExp(`\\n {2}${c.name} +\\S`), `backprop --help lists ${c.name}`);
});

test('every --help example works when pasted (train, eval and predict: in test/cli-train.test.ts)', { timeout: 120_000 }, async () => {
  // NOTE: the train/eval/predict examples (MNIST included) take ~45 s and already run as pasted in
  // test/cli-train.test.ts; checked here that the test is still there, so no command goes unchecked.
  assert.match(readFileSync(join(root, 'test/cli-train.test.ts'), 'utf8'), /every --help example of train, eval and predict runs as pasted/);
  const cwd = process.cwd();
  process.chdir(work);
  try {
    const order = ['demo', 'grad', 'explain', 'export', 'import'];
    assert.deepEqual([...order, 'train', 'eval', 'predict', 'playground'].sort(), COMMANDS.map((c) => c.name).sort(), 'a new command: add it to this order');
    for (const name of order) {
      for (const example of COMMANDS.find((c) => c.name === name)!.examples) {
        const { argv, redirect } = shellWords(example);
        const o = io();
        assert.deepEqual(argv.slice(0, 2), ['npx', 'backprop'], example);
        const status = await main(argv.slice(2), o);
        assert.equal(status, 0, `${example}\n${o.err}`);
        assert.ok(o.out.length > 0, `${example} printed nothing`);
        if (redirect) writeFileSync(redirect, o.out);
      }
    }
    for (const file of ['ledger.md', 'seed.safetensors', 'seed.onnx', 'iris-torch.json', 'seed-again.json']) {
      assert.ok(existsSync(join('scratch', file)), `scratch/${file} was written`);
    }
    assert.match(readFileSync('scratch/ledger.md', 'utf8'), /\$\$/);
  } finally {
    process.chdir(cwd);
  }
});

test('the playground examples serve the app when pasted (a busy port is reported, then --port 0 is used)', { timeout: 60_000 }, async (t) => {
  if (!existsSync(join(root, 'dist/web/index.html'))) {
    const o = io();
    assert.equal(await main(['playground'], o), 2);
    assert.match(o.err, /npm run build:web/);
    t.diagnostic('dist/web is not built: checked the message that says so');
    return;
  }
  for (const example of COMMANDS.find((c) => c.name === 'playground')!.examples) {
    let { argv } = shellWords(example);
    const port = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : 5173;
    if (!(await portIsFree(port))) {
      const o = io();
      assert.equal(await main(argv.slice(2), o), 2, example);
      assert.match(o.err, new RegExp(`port ${port} is already in use; choose another with --port`));
      t.diagnostic(`${example}: port ${port} is busy here (checked the message); serving on a free port instead`);
      argv = ['npx', 'backprop', 'playground', '--port', '0'];
    }
    const o = io();
    const running = main(argv.slice(2), o);
    for (let i = 0; i < 200 && !o.out.includes('http://'); i++) await new Promise((r) => setTimeout(r, 25));
    const url = /http:\/\/\S+/.exec(o.out)?.[0];
    assert.ok(url, `${example}: no URL printed (${o.err})`);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    process.emit('SIGTERM');
    assert.equal(await running, 0, example);
  }
});

/** Levenshtein distance, written out here so the suggestion is checked against an independent count. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** A one-letter typo: the last letter dropped (`--epoch`), or a letter doubled for short names. */
const typo = (name: string): string => (name.length >= 4 ? name.slice(0, -1) : name + name.at(-1));

test('a mistyped command suggests the right one, for every command', async () => {
  for (const c of COMMANDS) {
    const wrong = typo(c.name);
    const o = io();
    assert.equal(await main([wrong], o), 2);
    assert.match(o.err, new RegExp(`unknown command "${wrong}" \\(did you mean ${c.name}\\?\\)`), o.err);
    assert.equal(o.err.trim().split('\n').length, 1);
  }
});

test('a mistyped flag suggests the closest valid one, for every flag of every command', async () => {
  let checked = 0;
  for (const c of COMMANDS) {
    const names = Object.keys(c.spec.flags);
    for (const flag of names) {
      const wrong = typo(flag);
      if (names.includes(wrong)) continue;  // e.g. a flag that is a prefix of another
      const nearest = Math.min(...names.map((n) => distance(wrong, n)));
      const o = io();
      assert.equal(await main([c.name, `--${wrong}`, '1'], o), 2, `${c.name} --${wrong}`);
      const m = /unknown flag --(\S+) \(did you mean --([\w-]+)\?\)/.exec(o.err);
      assert.ok(m, `${c.name} --${wrong}: ${o.err}`);
      assert.equal(distance(wrong, m[2]!), nearest, `${c.name} --${wrong} suggested --${m[2]}, not a nearest flag`);
      if (names.filter((n) => distance(wrong, n) === nearest).length === 1) assert.equal(m[2], flag);
      assert.equal(o.err.trim().split('\n').length, 1);
      checked++;
    }
  }
  assert.ok(checked >= 50, `only ${checked} flags checked`);
});
