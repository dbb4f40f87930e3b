// Regenerates docs/images/explain-seed-ko-*.png: the seed ledger in Korean, as Markdown → HTML with
// KaTeX, photographed by headless Chromium. Run: npx tsx test/helpers/ledger-screenshot.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain, renderMarkdown, type LedgerSection } from '../../src/explain/index.js';
import { SEED, seedNetwork } from '../../src/nn/seed.js';
import { ledgerMarkdownToHtml, ledgerPage } from './ledger-html.js';

const root = new URL('../..', import.meta.url).pathname;
const fonts = `url(file://${join(root, 'node_modules/katex/dist/fonts')}/`;
const css = readFileSync(join(root, 'node_modules/katex/dist/katex.min.css'), 'utf8').replace(/url\(fonts\//g, fonts);
const ledger = explain(seedNetwork(), SEED.input.map((r) => [...r]), SEED.target.map((r) => [...r]), { lr: SEED.lr });
const dir = mkdtempSync(join(tmpdir(), 'ledger-shot-'));
mkdirSync(join(root, 'docs/images'), { recursive: true });

const shots: { name: string; sections: LedgerSection[]; height: number }[] = [
  { name: 'explain-seed-ko-forward', sections: ['header', 'forward', 'cost', 'symbolic'], height: 2060 },
  { name: 'explain-seed-ko-backward', sections: ['backward', 'update', 'checks'], height: 6300 },
];
for (const s of shots) {
  const html = join(dir, `${s.name}.html`);
  writeFileSync(html, ledgerPage(ledgerMarkdownToHtml(renderMarkdown(ledger, { lang: 'ko', sections: s.sections })).body, css, 'ko'));
  const png = join(root, 'docs/images', `${s.name}.png`);
  const r = spawnSync('/usr/bin/chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
    '--hide-scrollbars', `--screenshot=${png}`, `--window-size=1000,${s.height}`, `file://${html}`,
  ], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`chromium failed for ${s.name}: ${r.stderr}`);
  console.log(png);
}
