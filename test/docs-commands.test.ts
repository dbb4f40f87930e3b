// Every command a reader is shown runs where it is shown. In the READMEs, the docs, every --help
// text, the demo's closing line and the CLI's hints, a command starts with something that exists in
// a clone after `npm install` (`npx backprop`, an npm script, `npx tsx` or `node` on a file that is
// there) — never a bare `backprop`, which no shell knows; its flags parse; and what it writes goes to
// scratch/, which git ignores. Then the READMEs' command lines are run as written, through a shell,
// in a copy of the repository, one after the other (MNIST for 1 epoch instead of 20).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../src/cli/args.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { nodeIo } from '../src/node.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; bin: Record<string, string>; scripts: Record<string, string> };
const READMES = ['README.md', 'README.ko.md'];
const DOCS = [...READMES, ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'web/README.md'];
/** Sections written for another place than the clone (a project of one's own); test/package.test.ts runs those. */
const ELSEWHERE = /^## (Using the package in your own project|내 프로젝트에서 패키지로 쓰기)\n/;

interface Shown {
  where: string;
  line: string;
}

/** Command lines in a Markdown file: each line of a ```sh block, and inline code that starts like a command. */
function commandsIn(file: string): Shown[] {
  const md = read(file).split(/^(?=## )/m).filter((section) => !ELSEWHERE.test(section)).join('');
  const out: Shown[] = [];
  for (const m of md.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    for (const line of m[1]!.split('\n')) if (line.trim() !== '' && !line.trim().startsWith('#')) out.push({ where: file, line: line.trim() });
  }
  const prose = md.replace(/^```[\s\S]*?^```$/gm, '');
  for (const m of prose.matchAll(/`((?:npx|npm|node|backprop|cd) [^`]+)`/g)) out.push({ where: file, line: m[1]! });
  return out;
}

/** Words as a POSIX shell splits these lines: quotes, `# comment`, `> file`, `cd DIR && …`. */
function shellLine(line: string): { cwd: string; words: string[]; redirect?: string; comment: string } {
  let rest = line;
  let cwd = '.';
  const cd = /^cd (\S+) && (.*)$/.exec(rest);
  if (cd) [cwd, rest] = [cd[1]!, cd[2]!];
  const hash = rest.search(/\s#\s/);
  const comment = hash >= 0 ? rest.slice(hash + 3) : '';
  if (hash >= 0) rest = rest.slice(0, hash);
  const words = [...rest.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  const r = words.indexOf('>');
  return r >= 0 ? { cwd, words: words.slice(0, r), redirect: words[r + 1]!, comment } : { cwd, words, comment };
}

/** Why `shown` would not run in a clone after `npm install` (null when it would). */
function problem({ line }: Shown): string | null {
  if (/…|<[^>\s]+>|\bFILE\b|\bMODEL\.json\b/.test(line)) return null;  // a pattern with placeholders, not a command
  const { cwd, words, redirect } = shellLine(line);
  const [head, second, ...args] = words;
  const at = (p: string): string => join(root, cwd, p);
  const outputs = [redirect, ...['--out', '--plot', '--checkpoint'].map((f) => words[words.indexOf(f) + 1] && words.includes(f) ? words[words.indexOf(f) + 1] : undefined)].filter((p): p is string => p !== undefined);
  for (const o of outputs) if (!join(cwd, o).startsWith('scratch/')) return `writes ${o} outside scratch/`;
  if (head === 'npm') {
    if (['install', 'ci', 'test', 'start', 'pack'].includes(second!)) return null;
    if (second === 'run') return pkg.scripts[args[0]!] !== undefined ? null : `no npm script ${args[0]}`;
    return `npm ${second} is not a command here`;
  }
  if (head === 'npx' && second === 'backprop') {
    if (pkg.name !== 'backprop' || pkg.bin.backprop === undefined) return 'package.json no longer has the backprop bin';
    const [name, ...rest] = args;
    if (name === '--help' || name === '--version' || name === undefined) return null;
    const command = COMMANDS.find((c) => c.name === name);
    if (command === undefined) return `unknown command ${name}`;
    try {
      const parsed = parseArgs(rest, command.spec, command.name);
      const input = parsed.positionals[0];
      if (input !== undefined && !input.startsWith('scratch/') && !existsSync(at(input))) return `${input} does not exist`;
    } catch (e) {
      return (e as Error).message;
    }
    return null;
  }
  if (head === 'npx' && second === 'tsx') return existsSync(at(args[0]!)) ? null : `${args[0]} does not exist`;
  if (head === 'node') return existsSync(at(second!)) ? null : `${second} does not exist`;
  if (head === 'backprop') return 'a bare `backprop` is not on the PATH of a clone: write npx backprop';
  return `${head} is not how this project is run`;
}

/** The real io with the output captured. */
function captured(): CliIo & { out: string; err: string } {
  const io = { ...nodeIo(), out: '', err: '', isTTY: false };
  io.stdout = (t: string) => void (io.out += t);
  io.stderr = (t: string) => void (io.err += t);
  return io;
}

/** `backprop X` not preceded by `npx `: a command no shell in a clone knows. */
const BARE = new RegExp(`(?<!npx )(?<![\\w/.-])backprop (?:<command>|${COMMANDS.map((c) => c.name).join('|')})\\b(?! —)`);

test('every command shown in the READMEs and docs runs in a clone: a launcher that exists, flags that parse, outputs in scratch/', () => {
  const shown = DOCS.flatMap(commandsIn);
  assert.ok(shown.length >= 40, `only ${shown.length} command lines found`);
  const bad = shown.map((s) => ({ s, why: problem(s) })).filter((x) => x.why !== null);
  assert.deepEqual(bad.map(({ s, why }) => `${s.where}: ${s.line} — ${why}`), []);
  for (const file of DOCS) assert.doesNotMatch(read(file), BARE, `${file} names a bare backprop command`);
});

test('every --help text, the command list, the demo\'s last line and the CLI\'s hints show npx backprop, and their examples run in a clone', async () => {
  const texts: [string, string][] = [];
  for (const argv of [['--help'], ...COMMANDS.map((c) => [c.name, '--help']), ['demo', '--steps', '1'], ['demo', '--steps', '1', '--lang', 'ko'], ['train', '--epoch', '3']]) {
    const io = captured();
    await main(argv, io);
    texts.push([argv.join(' '), io.out + io.err]);
  }
  for (const [what, text] of texts) assert.doesNotMatch(text, BARE, `${what}: ${text.match(BARE)?.[0]}`);
  assert.match(texts.at(-1)![1], /see npx backprop train --help/);
  for (const lang of [texts.at(-3)!, texts.at(-2)!]) {
    const codes = [...lang[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    assert.ok(codes.length >= 2, lang[0]);
    for (const line of codes) assert.equal(problem({ where: lang[0], line }), null, `${lang[0]}: ${line}`);
  }
  const examples = COMMANDS.flatMap((c) => c.examples.map((line) => ({ where: `${c.name} --help`, line })));
  assert.deepEqual(examples.map((s) => ({ ...s, why: problem(s) })).filter((x) => x.why !== null), []);
});

test('the transcripts the READMEs show (```text blocks that start with `$ npm start …`) are what the command prints, line for line, in order (… marks lines left out)', async () => {
  let checked = 0;
  for (const file of READMES) {
    for (const m of read(file).matchAll(/^```text\n\$ npm start(?: -- (.*))?\n([\s\S]*?)^```$/gm)) {
      const io = captured();
      assert.equal(await main(['demo', ...(m[1] ?? '').split(' ').filter(Boolean)], io), 0);
      const printed = io.out.split('\n').map((l) => l.trimEnd());
      let at = 0;
      for (const line of m[2]!.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && l.trim() !== '…')) {
        const found = printed.indexOf(line, at);
        assert.ok(found >= 0, `${file}: "${line}" is not printed by npm start${m[1] ? ` -- ${m[1]}` : ''} (after line ${at})`);
        at = found + 1;
        checked++;
      }
    }
  }
  assert.ok(checked >= 40, `only ${checked} transcript lines checked`);
});

// ---- the READMEs' command lines, run as written ----

const work = mkdtempSync(join(tmpdir(), 'backprop-readme-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the clone as `npm install` leaves it: the files the commands read, linked; scratch/ as committed. */
function cloneCopy(): string {
  const dir = join(work, 'clone');
  mkdirSync(join(dir, 'scratch'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts']) cpSync(join(root, f), join(dir, f), { recursive: true });
  cpSync(join(root, 'scratch/.gitignore'), join(dir, 'scratch/.gitignore'));
  for (const d of ['node_modules', 'dist', 'src', 'examples', 'test', 'web']) symlinkSync(join(root, d), join(dir, d));
  return dir;
}

/** Lines not run here, and the test that covers each. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm (install|ci)\b/, 'what CI does before the tests'],
  [/^npm test\b/, 'this very suite'],
  [/^npm run (playground|dev:web|build|build:web|build:wasm|bench|docs)\b|^npx backprop playground\b/, 'builds (npm ci runs them) and servers (test/docs-cli-help.test.ts serves the playground)'],
];

/** What a line does, whatever its comment: lines that differ only in their comment run once. */
const commandOf = (line: string): string => {
  const { cwd, words, redirect } = shellLine(line);
  return JSON.stringify([cwd, words, redirect ?? null]);
};

test('the READMEs\' command lines run as written, in order, in a copy of the clone; files appear only in scratch/', { timeout: 300_000 }, async () => {
  const dir = cloneCopy();
  const before = readdirSync(dir).sort();
  const seen = new Set<string>();
  const lines = READMES.flatMap(commandsIn).map((s) => s.line).filter((l) => {
    if (/…|<[^>\s]+>/.test(l) || NOT_RUN.some(([re]) => re.test(l)) || seen.has(commandOf(l))) return false;
    seen.add(commandOf(l));
    return true;
  });
  assert.ok(lines.length >= 20, `only ${lines.length} lines to run`);
  assert.match(pkg.scripts.start!, /^tsx src\/cli\/bin\.ts demo$/, 'npm start is the demo, as run in-process below');
  const examplesTest = read('test/examples.test.ts');
  // NOTE: the first line of each launcher goes through a real shell (npx links the project in its
  // cache: a cache of our own keeps ~/.npm clean, and offline it never asks the registry); the rest
  // run in-process with the same arguments and folder, which is the same program minus the start-up.
  const env = { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_offline: 'true', NO_COLOR: '1' };
  const launchers = new Set<string>();
  const cwd = process.cwd();
  try {
    for (const line of lines) {
      const { cwd: sub, words, redirect, comment } = shellLine(line.replace('--epochs 20', '--epochs 1'));
      const launcher = sub === '.' ? words.slice(0, 2).join(' ') : `cd ${sub} && ${words.slice(0, 2).join(' ')}`;
      let out: string;
      if (!launchers.has(launcher)) {
        launchers.add(launcher);
        const r = spawnSync('sh', ['-c', line.replace('--epochs 20', '--epochs 1')], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.status, 0, `${line}\n${r.stderr.slice(-2000)}`);
        out = r.stdout;
      } else if (words[0] === 'npx' && words[1] === 'tsx') {
        assert.ok(examplesTest.includes(`${words[2]!.replace(/^(\.\.\/)?examples\//, 'examples/')}: `), `${line}: test/examples.test.ts runs it`);
        continue;
      } else {
        const argv = words[0] === 'npm' ? ['demo', ...words.slice(words.indexOf('--') + 1 || words.length)] : words.slice(2);
        assert.ok(words[0] === 'npm' ? words[1] === 'start' : words[0] === 'npx' && words[1] === 'backprop', line);
        const io = captured();
        process.chdir(join(dir, sub));
        const status = await main(argv, io);
        process.chdir(cwd);
        assert.equal(status, 0, `${line}\n${io.err}`);
        if (redirect !== undefined) writeFileSync(join(dir, sub, redirect), io.out);
        out = io.out;
      }
      // A figure the README quotes beside the command (`# E = 0.50215252`) is what the command prints.
      for (const m of comment.matchAll(/= (-?\d+\.\d{4,})/g)) assert.ok(out.includes(m[1]!), `${line}: the output has no ${m[1]}`);
    }
  } finally {
    process.chdir(cwd);
  }
  assert.deepEqual([...launchers].sort(), ['cd scratch && npx tsx', 'npm start', 'npx backprop']);
  assert.deepEqual(readdirSync(dir).sort(), before, 'a command wrote outside scratch/');
  const written = readdirSync(join(dir, 'scratch'));
  for (const f of ['ledger.md', 'iris.json', 'iris.svg', 'mnist.json', 'circle-model.json', 'xor.json', 'iris.safetensors', 'iris.onnx']) assert.ok(written.includes(f), `scratch/${f} (${written.join(', ')})`);
});
