import { finiteExtent } from '../tensor/extent.js';
import { formatNumber } from '../tensor/format.js';
import { metricMode, type History, type MetricName } from './history.js';

/**
 * One panel of {@link historySvg}: a title and the series drawn in it — a metric of the history by
 * name, or one value per epoch given as `values` — on a linear or a logarithmic (`log`) y axis,
 * with an optional dashed reference line.
 */
export interface PlotPanel {
  title: string;
  metrics: { name?: MetricName; values?: readonly number[]; label: string; color: string; dashed?: boolean }[];
  log?: boolean;
  reference?: { value: number; label: string };
}

/** A series' values, one per epoch (NaN where missing). */
function seriesOf(s: PlotPanel['metrics'][number], history: History): number[] {
  return s.values ? [...s.values] : s.name ? history.series(s.name) : [];
}

/**
 * The default panels: loss (train, validation) and accuracy or R² when recorded.
 *
 * @example
 * ```ts
 * defaultPanels(history).map((p) => p.title);   // e.g. ['loss', 'accuracy'] for classification
 * ```
 */
export function defaultPanels(history: History): PlotPanel[] {
  const panels: PlotPanel[] = [
    {
      title: 'loss',
      metrics: [
        { name: 'loss', label: 'train', color: '#1f77b4' },
        { name: 'valLoss', label: 'validation', color: '#ff7f0e', dashed: true },
      ],
    },
  ];
  if (history.has('accuracy') || history.has('valAccuracy')) {
    panels.push({
      title: 'accuracy',
      metrics: [
        { name: 'accuracy', label: 'train', color: '#1f77b4' },
        { name: 'valAccuracy', label: 'validation', color: '#ff7f0e', dashed: true },
      ],
    });
  } else if (history.has('r2') || history.has('valR2')) {
    panels.push({
      title: 'R²',
      metrics: [
        { name: 'r2', label: 'train', color: '#1f77b4' },
        { name: 'valR2', label: 'validation', color: '#ff7f0e', dashed: true },
      ],
    });
  }
  return panels.map((p) => ({ ...p, metrics: p.metrics.filter((m) => history.has(m.name!)) })).filter((p) => p.metrics.length > 0);
}

/**
 * The training curves as a standalone SVG document (no scripts, no external resources): one panel
 * per metric group side by side, epochs on x (labelled `xLabel`, default `epoch`), nice-number
 * ticks on y, a legend per panel.
 *
 * @example
 * ```ts
 * const svg = historySvg(result.history, { title: 'iris, 4-8-3' });
 * ```
 */
