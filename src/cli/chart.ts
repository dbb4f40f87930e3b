import { finiteExtent, maxOf } from '../tensor/extent.js';
import { formatNumber } from '../tensor/format.js';

/** One line of a {@link lineChart}: a name for the legend, a value per x (NaN = no point), a mark. */
export interface ChartSeries {
  name: string;
  values: readonly number[];
  mark: string;
}

/**
 * A line chart drawn in text, for the end of `backprop train`: y labels on the left, x from 1 to
 * the longest series, one mark per column (later series drawn over earlier ones), a legend.
 *
 * @example
 * ```ts
 * lineChart('loss', [{ name: 'train', values: [1, 0.5, 0.3], mark: '*' }], { width: 30, height: 6 });
 * ```
 */
export function lineChart(title: string, series: readonly ChartSeries[], options: { width?: number; height?: number } = {}): string {
  const width = Math.max(10, options.width ?? 60);
  const height = Math.max(3, options.height ?? 10);
  const n = Math.max(0, maxOf(series, (s) => s.values.length));
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const e = finiteExtent(s.values);
    if (e) {
      lo = Math.min(lo, e.lo);
      hi = Math.max(hi, e.hi);
    }
  }
  if (n === 0 || lo > hi) return `${title}: no data\n`;
  if (hi === lo) {
    hi += Math.abs(hi) * 0.05 || 1;
    lo -= Math.abs(lo) * 0.05 || 1;
  }
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  const col = (i: number): number => (n === 1 ? 0 : Math.round((i * (width - 1)) / (n - 1)));
  const row = (v: number): number => height - 1 - Math.round(((v - lo) / (hi - lo)) * (height - 1));
  for (const s of series) {
    const cols = new Map<number, number[]>();
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const c = col(i);
      if (!cols.has(c)) cols.set(c, []);
      cols.get(c)!.push(v);
    });
    for (const [c, vs] of cols) grid[row(vs.reduce((a, b) => a + b, 0) / vs.length)]![c] = s.mark;
  }
  const labels = grid.map((_, r) => (r === 0 ? formatNumber(hi, 4) : r === height - 1 ? formatNumber(lo, 4) : ''));
  const lw = maxOf(labels, (l) => l.length);
  const lines = [`${title}  (${series.map((s) => `${s.mark} ${s.name}`).join(', ')})`];
  grid.forEach((r, i) => lines.push(`${labels[i]!.padStart(lw)} │${r.join('')}`));
  lines.push(`${' '.repeat(lw)} └${'─'.repeat(width)}`);
  const last = `epoch ${n}`;
  lines.push(`${' '.repeat(lw + 2)}1${last.padStart(width - 1)}`);
  return lines.join('\n') + '\n';
}
