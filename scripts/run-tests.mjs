// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with Node's built-in runner, through tsx.
// Node 20's `--test` does not expand globs, so the file list is gathered here. The output is one
// line per file and a summary (scripts/test-reporter.mjs); a failed file shows its details.
// Usage: node scripts/run-tests.mjs [filter...]   (filters match substrings of the file path)
//        TEST_REPORTER=spec node scripts/run-tests.mjs …   (any of Node's reporters: spec, tap, dot)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const roots = ['src', 'test'];
const files = [];
function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(relative('.', path));
  }
}
roots.forEach(walk);
files.sort();
const filters = process.argv.slice(2);
const chosen = filters.length ? files.filter((f) => filters.some((s) => f.includes(s))) : files;
if (chosen.length === 0) {
  console.error(`no test files matched ${filters.join(', ')}`);
  process.exit(1);
}
const reporter = process.env.TEST_REPORTER || fileURLToPath(new URL('test-reporter.mjs', import.meta.url));
console.log(`${chosen.length} test file${chosen.length === 1 ? '' : 's'}, two at a time:`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-reporter=${reporter}`, ...chosen], { stdio: 'inherit' });
process.exit(result.status ?? 1);
