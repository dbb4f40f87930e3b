// `npm run prepare`: builds the library, the WASM kernels and the playground (`npm run build`) —
// except when npx installs this already-built clone into its cache to run `npx backprop` here
// (npm_command is then "exec"): the clone's own `npm install` built it, and building it again
// made the first `npx backprop` sit silent for 15–70 s.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.npm_command === 'exec' && existsSync(join(root, 'dist/cli/bin.js'))) process.exit(0);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(run.status ?? 1);
