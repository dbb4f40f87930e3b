// Photographs the notebooks as nbconvert renders them (HTML, MathJax from Debian's libjs-mathjax),
// in Chromium: one full-page PNG per notebook, cut into pages of `--height` pixels, in
// scratch/notebook-shots/. Run: npx tsx scripts/notebook/screenshots.ts [--height 2400]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { NOTEBOOKS, root } from './jupyter.js';

const out = join(root, 'scratch/notebook-shots');
const height = Number(process.argv[process.argv.indexOf('--height') + 1]) || 2400;
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) rmSync(join(out, f));
const mathjax = 'file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe';
for (const n of NOTEBOOKS) {
  const r = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', out, `--HTMLExporter.mathjax_url=${mathjax}`, join(root, 'notebooks', n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nbconvert ${n}: ${r.stderr}`);
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
for (const n of NOTEBOOKS) {
  const page = await browser.newPage({ viewport: { width: 1100, height } });
  await page.goto(`file://${join(out, n.replace('.ipynb', '.html'))}`);
  await page.waitForFunction(() => {
    const mj = (window as unknown as { MathJax?: { Hub?: { queue?: { pending: number; running: number } } } }).MathJax;
    return mj?.Hub?.queue !== undefined && mj.Hub.queue.pending === 0 && mj.Hub.queue.running === 0;
  }, undefined, { timeout: 60_000 }).catch(() => console.error(`${n}: MathJax did not finish`));
  const total = await page.evaluate(() => document.body.scrollHeight);
  for (let y = 0, k = 1; y < total; y += height, k++) {
    const file = join(out, `${n.replace('.ipynb', '')}-${String(k).padStart(2, '0')}.png`);
    await page.screenshot({ path: file, clip: { x: 0, y, width: 1100, height: Math.min(height, total - y) }, fullPage: true });
    console.log(file);
  }
  await page.close();
}
await browser.close();
