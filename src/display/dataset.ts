import type { Dataset } from '../data/dataset.js';
import { classCounts, columnStats } from '../data/summary.js';
import { BackpropError } from '../errors.js';
import type { Lang } from '../explain/locales/index.js';
import { formatNumber } from '../tensor/format.js';
import { niceTicks } from '../train/plot-svg.js';
import { STYLE, escapeHtml, htmlTable, textTable, type Cell } from './html.js';
import { t } from './locales/index.js';
import type { MediaBundle } from './protocol.js';

/** Options of {@link datasetBundle}. */
export interface DatasetViewOptions {
  lang?: Lang;
  /** Samples listed; default 5. */
  rows?: number;
  /** The two input columns of the scatter plot; default [0, 1] for 2-D data (no plot otherwise). */
  features?: readonly [number, number];
  /** The tables (classes, inputs, first samples); default true, false for the plot alone. */
  summary?: boolean;
}

/** Class colours: the playground's orange and blue for the first two, then Tableau's. */
const PALETTE = [STYLE.neg, STYLE.pos, '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Input columns listed in the first samples; beyond, the first 6 and the last 2 around a `…` (as pandas elides). */
const MAX_COLUMNS = 8;
/** Inputs listed in the statistics; beyond, the first 8 and the last 2 around a `…` row (MNIST's 784 pixels). */
const MAX_STAT_ROWS = 20;
/** Dots drawn at most (every k-th sample beyond). */
const MAX_DOTS = 2000;

/**
 * What a dataset shows in a notebook: one line (name, samples, inputs → outputs, task), the
 * classes with their counts, each input's mean, standard deviation, minimum and maximum, the
 * first samples, and for 2-D inputs (or the two `features` chosen) a scatter plot coloured by
 * class — or, for regression, by the first target from orange (low) to blue (high).
 *
 * @example
 * ```ts
 * datasetBundle(iris(), { features: [2, 3] });   // petal length against petal width, three colours
 * ```
 */
export function datasetBundle(ds: Dataset, options: DatasetViewOptions = {}): MediaBundle {
  const lang = options.lang ?? 'en';
  const names = ds.featureNames ?? Array.from({ length: ds.inputSize }, (_, j) => `x${j + 1}`);
  const line = t(lang, 'datasetLine', { name: ds.name ?? 'data', rows: ds.rows.toLocaleString('en-US'), inputs: ds.inputSize, outputs: ds.outputSize, task: t(lang, `task_${ds.task}`) });
  const parts: string[] = [`<div style="font-weight:600;margin:2px 0">${escapeHtml(line)}</div>`];
  const text: string[] = [line];
  if (options.summary !== false) {
    const tables = summaryTables(ds, names, Math.min(ds.rows, options.rows ?? 5), lang);
    parts.push(...tables.html);
    text.push(...tables.text);
  }
  const features = options.features ?? (ds.inputSize === 2 ? [0, 1] : null);
  for (const f of features ?? []) {
    if (!Number.isInteger(f) || f < 0 || f >= ds.inputSize) throw new BackpropError('argument', `view: features must be two input columns of 0 … ${ds.inputSize - 1}, got ${JSON.stringify(options.features)}`);
  }
  if (features !== null && ds.rows > 0) parts.push(scatterSvg(ds, features, names, lang));
  return { 'text/plain': text.join('\n\n'), 'text/html': `<div class="bp-dataset" style="font-family:${STYLE.sans}">${parts.join('\n')}</div>` };
}

/** The classes with their counts, each input's statistics, the first `n` samples: as HTML and as text. */
function summaryTables(ds: Dataset, names: readonly string[], n: number, lang: Lang): { html: string[]; text: string[] } {
  const parts: string[] = [];
  const text: string[] = [];
  // The first samples: inputs (the middle ones elided, -1), then the class or the targets.
  const inputCols = elide(ds.inputSize, MAX_COLUMNS, 6);
  const classes = ds.task === 'classification' && ds.labels && ds.classNames ? { labels: ds.labels, names: ds.classNames } : null;
  const targetHead = classes ? [t(lang, 'colClass')] : (ds.targetNames ?? Array.from({ length: ds.outputSize }, (_, k) => `${t(lang, 'colTarget')} ${k + 1}`));
  const head = ['#', ...inputCols.map((j) => (j < 0 ? '…' : names[j]!)), ...targetHead];
  const rows = Array.from({ length: n }, (_, i) => [
    String(i),
    ...inputCols.map((j) => (j < 0 ? '…' : formatNumber(ds.x[i * ds.inputSize + j]!, 6))),
    ...(classes ? [classes.names[classes.labels[i]!]!] : Array.from({ length: ds.outputSize }, (_, k) => formatNumber(ds.y[i * ds.outputSize + k]!, 6))),
  ]);
  const numeric = head.map((_, c) => c < 1 + inputCols.length || !classes);
  if (classes) {
    const counts = classCounts(ds);
    const shown = classes.names.map((c, k) => [{ html: `<span style="color:${PALETTE[k % PALETTE.length]}">●</span> ${escapeHtml(c)}` }, counts[k]!.toLocaleString('en-US')] as Cell[]);
    parts.push(htmlTable([t(lang, 'colClass'), t(lang, 'colCount')], shown, { numeric: [false, true], caption: t(lang, 'classes') }));
    text.push(textTable([t(lang, 'colClass'), t(lang, 'colCount')], classes.names.map((c, k) => [c, String(counts[k])]), [false, true]));
  }
  if (ds.rows > 0) {
    const s = columnStats(ds.x, ds.inputSize);
    const statHead = [t(lang, 'colFeature'), t(lang, 'colMean'), t(lang, 'colStd'), t(lang, 'colMin'), t(lang, 'colMax')];
    const statRows = elide(ds.inputSize, MAX_STAT_ROWS, 8).map((j) => (j < 0 ? ['…', '', '', '', ''] : [names[j]!, ...[s.mean[j]!, s.std[j]!, s.min[j]!, s.max[j]!].map((v) => formatNumber(v, 4))]));
    parts.push(htmlTable(statHead, statRows, { numeric: [false, true, true, true, true] }));
  }
  parts.push(htmlTable(head, rows, { numeric, caption: t(lang, 'firstRows', { n }) }));
  text.push(textTable(head, rows, numeric));
  return { html: parts, text };
}

/** `0 … n-1`, or past `max` the first `head`, a -1 for the gap and the last 2. */
function elide(n: number, max: number, head: number): number[] {
  const all = Array.from({ length: n }, (_, j) => j);
  return n <= max ? all : [...all.slice(0, head), -1, n - 2, n - 1];
}

/** The display method of every dataset (`makeDataset` gives it; see `withDisplay`). */
export function displayDataset(this: Dataset): MediaBundle {
  return datasetBundle(this);
}

/**
 * Two input columns of a dataset against each other, one dot per sample (every k-th beyond
 * 2,000), coloured by class or by the first target.
 *
 * @example
 * ```ts
 * scatterSvg(synthetic('spiral', { rng: new Rng(1) }), [0, 1], ['x1', 'x2'], 'en');
 * ```
 */
export function scatterSvg(ds: Dataset, features: readonly [number, number], names: readonly string[], lang: Lang): string {
  const [fx, fy] = features;
  const d = ds.inputSize;
  const W = 380;
  const H = 320;
  const m = { left: 50, right: 14, top: 14, bottom: 42 };
  const col = (j: number): number[] => Array.from({ length: ds.rows }, (_, i) => ds.x[i * d + j]!);
  const xs = col(fx);
  const ys = col(fy);
  const xt = niceTicks(...extent(xs), 5);
  const yt = niceTicks(...extent(ys), 5);
  const [x0, x1, y0, y1] = [xt[0]!, xt[xt.length - 1]!, yt[0]!, yt[yt.length - 1]!];
  const sx = (v: number): number => m.left + ((v - x0) / (x1 - x0 || 1)) * (W - m.left - m.right);
  const sy = (v: number): number => H - m.bottom - ((v - y0) / (y1 - y0 || 1)) * (H - m.top - m.bottom);
  const by = ds.labels && ds.classNames ? t(lang, 'colClass') : (ds.targetNames?.[0] ?? t(lang, 'colTarget'));
  const label = t(lang, 'scatterLabel', { x: names[fx] ?? `x${fx + 1}`, y: names[fy] ?? `x${fy + 1}`, by });
  const colorOf = colors(ds);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label)}" font-family="${escapeHtml(STYLE.sans)}" font-size="11">`,
    `<title>${escapeHtml(label)}</title>`,
    `<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="white" stroke="${STYLE.muted}"/>`,
  ];
  for (const v of xt) out.push(`<text x="${sx(v).toFixed(1)}" y="${H - m.bottom + 15}" text-anchor="middle" fill="${STYLE.muted}">${formatNumber(v, 4)}</text>`);
  for (const v of yt) out.push(`<text x="${m.left - 5}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" fill="${STYLE.muted}">${formatNumber(v, 4)}</text>`);
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(names[fx] ?? '')}</text>`);
  out.push(`<text transform="translate(12 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(names[fy] ?? '')}</text>`);
  const step = Math.ceil(ds.rows / MAX_DOTS);
  for (let i = 0; i < ds.rows; i += step) {
    out.push(`<circle cx="${sx(xs[i]!).toFixed(1)}" cy="${sy(ys[i]!).toFixed(1)}" r="3" fill="${colorOf(i)}" fill-opacity="0.8" stroke="white" stroke-width="0.5"/>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The colour of sample i: its class's, or the first target's on an orange–blue scale. */
function colors(ds: Dataset): (i: number) => string {
  if (ds.labels) {
    const labels = ds.labels;
    return (i) => PALETTE[labels[i]! % PALETTE.length]!;
  }
  const k = ds.outputSize;
  const v = Array.from({ length: ds.rows }, (_, i) => ds.y[i * k]!);
  const [lo, hi] = extent(v);
  const mix = (a: string, b: string, f: number): string => {
    const c = (s: string, o: number): number => parseInt(s.slice(o, o + 2), 16);
    const ch = [1, 3, 5].map((o) => Math.round(c(a, o) + (c(b, o) - c(a, o)) * f));
    return `rgb(${ch.join(',')})`;
  };
  return (i) => mix(STYLE.neg, STYLE.pos, hi > lo ? (v[i]! - lo) / (hi - lo) : 0.5);
}

/** [min, max] of the values (a loop: spreading 60,000 arguments can overflow the stack). */
function extent(v: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
