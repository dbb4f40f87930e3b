// `npm run notebook`: registers the Deno kernel for this clone (in node_modules/.cache, not in your
// Jupyter folders) and opens notebooks/ in Jupyter. Arguments after `--` go to `jupyter notebook`
// (e.g. `npm run notebook -- --no-browser --port 8890`).
// `npm run notebook -- --execute`: runs every notebook and saves it with its outputs (what is
// committed; test/notebooks.test.ts checks that a fresh run gives the same).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NOTEBOOKS, installKernel, kernelEnv, notaryOptions, pythonWithNbclient, root, trustNotebooks } from './jupyter.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const args = process.argv.slice(2);
const execute = args[0] === '--execute';
const python = execute ? pythonWithNbclient() : null;
if (execute && python === null) fail('npm run notebook -- --execute needs nbclient: install it with `sudo apt install python3-nbclient` (Debian, Ubuntu) or `pip install nbclient`.');
if (!execute && spawnSync('jupyter', ['notebook', '--version'], { stdio: 'ignore' }).status !== 0) {
  fail('npm run notebook needs Jupyter: install it with `sudo apt install jupyter-notebook` (Debian, Ubuntu) or `pip install notebook`, then run npm run notebook again.');
}
if (!existsSync(join(root, 'dist/index.js'))) fail('The notebooks import the built library from dist/: run npm install first (it builds dist/).');
const cache = join(root, 'node_modules/.cache/backprop-jupyter');
let jupyterPath: string;
try {
  jupyterPath = installKernel(cache);
} catch (e) {
  fail(`Could not register the Deno kernel: ${(e as Error).message}. Run npm install (it installs Deno from npm).`);
}

if (python !== null) {
  const paths = NOTEBOOKS.flatMap((n) => [join(root, 'notebooks', n), join(root, 'notebooks', n)]);
  const r = spawnSync(python, [join(root, 'scripts/notebook/execute.py'), ...paths], { stdio: 'inherit', env: kernelEnv(jupyterPath) });
  if (r.status === 0) console.log(`Executed and saved ${NOTEBOOKS.map((n) => `notebooks/${n}`).join(', ')}.`);
  process.exit(r.status ?? 1);
}

// NOTE: Jupyter refuses to run as root without --allow-root; in a container root is the usual user.
const asRoot = process.getuid?.() === 0 && !args.includes('--allow-root') ? ['--allow-root'] : [];
const notary = join(cache, 'notary');
if (!trustNotebooks(notary, NOTEBOOKS.map((n) => join(root, 'notebooks', n)))) {
  console.error('Could not mark the notebooks as trusted: until you run their cells, Jupyter shows their saved drawings as plain text.');
}
const jupyter = spawn('jupyter', ['notebook', `--notebook-dir=${join(root, 'notebooks')}`, ...notaryOptions(notary), ...asRoot, ...args], { stdio: 'inherit', env: kernelEnv(jupyterPath) });
jupyter.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => jupyter.kill(signal));
