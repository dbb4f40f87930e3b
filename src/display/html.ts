/**
 * Small HTML helpers for the displays: escaping, and tables with inline styles (a notebook's
 * output is a fragment of someone else's page, so nothing here relies on a stylesheet or leaks
 * one).
 */

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

/** The font stacks (single-quoted names: they go inside `style="…"`) and colours every display shares (the playground's). */
export const STYLE = {
  sans: "system-ui,-apple-system,'Segoe UI','Noto Sans KR','Apple SD Gothic Neo',sans-serif",
  mono: "ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace",
  ink: '#1f2328',
  muted: '#57606a',
  line: '#d0d7de',
  /** Positive weights and the first series (TensorFlow Playground's blue). */
  pos: '#0877bd',
  /** Negative weights (its orange). */
  neg: '#f59322',
  /** Gradients δ. */
  delta: '#c2185b',
} as const;

/** One cell of {@link htmlTable}: text (escaped), or `{ html }` already escaped. */
export type Cell = string | number | { html: string; title?: string; strong?: boolean };

/**
 * A table with a header row; numeric columns right-aligned in tabular figures.
 *
 * @example
 * ```ts
 * htmlTable(['layer', 'parameters'], [['dense 3→2', 8]], { numeric: [false, true] });
 * ```
 */
export function htmlTable(head: readonly Cell[], rows: readonly (readonly Cell[])[], options: { numeric?: readonly boolean[]; caption?: string; rowHeads?: boolean } = {}): string {
  const num = options.numeric ?? [];
  const pad = 'padding:2px 10px;';
  const cell = (tag: 'th' | 'td', c: Cell, col: number): string => {
    const align = num[col] ? 'text-align:right;font-variant-numeric:tabular-nums;' : 'text-align:left;';
    const border = tag === 'th' ? `border-bottom:1px solid ${STYLE.muted};` : `border-bottom:1px solid ${STYLE.line};`;
    const inner = typeof c === 'object' ? c.html : escapeHtml(String(c));
    const title = typeof c === 'object' && c.title !== undefined ? ` title="${escapeHtml(c.title)}"` : '';
    const weight = typeof c === 'object' && c.strong ? 'font-weight:600;' : '';
    const scope = tag === 'th' ? ` scope="${col === 0 && options.rowHeads ? 'row' : 'col'}"` : '';
    return `<${tag}${scope}${title} style="${pad}${align}${border}${weight}">${inner}</${tag}>`;
  };
  const caption = options.caption === undefined ? '' : `<caption style="caption-side:top;text-align:left;color:${STYLE.muted};padding:2px 0">${escapeHtml(options.caption)}</caption>`;
  const thead = `<thead><tr>${head.map((h, c) => cell('th', h, c)).join('')}</tr></thead>`;
  const tbody = rows.map((r) => `<tr>${r.map((c, i) => cell(i === 0 && options.rowHeads ? 'th' : 'td', c, i)).join('')}</tr>`).join('');
  return `<table style="border-collapse:collapse;margin:4px 0;font-family:${STYLE.sans}">${caption}${thead}<tbody>${tbody}</tbody></table>`;
}

/**
 * A plain-text table: columns padded to their widest cell, numbers right-aligned.
 *
 * @example
 * ```ts
 * textTable(['layer', 'parameters'], [['dense 3→2', '8']], [false, true]);   // 'layer      parameters\n…'
 * ```
 */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]): string =>
    r.map((s, c) => (numeric[c] ? s.padStart(widths[c]!) : s.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
