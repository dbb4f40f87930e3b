// A live "Run All" of every notebook in Jupyter Notebook, as a learner does it after
// `npm run notebook`: starts the server as it does (the Deno kernel registered for this clone, the
// notebooks trusted) on a temporary copy of notebooks/, so the committed files are not touched;
// opens each notebook in Chromium and photographs it as it opens (the saved outputs), restarts the
// kernel and runs every cell, compares what the page then holds with the committed outputs (masked
// as test/notebooks.test.ts masks them) and photographs it again, page by page, in
// scratch/notebook-shots/live-NAME-{opened,run}-NN.png. Exits 1 if a notebook differs.
// Run: npx tsx scripts/notebook/run-all.ts [--rounds N] [seed-ko.ipynb …]
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { NOTEBOOKS, comparable, installKernel, kernelEnv, notaryOptions, problems, root, trustNotebooks, type Notebook } from './jupyter.js';

const argv = process.argv.slice(2);
const rounds = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 1;
const names = argv.filter((a) => a.endsWith('.ipynb'));
const chosen = names.length > 0 ? names : [...NOTEBOOKS];

const work = mkdtempSync(join(tmpdir(), 'backprop-run-all-'));
const clone = join(work, 'clone');
mkdirSync(join(clone, 'notebooks'), { recursive: true });
mkdirSync(join(clone, 'scratch'));
cpSync(join(root, 'package.json'), join(clone, 'package.json'));
for (const d of ['dist', 'node_modules']) symlinkSync(join(root, d), join(clone, d));
for (const n of NOTEBOOKS) cpSync(join(root, 'notebooks', n), join(clone, 'notebooks', n));
const notary = join(work, 'notary');
if (!trustNotebooks(notary, NOTEBOOKS.map((n) => join(clone, 'notebooks', n)))) throw new Error('could not trust the notebooks (nbformat.sign)');
const shots = join(root, 'scratch/notebook-shots');
mkdirSync(shots, { recursive: true });

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const asRoot = process.getuid?.() === 0 ? ['--allow-root'] : [];
const server = spawn('jupyter', ['notebook', '--no-browser', `--port=${port}`, '--NotebookApp.token=', '--NotebookApp.password=', `--notebook-dir=${join(clone, 'notebooks')}`, ...notaryOptions(notary), ...asRoot], {
  env: kernelEnv(installKernel(join(work, 'kernel')), { DENO_DIR: join(work, 'deno-cache') }),
  stdio: ['ignore', 'ignore', 'pipe'],
});
await new Promise<void>((resolve, reject) => {
  let log = '';
  server.stderr.on('data', (b: Buffer) => {
    log += b.toString();
    if (log.includes(`:${port}/`)) resolve();
  });
  server.on('exit', (code) => reject(new Error(`jupyter notebook exited with ${code}: ${log}`)));
});

/** Opens a notebook and waits for its kernel. */
async function open(page: Page, n: string): Promise<void> {
  await page.goto(`http://127.0.0.1:${port}/notebooks/${n}`);
  await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 120_000 });
}

/** How many drawings (SVG) and tables the page shows in its outputs, and whether Jupyter trusts it. */
function looks(page: Page): Promise<{ svg: number; tables: number; trusted: boolean }> {
  return page.evaluate(() => ({
    svg: document.querySelectorAll('.output_area svg').length,
    tables: document.querySelectorAll('.output_area table').length,
    trusted: (window as any).Jupyter.notebook.trusted === true,
  }));
}

/** Photographs the notebook page by page (Jupyter Notebook scrolls inside #site). */
async function photograph(page: Page, name: string): Promise<void> {
  const total = await page.evaluate(() => document.querySelector('#site')!.scrollHeight);
  const step = page.viewportSize()!.height - 160;
  for (let y = 0, k = 1; y < total; y += step, k++) {
    await page.evaluate((top) => { document.querySelector('#site')!.scrollTop = top; }, y);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(shots, `live-${name}-${String(k).padStart(2, '0')}.png`) });
  }
  console.log(`${join(shots, `live-${name}`)}-*.png`);
}

/** The notebook as the page holds it after Run All, once every cell has run and the kernel is idle. */
async function runAll(page: Page): Promise<Notebook> {
  await page.evaluate(() => new Promise<void>((resolve) => {
    const J = (window as any).Jupyter;
    J.notebook.kernel.restart(() => {
      // NOTE: a restarted kernel reports itself connected before it answers requests.
      J.notebook.events.one('kernel_ready.Kernel', () => {
        J.notebook.execute_all_cells();
        resolve();
      });
    });
  }));
  await page.waitForFunction(() => {
    const J = (window as any).Jupyter;
    const cells = J.notebook.get_cells().filter((c: any) => c.cell_type === 'code');
    return J.notebook.kernel_busy === false && cells.every((c: any) => typeof c.input_prompt_number === 'number');
  }, undefined, { timeout: 300_000, polling: 500 });
  // NOTE: outputs that the kernel publishes late (see execute.py) may still be on their way.
  await page.waitForTimeout(2000);
  return page.evaluate(() => (window as any).Jupyter.notebook.toJSON()) as Promise<Notebook>;
}

/** Where two cells first differ, with some context: `…live… ≠ …committed…`. */
function firstDifference(live: unknown, committed: unknown): string {
  const [a, b] = [JSON.stringify(live) ?? 'no cell', JSON.stringify(committed) ?? 'no cell'];
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `…${a.slice(Math.max(0, i - 80), i + 120)}… ≠ …${b.slice(Math.max(0, i - 80), i + 120)}…`;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
let failed = false;
try {
  for (let round = 1; round <= rounds; round++) {
    for (const n of chosen) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
      await open(page, n);
      const name = n.replace('.ipynb', '');
      const opened = await looks(page);
      if (round === 1) await photograph(page, `${name}-opened`);
      const started = Date.now();
      const live = await runAll(page);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ran = await looks(page);
      const want = comparable(JSON.parse(readFileSync(join(root, 'notebooks', n), 'utf8')) as Notebook);
      const have = comparable(live);
      const differ = have.map((c, i) => (JSON.stringify(c) === JSON.stringify(want[i]) ? -1 : i)).filter((i) => i >= 0);
      const bad = [...problems(live), ...differ.map((i) => `cell ${i} differs from the committed one: ${firstDifference(have[i], want[i])}`)];
      if (opened.svg !== ran.svg || opened.tables !== ran.tables) bad.push(`as opened the page shows ${opened.svg} drawings and ${opened.tables} tables, after Run All ${ran.svg} and ${ran.tables}`);
      if (!opened.trusted) bad.push('Jupyter does not trust the notebook as it opens');
      console.log(`${n} round ${round}: Run All in ${seconds} s, ${live.cells.length} cells, ${ran.svg} drawings, ${ran.tables} tables: ${bad.length === 0 ? 'the same outputs as committed' : bad.join('\n  ')}`);
      failed ||= bad.length > 0;
      if (round === 1) await photograph(page, `${name}-run`);
      await page.evaluate(() => (window as any).Jupyter.notebook.session.delete());
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
