// One Korean word per idea: src/explain/locales/glossary.md names the word to use for each idea and
// the variants not to use; no variant may appear anywhere a reader sees Korean (the READMEs, docs/,
// the ledger's, the CLI's and the playground's strings), and every chosen word is in use.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const GLOSSARY = 'src/explain/locales/glossary.md';

/** The glossary's rows: the idea, the Korean word to use, the variants not to use. */
function glossary(): { idea: string; use: string; avoid: string[] }[] {
  return read(GLOSSARY)
    .split('\n')
    .filter((l) => /^\| [^-|]/.test(l) && !l.startsWith('| idea '))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()))
    .map(([idea, , ko, avoid]) => ({ idea: idea!, use: ko!.replace(/ \(.*\)$/, ''), avoid: avoid!.split(',').map((w) => w.trim()).filter(Boolean) }));
}

/** Every file whose Korean a reader sees. */
function koreanSources(): string[] {
  const cliLocales = readdirSync(join(root, 'src/cli/locales')).filter((f) => f.endsWith('-ko.ts')).map((f) => `src/cli/locales/${f}`);
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return ['README.ko.md', ...docs, 'src/explain/locales/ko.ts', ...cliLocales, 'web/src/i18n.ts', 'web/index.html'];
}

test('the glossary names one Korean word per idea, and the variants it replaces', () => {
  const rows = glossary();
  assert.ok(rows.length >= 8, `${rows.length} rows`);
  const words = rows.flatMap((r) => [r.use, ...r.avoid]);
  assert.equal(new Set(words).size, words.length, 'a word appears twice in the glossary');
  for (const r of rows) {
    assert.ok(r.avoid.length >= 1, `${r.idea}: no variants listed`);
    for (const v of r.avoid) assert.ok(!r.use.includes(v), `${r.idea}: the chosen ${r.use} contains the variant ${v}`);
  }
  for (const idea of ['ledger', 'seed notebook', 'playground', 'update (the weights)', 'model']) {
    assert.ok(read(GLOSSARY).includes(`| ${idea} |`), `the glossary has ${idea}`);
  }
});

test('no variant the glossary replaces appears in any Korean text, and every chosen word is used', () => {
  const rows = glossary();
  const found: string[] = [];
  const all = koreanSources().map((f) => [f, read(f)] as const);
  for (const [file, text] of all) {
    text.split('\n').forEach((line, i) => {
      for (const r of rows) for (const v of r.avoid) if (line.includes(v)) found.push(`${file}:${i + 1}: "${v}" — the glossary says ${r.use} (${r.idea})`);
    });
  }
  assert.deepEqual(found, []);
  for (const r of rows) assert.ok(all.some(([, text]) => text.includes(r.use)), `${r.use} (${r.idea}) is used nowhere`);
  assert.match(read('README.ko.md'), /\[용어집\]\(src\/explain\/locales\/glossary\.md\)/, 'README.ko.md points to the glossary');
});
