// `npm test` prints one line per test file and a summary, the details only for a file that failed,
// and its exit status stays the runner's: checked on small test files written here (one passing,
// one failing with output, one that does not load), run through scripts/run-tests.mjs's reporter.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const reporter = join(root, 'scripts/test-reporter.mjs');
const work = mkdtempSync(join(tmpdir(), 'backprop-reporter-'));
after(() => rmSync(work, { recursive: true, force: true }));

const FILES: Record<string, string> = {
  'a-pass.test.mjs': `import test from 'node:test';
test('one', () => { console.log('quiet when passing'); });
test('two', async (t) => { await t.test('inner', () => {}); });`,
  'b-fail.test.mjs': `import test from 'node:test'; import assert from 'node:assert/strict';
test('fine', () => {});
test('outer', async (t) => { await t.test('broken sum', () => { console.log('shown when failing'); assert.equal(1 + 1, 3); }); });`,
  'c-broken.test.mjs': `import './missing-module.mjs';`,
  'd-slow.test.mjs': `import test from 'node:test';
test('slow', () => new Promise((r) => setTimeout(r, 600)));
test('slow too', () => {});`,
  'e-fast.test.mjs': `import test from 'node:test';
test('fast', () => {});`,
};

function run(files: string[]): { status: number | null; out: string } {
  for (const f of files) writeFileSync(join(work, f), FILES[f]!);
  // NOTE: without NODE_TEST_CONTEXT, or the inner runner would talk to this one instead of printing.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', `--test-reporter=${reporter}`, ...files], { cwd: work, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  return { status: r.status, out: r.stdout };
}

test('passing files: one line each and a summary, exit status 0, nothing else', () => {
  const { status, out } = run(['a-pass.test.mjs']);
  assert.equal(status, 0);
  const lines = out.trim().split('\n').filter(Boolean);
  assert.equal(lines.length, 2, out);
  assert.match(lines[0]!, /^✔ a-pass\.test\.mjs +3 tests +\d+\.\d s$/);
  assert.match(lines[1]!, /^all 3 tests passed, in 1 file — \d+\.\d s$/);
  assert.doesNotMatch(out, /quiet when passing/);
});

test('a file that finishes before the one listed ahead of it is still counted in full, in the order given', () => {
  const { status, out } = run(['d-slow.test.mjs', 'e-fast.test.mjs']);
  assert.equal(status, 0);
  assert.match(out, /^✔ d-slow\.test\.mjs +2 tests +\d+\.\d s\n✔ e-fast\.test\.mjs +1 test +\d+\.\d s\n\nall 3 tests passed, in 2 files/);
});

test('a failing file shows its failed test with its parents, the error and its output; the exit status is 1', () => {
  const { status, out } = run(['a-pass.test.mjs', 'b-fail.test.mjs', 'c-broken.test.mjs']);
  assert.equal(status, 1);
  const lines = out.split('\n');
  const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  assert.ok(at(/^✔ a-pass\.test\.mjs/) < at(/^✖ b-fail\.test\.mjs +2 of 3 failed/), out);
  assert.ok(at(/^ {2}✖ outer › broken sum$/) > 0, out);
  assert.match(out, /AssertionError \[ERR_ASSERTION\]/);
  assert.match(out, /2 !== 3/);
  assert.match(out, /output of b-fail\.test\.mjs:\n {4}shown when failing/);
  assert.match(out, /^✖ c-broken\.test\.mjs +1 of 1 failed/m);
  assert.match(out, /Cannot find module .*missing-module\.mjs/);
  assert.doesNotMatch(out, /quiet when passing/);
  assert.match(lines.filter(Boolean).at(-1)!, /^3 of 7 tests failed, in 2 of 3 files — \d+\.\d s$/);
});

test('npm test is the runner with this reporter, and the README says how long it takes', () => {
  assert.match(readFileSync(join(root, 'scripts/run-tests.mjs'), 'utf8'), /--test-reporter=\$\{reporter\}/);
  assert.match(readFileSync(join(root, 'README.md'), 'utf8'), /npm test +# every test: one line per file, then a summary \(about \d+ minutes?/);
  assert.match(readFileSync(join(root, 'README.ko.md'), 'utf8'), /npm test +# 모든 테스트: 파일마다 한 줄, 끝에 요약 \(2코어에서 약 \d+분/);
});
