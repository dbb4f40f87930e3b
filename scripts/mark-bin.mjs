// Marks dist/cli/bin.js executable (tsc writes it without the bit). npx runs the clone's CLI
// through a link in its cache; after dist/ is rebuilt from scratch, a link made earlier would
// otherwise point at a file the shell refuses to run ("Permission denied").
// Usage: node scripts/mark-bin.mjs   (part of `npm run build`)
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../dist/cli/bin.js');
if (existsSync(bin)) chmodSync(bin, 0o755);
