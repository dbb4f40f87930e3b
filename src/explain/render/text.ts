import { maxOf } from '../../tensor/extent.js';
import type { Ledger } from '../types.js';
import { ledgerBlocks, type RenderOptions } from './blocks.js';
import type { Block } from './notation.js';

/** Options of {@link renderText}. */
export interface TextRenderOptions extends RenderOptions {
  /** ANSI colour for headings (pass `process.stdout.isTTY` from the CLI); default false. */
  color?: boolean;
}

/**
 * The ledger as terminal text: headings, paragraphs, equations aligned at the equals sign and
 * tables with aligned columns (Hangul counted as two columns). Colour only when asked for.
 *
 * @example
 * ```ts
 * console.log(renderText(explain(model, x, t), { lang: 'ko', color: process.stdout.isTTY }));
 * ```
 */
export function renderText(ledger: Ledger, options: TextRenderOptions = {}): string {
  return renderBlocksText(ledgerBlocks(ledger, options), options);
}

/**
 * Blocks (of a ledger, an exercise, a feedback) laid out as terminal text, as {@link renderText}
 * lays out the ledger's.
 *
 * @example
 * ```ts
 * renderBlocksText([{ kind: 'para', text: 'δ6 = 0.043199327' }]);   // 'δ6 = 0.043199327\n'
 * ```
 */
export function renderBlocksText(blocks: readonly Block[], options: { color?: boolean } = {}): string {
  const color = options.color ?? false;
  const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const b of blocks) for (const line of layout(b, paint)) out.push(line);
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

function layout(b: Block, paint: (code: string, s: string) => string): string[] {
  switch (b.kind) {
    case 'heading':
      if (b.level === 1) return [paint('1', b.text), paint('1', '═'.repeat(width(b.text)))];
      if (b.level === 2) return ['', paint('1;36', b.text), paint('36', '─'.repeat(width(b.text)))];
      return ['', paint('1', `▸ ${b.text}`)];
    case 'para':
      return [b.text];
    case 'math': {
      const w = maxOf(b.lines, (l) => width(l.lhs.text));
      return b.lines.map((l) => {
        const rhs = l.rhs.text;
        if (l.lhs.text === '') return `  ${' '.repeat(w)} ${rhs}`;
        return `  ${pad(l.lhs.text, w)} = ${rhs}`;
      });
    }
    case 'table': {
      const cols = b.head.length;
      const ws = Array.from({ length: cols }, (_, c) => Math.max(width(b.head[c]!), maxOf(b.rows, (r) => width(r[c] ?? ''))));
      const cell = (s: string, c: number): string => (b.numeric[c] ? padStart(s, ws[c]!) : pad(s, ws[c]!));
      return [
        `  ${b.head.map((h, c) => cell(h, c)).join('  ')}`,
        `  ${ws.map((w) => '─'.repeat(w)).join('  ')}`,
        ...b.rows.map((r) => `  ${r.map((s, c) => cell(s, c)).join('  ')}`),
      ];
    }
  }
}

/** Display width in a terminal: Hangul and other East Asian wide characters take two columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60);
    w += wide ? 2 : 1;
  }
  return w;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}

function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}
