// Makes `npx backprop` in a clone of this repository run the clone's own CLI at once: marks
// dist/cli/bin.js executable (tsc writes it without the bit) and links it as
// node_modules/.bin/backprop, where npx looks first. Without the link, npx installs the clone into
// its cache as a `file:` package on first use (a silent build of 15–70 s), and a cache entry made
// before `dist/` was rebuilt points at a file without the executable bit ("Permission denied").
// Usage: node scripts/link-bin.mjs   (run by `npm run prepare`, after the build)
import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist/cli/bin.js');
if (!existsSync(bin)) {
  console.warn('link-bin: dist/cli/bin.js not built; nothing linked');
  process.exit(0);
}
chmodSync(bin, 0o755);
const binDir = join(root, 'node_modules/.bin');
const link = join(binDir, 'backprop');
try {
  mkdirSync(binDir, { recursive: true });
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch {
    // NOTE: no link yet.
  }
  symlinkSync(relative(binDir, bin), link);
} catch (e) {
  // NOTE: a file system without symlinks (some Windows set-ups): `npx backprop` still works, through npx's cache.
  console.warn(`link-bin: could not link ${link} (${e.message})`);
}
