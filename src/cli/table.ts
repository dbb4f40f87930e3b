import { formatNumber } from '../tensor/format.js';

/** Rows of numbers as aligned text columns (8 significant digits by default). */
export function table(rows: readonly (readonly number[])[], digits = 8, indent = '  '): string {
  const cells = rows.map((r) => r.map((x) => formatNumber(x, digits)));
  let width = 1;
  for (const r of cells) for (const c of r) if (c.length > width) width = c.length;
  return cells.map((r) => indent + r.map((c) => c.padStart(width)).join('  ')).join('\n');
}
