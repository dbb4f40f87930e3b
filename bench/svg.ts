// A small SVG line-chart writer for the scaling figures (no dependencies): panels side by side,
// log-scaled axes, one polyline per series with markers and a legend.

/** One line of a panel: points (x, y) with optional [low, high] whiskers. */
export interface Series {
  name: string;
  points: { x: number; y: number; lo?: number; hi?: number }[];
}

/** One chart. */
export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  logY: boolean;
  series: Series[];
  /** Tick values for the x axis (default: 1-2-5 steps). */
  xTicks?: number[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const W = 420;
const H = 320;
/** Height of the legend rows under each panel. */
const LEGEND = 16;
const M = { left: 62, right: 14, top: 34, bottom: 48 };

/** The panels as one SVG document, side by side. */
export function renderSvg(panels: readonly Panel[], caption: string): string {
  const width = W * panels.length;
  const rows = Math.max(...panels.map((p) => p.series.length));
  const height = H + rows * LEGEND + 28;
  const parts = panels.map((p, i) => `<g transform="translate(${i * W},0)">${panel(p)}</g>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...parts,
    `<text x="8" y="${height - 8}" fill="#555">${esc(caption)}</text>`,
    '</svg>',
  ].join('\n');
}

function panel(p: Panel): string {
  const pts = p.series.flatMap((s) => s.points);
  if (pts.length === 0) return `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">${esc(p.title)}: no data</text>`;
  const xs = pts.map((q) => q.x);
  const ys = pts.flatMap((q) => [q.y, q.lo ?? q.y, q.hi ?? q.y]).filter((v) => v > 0 || !p.logY);
  const sx = scale(Math.min(...xs), Math.max(...xs), M.left, W - M.right, p.logX);
  if (p.xTicks) sx.ticks = p.xTicks;
  const sy = scale(Math.min(...ys), Math.max(...ys), H - M.bottom, M.top, p.logY);
  const out: string[] = [];
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`);
  for (const t of sx.ticks) {
    out.push(`<line x1="${sx.f(t)}" x2="${sx.f(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${sx.f(t)}" y="${H - M.bottom + 14}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of sy.ticks) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy.f(t)}" y2="${sy.f(t)}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 4}" y="${sy.f(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 16}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(`<text transform="translate(14,${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]!;
    const line = s.points.map((q) => `${sx.f(q.x).toFixed(1)},${sy.f(q.y).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${line}" fill="none" stroke="${c}" stroke-width="1.8"/>`);
    for (const q of s.points) {
      if (q.lo !== undefined && q.hi !== undefined) out.push(`<line x1="${sx.f(q.x)}" x2="${sx.f(q.x)}" y1="${sy.f(q.lo)}" y2="${sy.f(q.hi)}" stroke="${c}"/>`);
      out.push(`<circle cx="${sx.f(q.x).toFixed(1)}" cy="${sy.f(q.y).toFixed(1)}" r="2.6" fill="${c}"/>`);
    }
    const ly = H + 6 + i * LEGEND;
    out.push(`<line x1="${M.left}" x2="${M.left + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/>`);
    out.push(`<text x="${M.left + 22}" y="${ly}">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

/** A linear or log10 map from [lo, hi] to pixels, with round tick values. */
function scale(lo: number, hi: number, p0: number, p1: number, log: boolean): { f: (v: number) => number; ticks: number[] } {
  // NOTE: callers may replace `ticks`.
  if (log) {
    const pad = Math.max(0.05, (Math.log10(hi) - Math.log10(lo)) * 0.05);
    const a = Math.log10(lo) - pad;
    const b = Math.log10(hi) + pad;
    const span = b - a || 1;
    const f = (v: number): number => p0 + ((Math.log10(v) - a) / span) * (p1 - p0);
    const ticks: number[] = [];
    for (let e = Math.floor(a); e <= Math.ceil(b); e++) for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) >= a - 1e-9 && Math.log10(v) <= b + 1e-9) ticks.push(v);
    }
    return { f, ticks };
  }
  const step = niceStep((hi - lo || Math.abs(hi) || 1) / 5);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  const f = (v: number): number => p0 + ((v - a) / (b - a || 1)) * (p1 - p0);
  const ticks: number[] = [];
  for (let v = a; v <= b + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { f, ticks };
}

function niceStep(raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw));
  const m = raw / e;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e;
}

function fmt(v: number): string {
  if (Number.isInteger(v) && v < 1e5) return String(v);
  if (v >= 1000 || v < 0.01) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