export function historySvg(history: History, options: { title?: string; panels?: PlotPanel[]; panelWidth?: number; height?: number; columns?: number; xLabel?: string } = {}): string {
  const panels = options.panels ?? defaultPanels(history);
  const pw = options.panelWidth ?? 420;
  const h = options.height ?? 300;
  const top = options.title ? 40 : 16;
  const columns = Math.max(1, Math.min(panels.length, options.columns ?? panels.length));
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const width = columns * pw;
  const height = rows * h + top;
  const epochs = history.epochs.map((e) => e.epoch);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (options.title) out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`);
  panels.forEach((panel, k) => out.push(drawPanel(panel, history, epochs, (k % columns) * pw, top + Math.floor(k / columns) * h, pw, h, options.xLabel ?? 'epoch')));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function drawPanel(panel: PlotPanel, history: History, epochs: number[], x0: number, y0: number, w: number, h: number, xLabel: string): string {
  const m = { left: 58, right: 16, top: 26, bottom: 40 };
  const pl = x0 + m.left;
  const pr = x0 + w - m.right;
  const pt = y0 + m.top;
  const pb = y0 + h - m.bottom;
  // NOTE: a log panel draws log10 of the values (positive ones only) and labels its ticks 10ᵏ.
  const tf = (v: number): number => (panel.log ? (v > 0 ? Math.log10(v) : NaN) : v);
  const series = panel.metrics.map((s) => seriesOf(s, history).map(tf));
  // NOTE: the extent in one loop, never Math.min(...values): a long history would overflow the stack.
  const extent = finiteExtent(series.flat());
  let lo = extent?.lo ?? Infinity;
  let hi = extent?.hi ?? -Infinity;
  if (panel.reference && Number.isFinite(tf(panel.reference.value))) {
    lo = Math.min(lo, tf(panel.reference.value));
    hi = Math.max(hi, tf(panel.reference.value));
  }
  if (!(hi > lo)) {
    hi = (Number.isFinite(hi) ? hi : 0) + 0.5;
    lo = (Number.isFinite(lo) ? lo : 0) - 0.5;
  }
  const yt = panel.log ? logTicks(lo, hi) : niceTicks(lo, hi, 5);
  lo = Math.min(lo, yt[0]!);
  hi = Math.max(hi, yt[yt.length - 1]!);
  const e0 = epochs[0] ?? 1;
  const e1 = epochs[epochs.length - 1] ?? 1;
  const sx = (e: number): number => (e1 === e0 ? (pl + pr) / 2 : pl + ((e - e0) / (e1 - e0)) * (pr - pl));
  const sy = (v: number): number => pb - ((v - lo) / (hi - lo)) * (pb - pt);
  const parts: string[] = [`<g>`, `<text x="${(pl + pr) / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`];
  for (const t of yt) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${pl}" x2="${pr}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${pl - 6}" y="${y}" dy="4" text-anchor="end" fill="#444">${escapeXml(panel.log ? formatNumber(10 ** t, 1) : formatNumber(t, 4))}</text>`);
  }
  for (const t of niceTicks(e0, e1, 6).filter((t) => Number.isInteger(t) && t >= e0 && t <= e1)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${pb}" y2="${pb + 4}" stroke="#444"/>`);
    parts.push(`<text x="${x}" y="${pb + 17}" text-anchor="middle" fill="#444">${t}</text>`);
  }
  parts.push(`<rect x="${pl}" y="${pt}" width="${pr - pl}" height="${pb - pt}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${(pl + pr) / 2}" y="${pb + 34}" text-anchor="middle" fill="#444">${escapeXml(xLabel)}</text>`);
  if (panel.reference && Number.isFinite(tf(panel.reference.value))) {
    const y = sy(tf(panel.reference.value)).toFixed(1);
    parts.push(`<line x1="${pl}" x2="${pr}" y1="${y}" y2="${y}" stroke="#888" stroke-dasharray="4 4"/>`);
    parts.push(`<text x="${pl + 4}" y="${y}" dy="-4" fill="#666">${escapeXml(panel.reference.label)}</text>`);
  }
  const legendAtBottom = panel.metrics.every((s) => s.name !== undefined && metricMode(s.name) === 'max');
  const boxTop = legendAtBottom ? pb - 22 - (panel.metrics.length - 1) * 16 : pt + 2;
  const legend = [`<rect x="${pr - 116}" y="${boxTop}" width="112" height="${panel.metrics.length * 16 + 4}" fill="white" fill-opacity="0.85"/>`];
  panel.metrics.forEach((s, i) => {
    const ys = series[i]!;
    const pts = ys.map((v, j) => (Number.isFinite(v) ? `${sx(epochs[j]!).toFixed(1)},${sy(v).toFixed(1)}` : null)).filter((p): p is string => p !== null);
    const dash = s.dashed ? ' stroke-dasharray="6 3"' : '';
    if (pts.length === 1) parts.push(`<circle cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="3" fill="${s.color}"/>`);
    else parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    const ly = (legendAtBottom ? pb - 8 - (panel.metrics.length - 1) * 16 : pt + 14) + i * 16;
    legend.push(`<line x1="${pr - 110}" x2="${pr - 86}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    legend.push(`<text x="${pr - 80}" y="${ly}">${escapeXml(s.label)}</text>`);
  });
  for (const l of legend) parts.push(l);
  parts.push('</g>');
  return parts.join('\n');
}

/** Ticks at the whole powers of ten covering [lo, hi] (in log10 units), at most about six. */
function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(lo);
  const b = Math.ceil(hi);
  const step = Math.max(1, Math.ceil((b - a) / 6));
  const out: number[] = [];
  for (let t = a; t <= b; t += step) out.push(t);
  if (out[out.length - 1]! < hi) out.push(out[out.length - 1]! + step);
  return out;
}

/**
 * About `count` round tick values (1, 2, 5 × 10ᵏ steps) covering [lo, hi].
 *
 * @example
 * ```ts
 * niceTicks(0, 1, 5);         // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * niceTicks(0.013, 0.54, 4);  // [0, 0.2, 0.4, 0.6]
 * ```
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  if (ticks[ticks.length - 1]! < hi) ticks.push(+(ticks[ticks.length - 1]! + step).toPrecision(12));
  return ticks;
}

/** Text as XML character data; characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/F) become U+FFFD, so the file stays well-formed. */
function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
