import type { Ledger } from '../types.js';
import { ledgerBlocks, type RenderOptions } from './blocks.js';
import { alignedTex, type Block } from './notation.js';

/**
 * The ledger as Markdown with LaTeX mathematics: every equation group is a display block
 * `$$ \begin{aligned} … \end{aligned} $$` on lines of its own (GitHub, GitLab, Jupyter and
 * KaTeX/MathJax-based viewers render these), tables are GitHub tables.
 *
 * @example
 * ```ts
 * writeFileSync('ledger.md', renderMarkdown(explain(model, x, t), { lang: 'ko' }));
 * ```
 */
export function renderMarkdown(ledger: Ledger, options: RenderOptions = {}): string {
  return `${ledgerBlocks(ledger, options).map(block).join('\n\n')}\n`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${escape(b.text)}`;
    case 'para':
      return escape(b.text);
    case 'math':
      return `$$\n${alignedTex(b.lines)}\n$$`;
    case 'table': {
      const row = (cells: string[]): string => `| ${cells.map(escape).join(' | ')} |`;
      return [row(b.head), `|${b.numeric.map((n) => (n ? ' ---: ' : ' :--- ')).join('|')}|`, ...b.rows.map(row)].join('\n');
    }
  }
}

/** Escapes characters Markdown would read as formatting in prose and table cells. */
function escape(s: string): string {
  return s.replace(/([\\`*_|<>])/g, '\\$1').replace(/\[/g, '\\[');
}
