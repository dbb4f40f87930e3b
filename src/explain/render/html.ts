import type { Ledger } from '../types.js';
import { ledgerBlocks, type RenderOptions } from './blocks.js';
import { alignedTex, type Block } from './notation.js';

/** Options of {@link renderHtml}. */
export interface HtmlRenderOptions extends RenderOptions {
  /**
   * Renders LaTeX to HTML — KaTeX's `renderToString(tex, { displayMode: true })`, say. Without it
   * the mathematics is shown in its plain-text notation (σ′(z6), ∂E/∂w41), aligned at `=`, which
   * needs no fonts or scripts.
   */
  tex?: (latex: string) => string;
}

/**
 * The ledger as an HTML fragment (no `<html>` or `<body>`): headings, paragraphs, equations in
 * aligned rows — or rendered by `options.tex` — and tables, each in a class of `bp-ledger` for
 * styling ({@link LEDGER_CSS} is a plain default). Every string from the ledger is escaped.
 * What the playground's ledger panel and a notebook's display show.
 *
 * @example
 * ```ts
 * panel.innerHTML = renderHtml(explain(model, x, t, { param: 'w41' }), { lang: 'ko', sections: ['backward', 'update'] });
 * renderHtml(ledger, { tex: (s) => katex.renderToString(s, { displayMode: true }) });   // typeset mathematics
 * ```
 */
export function renderHtml(ledger: Ledger, options: HtmlRenderOptions = {}): string {
  const lang = options.lang ?? 'en';
  const body = ledgerBlocks(ledger, options).map((b) => block(b, options.tex)).join('\n');
  return `<div class="bp-ledger" lang="${lang}">\n${body}\n</div>\n`;
}

function block(b: Block, tex: HtmlRenderOptions['tex']): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level + 1}>${escapeHtml(b.text)}</h${b.level + 1}>`;
    case 'para':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'math': {
      if (tex !== undefined) return `<div class="bp-math">${tex(alignedTex(b.lines))}</div>`;
      const rows = b.lines.map((l) => {
        const lhs = escapeHtml(l.lhs.text);
        return `<tr><td class="bp-lhs">${lhs}</td><td class="bp-eq">${lhs === '' ? '' : '='}</td><td class="bp-rhs">${escapeHtml(l.rhs.text)}</td></tr>`;
      });
      return `<table class="bp-math" role="presentation">${rows.join('')}</table>`;
    }
    case 'table': {
      const cell = (tag: 'th' | 'td', s: string, c: number): string => `<${tag}${b.numeric[c] ? ' class="bp-num"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${escapeHtml(s)}</${tag}>`;
      const head = `<thead><tr>${b.head.map((h, c) => cell('th', h, c)).join('')}</tr></thead>`;
      const rows = b.rows.map((r) => `<tr>${r.map((s, c) => cell('td', s, c)).join('')}</tr>`).join('');
      return `<table class="bp-table">${head}<tbody>${rows}</tbody></table>`;
    }
  }
}

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b>"σ′"</b>');   // '&#60;b&#62;&#34;σ′&#34;&#60;/b&#62;'
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A plain stylesheet for {@link renderHtml}'s classes: equations aligned at `=` in a monospace-free
 * serif, numbers right-aligned in tables, Korean wrapped at spaces.
 */
export const LEDGER_CSS = `.bp-ledger{line-height:1.5;word-break:keep-all;overflow-wrap:anywhere}
.bp-ledger table{border-collapse:collapse;margin:.4em 0}
.bp-ledger .bp-math td{padding:.05em .3em;vertical-align:baseline;font-family:"STIX Two Math","Cambria Math","Latin Modern Math",serif}
.bp-ledger .bp-math .bp-lhs{text-align:right;white-space:nowrap}
.bp-ledger .bp-math .bp-eq{text-align:center}
.bp-ledger .bp-table th,.bp-ledger .bp-table td{border-bottom:1px solid #ccc;padding:.15em .6em}
.bp-ledger .bp-num{text-align:right;font-variant-numeric:tabular-nums}
`;
