// The documentation cannot drift from the code: the README opens with the set-up commands, both
// READMEs carry examples/quickstart.ts verbatim, every relative link and image exists, and the
// figures they quote (the ½-trap losses, the fixture counts) are recomputed here. (The commands
// they show are checked and run in test/docs-commands.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { modelLoss, noGrad, parseModelFile, tensor } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const READMES = ['README.md', 'README.ko.md'];
const DOCS = [...READMES, 'CHANGELOG.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function isTracked(path: string): boolean {
  return spawnSync('git', ['ls-files', '--error-unmatch', path], { cwd: root }).status === 0;
}

/** The anchors GitHub makes of a document's headings: lower case, punctuation dropped, spaces to hyphens. */
function headingSlugs(md: string): Set<string> {
  const body = md.replace(/^```[\s\S]*?^```$/gm, '');
  return new Set([...body.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')));
}

/** Fenced code blocks: language and body. */
function codeBlocks(md: string): { lang: string; body: string }[] {
  return [...md.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

test('README.md begins with the set-up a newcomer types: npm install, npm start, npm test', () => {
  const md = read('README.md');
  const first = codeBlocks(md)[0]!;
  assert.ok(md.indexOf('```') < md.indexOf('\n\n', md.indexOf('# backprop') + 12) + 3, 'the set-up block comes right after the title');
  assert.deepEqual(first.body.split('\n').filter(Boolean).map((l) => l.split('#')[0]!.trim()), ['npm install', 'npm start', 'npm test']);
  const ko = codeBlocks(read('README.ko.md'))[0]!;
  assert.deepEqual(ko.body.split('\n').filter(Boolean).map((l) => l.split('#')[0]!.trim()), ['npm install', 'npm start', 'npm test']);
  const pkg = JSON.parse(read('package.json'));
  assert.match(pkg.scripts.start, /bin\.ts demo$/);
  assert.equal(pkg.scripts.test, 'node scripts/run-tests.mjs');
});

test('both READMEs show examples/quickstart.ts verbatim, and it stays about 20 lines', () => {
  const code = read('examples/quickstart.ts');
  for (const file of READMES) {
    assert.ok(codeBlocks(read(file)).some((b) => b.lang === 'ts' && b.body === code), `${file} has a \`\`\`ts block equal to examples/quickstart.ts`);
  }
  const lines = code.trim().split('\n').filter((l) => l.trim() !== '').length;
  assert.ok(lines <= 22, `quickstart is ${lines} lines`);
});

test('the Korean README uses the notebook\'s terms', () => {
  const ko = read('README.ko.md');
  for (const term of ['순전파', '역전파', '비용 함수', '가중치', '편향', '기울기', '학습률']) assert.ok(ko.includes(term), term);
});

test('every relative link and image in the READMEs, the changelog and docs/ exists', () => {
  let checked = 0;
  for (const file of DOCS) {
    const md = read(file).replace(/^```[\s\S]*?^```$/gm, '');
    for (const m of md.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^(https?:|mailto:)/.test(target)) continue;
      // NOTE: `npm run bench` writes these two; a clone has them only once a run is committed.
      if (/^bench\/(results\.json|scaling\.svg)$/.test(target) && !isTracked(target)) continue;
      const [pathPart, anchor] = target.split('#') as [string, string | undefined];
      const path = pathPart === '' ? join(root, file) : join(root, dirname(file), decodeURIComponent(pathPart));
      assert.ok(existsSync(path), `${file}: link to ${target} (${path}) is broken`);
      if (anchor !== undefined && path.endsWith('.md')) {
        assert.ok(headingSlugs(readFileSync(path, 'utf8')).has(decodeURIComponent(anchor)), `${file}: no heading makes the anchor #${anchor} in ${target}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 40, `only ${checked} links checked`);
});

test('the ½-trap figures quoted in the READMEs are what the engine computes', () => {
  const { model } = parseModelFile(JSON.parse(read('examples/xor-model.json')));
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const t = tensor([[0], [1], [1], [0]]);
  const sse = noGrad(() => modelLoss(model, 'sse', x, t)).item();
  const mse = noGrad(() => modelLoss(model, 'mse', x, t)).item();
  assert.ok(Math.abs(mse - (2 * sse) / 4) < 1e-15, 'mse = 2·sse/(N·k)');
  for (const file of READMES) {
    const md = read(file);
    assert.ok(md.includes(`E = ${sse.toFixed(8)}`), `${file} quotes sse = ${sse.toFixed(8)}`);
    assert.ok(md.includes(`E = ${mse.toFixed(8)}`), `${file} quotes mse = ${mse.toFixed(8)}`);
  }
});

test('the PyTorch agreement the READMEs state matches the committed fixtures', () => {
  const grads = JSON.parse(read('test/fixtures/torch/grad-cases.json')).cases.length;
  const runs = JSON.parse(read('test/fixtures/torch/train-cases.json')).cases.length;
  assert.match(read('README.md'), new RegExp(`outputs and losses of ${grads} networks[\\s\\S]*${runs} training runs`));
  assert.match(read('README.ko.md'), new RegExp(`신경망 ${grads}개[\\s\\S]*학습 ${runs}회`));
});

test('the changelog has a section for the package version', () => {
  const { version } = JSON.parse(read('package.json'));
  assert.equal(version, '0.1.0');
  assert.match(read('CHANGELOG.md'), new RegExp(`^## ${version.replace(/\./g, '\\.')} — \\d{4}-\\d{2}-\\d{2}$`, 'm'));
});
