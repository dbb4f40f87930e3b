// The public surface is guarded: the exported names of `backprop` (src/index.ts), `backprop/node`
// (src/node.ts) and `backprop/explain` (src/explain/index.ts) must equal the committed list test/public-api.txt. Adding or removing an export is a
// deliberate act: regenerate the list with `UPDATE_PUBLIC_API=1 node scripts/run-tests.mjs public-api`,
// and say so in CHANGELOG.md. Also: every export has a doc comment.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import ts from 'typescript';
import { hasDocComment, publicExports } from './docs-exports.js';

const listFile = new URL('./public-api.txt', import.meta.url);
const HEADER = [
  '# The public API of backprop: `entry name kind`, sorted. `backprop/node` re-exports all of `backprop`;',
  '# only its additions are listed; `backprop/explain` is the ledger (it loads mathjs, so it has its own entry). Regenerate: UPDATE_PUBLIC_API=1 node scripts/run-tests.mjs public-api',
];

test('the exported names equal the committed list test/public-api.txt', () => {
  const all = publicExports();
  const browser = all.filter((e) => e.entry === 'backprop');
  const node = all.filter((e) => e.entry === 'backprop/node');
  const browserNames = new Set(browser.map((e) => e.name));
  for (const name of browserNames) assert.ok(node.some((e) => e.name === name), `backprop/node should re-export ${name} of backprop`);
  const explain = all.filter((e) => e.entry === 'backprop/explain');
  const lines = [...browser, ...node.filter((e) => !browserNames.has(e.name)), ...explain].map((e) => `${e.entry} ${e.name} ${e.kind}`);
  if (process.env.UPDATE_PUBLIC_API === '1') writeFileSync(listFile, [...HEADER, ...lines].join('\n') + '\n');
  const committed = readFileSync(listFile, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const added = lines.filter((l) => !committed.includes(l));
  const removed = committed.filter((l) => !lines.includes(l));
  assert.deepEqual({ added, removed }, { added: [], removed: [] }, 'the public API changed; if that is intended, regenerate test/public-api.txt (see its header) and note it in CHANGELOG.md');
  assert.ok(lines.length > 100, `only ${lines.length} exports`);
});

test('the browser-safe entries (backprop, backprop/explain) export no Node-only name', () => {
  const browser = publicExports().filter((e) => e.entry !== 'backprop/node');
  for (const e of browser) assert.doesNotMatch(e.where, /\.node\.ts:|^src\/node\.ts|^src\/cli\//, `${e.name} comes from ${e.where}`);
});

test('every exported symbol has a doc comment (TypeDoc builds the API reference from them)', () => {
  const undocumented = publicExports().filter((e) => !e.documented).map((e) => `${e.entry} ${e.name} (${e.where})`);
  assert.deepEqual(undocumented, [], 'add a /** … */ comment (math, shapes, an example) to each of these declarations');
});

test('every exported function and class shows an @example in its doc comment', () => {
  const missing = publicExports().filter((e) => (e.kind === 'function' || e.kind === 'class') && !e.example).map((e) => `${e.entry} ${e.name} (${e.where})`);
  assert.deepEqual([...new Set(missing)], [], 'add an @example block (a few lines with the result in a comment) to each of these');
});

test('the doc-comment check tells a documented declaration from a bare one', () => {
  const src = ts.createSourceFile('x.ts', '/** A. */\nexport function a() {}\nexport function b() {}\n/** C. */\nexport const c = 1;\nexport const d = 2;\n// not a doc comment\nexport class E {}\n', ts.ScriptTarget.ES2022, true);
  const found: Record<string, boolean> = {};
  src.forEachChild((node) => {
    if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) found[node.name!.text] = hasDocComment(node);
    if (ts.isVariableStatement(node)) for (const d of node.declarationList.declarations) found[(d.name as ts.Identifier).text] = hasDocComment(d);
  });
  assert.deepEqual(found, { a: true, b: false, c: true, d: false, E: false });
});
