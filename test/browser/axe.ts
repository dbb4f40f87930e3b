// axe-core's accessibility rules run in a page of a browser test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { root } from './build.js';

/** The serious and critical axe-core violations of the page (or of the element `within` selects), one line each (`rule (impact) at selectors`). */
export async function axeSerious(page: Page, within?: string): Promise<string[]> {
  // NOTE: evaluated through the DevTools protocol: the page's CSP rightly refuses an inline <script>.
  await page.evaluate(readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async (sel) => {
    const axe = (window as unknown as { axe: { run(ctx: Document | Element, o: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(sel === null ? document : document.querySelector(sel)!, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }, within ?? null);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.where.join(', ')}`);
}
