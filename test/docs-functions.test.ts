// docs/functions.md is made from the activation and loss tables: it must be what the tables say now.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { functionsMarkdown } from '../scripts/docs-functions.js';

test('docs/functions.md lists every activation and loss as the tables have them (npx tsx scripts/docs-functions.ts rewrites it)', () => {
  assert.equal(readFileSync(new URL('../docs/functions.md', import.meta.url), 'utf8'), functionsMarkdown());
});
