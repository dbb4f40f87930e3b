import { formatNumber } from '../tensor/format.js';

/** Rows of numbers as aligned text columns (8 significant digits by default). */
export function table(rows: readonly (readonly number[])[], digits = 8, indent = '  '): string {
  const cells = rows.map((r) => r.map((x) => formatNumber(x, digits)));
  const width = Math.max(1, ...cells.flat().map((c) => c.length));
  return cells.map((r) => indent + r.map((c) => c.padStart(width)).join('  ')).join('\n');
}
