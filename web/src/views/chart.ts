import type { HistoryPoint } from '../state.js';
import { short, svg } from './svg.js';

/** Draws the training (solid) and test (dashed) loss by step; log scale when the losses span > 2 decades. */
export function renderChart(host: HTMLElement, history: HistoryPoint[], labels: { title: string; train: string; test: string | null; step: string }): void {
  const W = 320;
  const H = 150;
  const pad = { l: 58, r: 8, t: 24, b: 22 };
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': labels.title, class: 'chart' });
  // NOTE: a loop, never Math.min(...values): a long history (from a shared link) exceeds the argument limit.
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of history) {
    for (const v of [h.train, h.test]) {
      if (!(Number.isFinite(v) && v > 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (history.length >= 1 && lo <= hi) {
    const log = hi / lo > 100;
    const f = (v: number): number => (log ? Math.log10(v) : v);
    const yLo = log ? f(lo) : 0;
    const yHi = f(hi) === yLo ? yLo + 1 : f(hi);
    const s0 = history[0]!.step;
    const s1 = Math.max(history[history.length - 1]!.step, s0 + 1);
    const X = (s: number): number => pad.l + ((s - s0) / (s1 - s0)) * (W - pad.l - pad.r);
    const Y = (v: number): number => H - pad.b - ((f(Math.max(v, lo)) - yLo) / (yHi - yLo)) * (H - pad.t - pad.b);
    root.append(svg('line', { x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b, class: 'axis' }));
    root.append(svg('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: H - pad.b, class: 'axis' }));
    root.append(svg('text', { x: pad.l - 4, y: pad.t + 4, 'text-anchor': 'end', class: 'tick' }, short(hi)));
    root.append(svg('text', { x: pad.l - 4, y: H - pad.b, 'text-anchor': 'end', class: 'tick' }, short(log ? lo : 0)));
    root.append(svg('text', { x: W - pad.r, y: H - 6, 'text-anchor': 'end', class: 'tick' }, `${labels.step} ${history[history.length - 1]!.step}`));
    if (history[history.length - 1]!.step !== s0) root.append(svg('text', { x: pad.l, y: H - 6, class: 'tick' }, `${labels.step} ${s0}`));
    for (const key of ['train', 'test'] as const) {
      const pts = history.filter((h) => Number.isFinite(h[key])).map((h) => `${X(h.step).toFixed(1)},${Y(h[key]).toFixed(1)}`);
      if (pts.length === 1) pts.push(pts[0]!.replace(/^[\d.]+/, String(X(s1))));
      root.append(svg('polyline', { points: pts.join(' '), class: `line ${key}` }));
    }
  }
  const legend = svg('g', { class: 'legend' });
  legend.append(svg('line', { x1: pad.l, y1: 10, x2: pad.l + 18, y2: 10, class: 'line train' }));
  legend.append(svg('text', { x: pad.l + 22, y: 14, class: 'tick' }, labels.train));
  // NOTE: without a test set (the seed's one sample) the legend names no test line.
  if (labels.test !== null) {
    legend.append(svg('line', { x1: pad.l + 120, y1: 10, x2: pad.l + 138, y2: 10, class: 'line test' }));
    legend.append(svg('text', { x: pad.l + 142, y: 14, class: 'tick' }, labels.test));
  }
  root.append(legend);
  host.replaceChildren(root);
}
