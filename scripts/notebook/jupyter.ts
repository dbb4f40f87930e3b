// What `npm run notebook` and the notebook tests share: the Deno binary that npm installed, the
// Deno kernel registered in a folder of our own (never the user's Jupyter folders), the notebooks
// trusted there, a Python that has nbclient, and how two notebooks are compared with their
// run-dependent values masked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const NOTEBOOKS = ['seed-en.ipynb', 'seed-ko.ipynb', 'train.ipynb'] as const;

/**
 * The Deno executable of the `deno` npm package: its platform package (`@deno/linux-x64-glibc`, …)
 * carries the binary, so nothing is downloaded; the package's install script only links it beside
 * itself, which we do not rely on.
 */
export function denoBinary(): string {
  const require = createRequire(join(root, 'package.json'));
  const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';
  const linked = join(dirname(require.resolve('deno/package.json')), exe);
  if (existsSync(linked)) return linked;
  const libc = process.platform === 'linux' ? '-glibc' : '';
  return join(dirname(require.resolve(`@deno/${process.platform}-${process.arch}${libc}/package.json`)), exe);
}

/**
 * Registers the Deno kernel (`deno jupyter --install`) under `dataHome` instead of the user's data
 * folder, and returns the Jupyter data folder to put on `JUPYTER_PATH`.
 */
export function installKernel(dataHome: string): string {
  mkdirSync(dataHome, { recursive: true });
  const r = spawnSync(denoBinary(), ['jupyter', '--install', '--force'], { env: { ...process.env, XDG_DATA_HOME: dataHome, NO_COLOR: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`deno jupyter --install failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return join(dataHome, 'jupyter');
}

/**
 * The Jupyter options that keep notebook signatures (Jupyter's "trust") in `dir`, beside our
 * kernel, instead of the user's data folder. Give them to the server; {@link trustNotebooks}
 * uses them. (Not `data_dir`: `jupyter trust` overrides that one with its own.)
 */
export function notaryOptions(dir: string): string[] {
  return [`--NotebookNotary.db_file=${join(dir, 'nbsignatures.db')}`, `--NotebookNotary.secret_file=${join(dir, 'notebook_secret')}`];
}

/**
 * Trusts the clone's own notebooks for a server started with {@link notaryOptions}`(dir)`, as
 * `jupyter trust` does. An untrusted notebook's saved outputs are sanitized when it opens: inline
 * styles and SVG are dropped, so the network drawings and aligned tables would show as loose text
 * until the learner runs every cell. Returns whether it worked (it needs nbformat, which every
 * Jupyter has, in the Python that runs `jupyter`).
 */
export function trustNotebooks(dir: string, paths: readonly string[]): boolean {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(jupyterPython(), ['-m', 'nbformat.sign', ...notaryOptions(dir), ...paths], { stdio: 'ignore' });
  return r.status === 0;
}

/** The Python of the `jupyter` command on PATH (its `#!` line), else `python3`. */
function jupyterPython(): string {
  for (const dir of (process.env['PATH'] ?? '').split(process.platform === 'win32' ? ';' : ':')) {
    const script = join(dir, 'jupyter');
    if (!dir || !existsSync(script)) continue;
    const line = readFileSync(script, 'utf8').slice(0, 200).split('\n')[0]!;
    const python = line.startsWith('#!') ? line.slice(2).trim() : '';
    return python && !python.includes(' ') && existsSync(python) ? python : 'python3';
  }
  return 'python3';
}

/** A Python 3 that can import nbclient (Debian's python3-nbclient), or null. */
export function pythonWithNbclient(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import nbclient, nbformat'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

/** The environment notebooks are executed in: our kernel, no colours, no update checks. */
export function kernelEnv(jupyterPath: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, JUPYTER_PATH: jupyterPath, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', ...extra };
}

/** A notebook as JSON (the parts that matter here). */
export interface Notebook {
  cells: { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: Output[] }[];
}

/** One output of a code cell. */
export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** Multi-line strings are stored as lists of lines; one string either way. */
export function joined(v: unknown): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * The cells of a notebook as compared: type, source, execution count and outputs, every text
 * joined, and the run-dependent parts masked — the time and speed of a training run (inside
 * `class="bp-varies"`, and the last line of its text form).
 */
export function comparable(nb: Notebook): unknown[] {
  return nb.cells.map((c) => ({
    type: c.cell_type,
    source: joined(c.source),
    ...(c.cell_type === 'code' && { count: c.execution_count ?? null, outputs: (c.outputs ?? []).map(maskOutput) }),
  }));
}

function maskOutput(o: Output): unknown {
  // NOTE: a MIME bundle's order means nothing; nbformat writes it sorted, a notebook page as it came.
  const data = o.data ? Object.fromEntries(Object.entries(o.data).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, joined(v)])) : undefined;
  if (data && String(data['text/html'] ?? '').includes('class="bp-progress"')) {
    data['text/html'] = String(data['text/html']).replace(/(<span class="bp-varies">)[^<]*(<\/span>)/g, '$1…$2');
    data['text/plain'] = String(data['text/plain'] ?? '').replace(/\([^()\n]*\)$/, '(…)');
  }
  return { type: o.output_type, ...(o.name && { name: o.name }), ...(o.text !== undefined && { text: joined(o.text) }), ...(data && { data }), ...(o.ename && { error: `${o.ename}: ${o.evalue}` }) };
}

/** Every error output and every text written to stderr, as `cell N: …` lines. */
export function problems(nb: Notebook): string[] {
  const out: string[] = [];
  nb.cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      if (o.output_type === 'error') out.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') out.push(`cell ${i}: stderr: ${joined(o.text).trim().slice(0, 300)}`);
    }
  });
  return out;
}
