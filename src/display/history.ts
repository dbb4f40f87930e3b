import type { Lang } from '../explain/locales/index.js';
import { formatNumber } from '../tensor/format.js';
import type { History, MetricName } from '../train/history.js';
import { defaultPanels, historySvg } from '../train/plot-svg.js';
import { textTable } from './html.js';
import { t } from './locales/index.js';
import type { MediaBundle } from './protocol.js';

/** The columns of the text table, when recorded. */
const COLUMNS: readonly MetricName[] = ['loss', 'accuracy', 'r2', 'valLoss', 'valAccuracy', 'valR2'];

/**
 * What a training history shows in a notebook: its loss and accuracy (or R²) curves as SVG
 * ({@link historySvg}, labelled in `lang`) — also inside HTML, which renderers that sanitise SVG
 * (nbconvert's) leave intact — and as text a table of the epochs (the first and last five of a
 * long run).
 *
 * @example
 * ```ts
 * historyBundle(result.history, { lang: 'ko' })['image/svg+xml'];   // '<svg …>비용…정확도…'
 * ```
 */
export function historyBundle(history: History, options: { lang?: Lang; title?: string } = {}): MediaBundle {
  const lang = options.lang ?? 'en';
  const panels = defaultPanels(history).map((p) => ({
    title: p.title === 'loss' ? t(lang, 'loss') : p.title === 'accuracy' ? t(lang, 'accuracy') : p.title,
    metrics: p.metrics.map((m) => (m.name === undefined ? m : { ...m, label: t(lang, m.name.startsWith('val') ? 'validation' : 'train') })),
  }));
  const svg = historySvg(history, { panels, xLabel: t(lang, 'epoch'), ...(options.title !== undefined && { title: options.title }) });
  const cols = COLUMNS.filter((c) => history.has(c));
  const name = (c: MetricName): string => {
    const base = c.replace(/^val/, '').toLowerCase();
    const word = base === 'loss' ? t(lang, 'loss') : base === 'accuracy' ? t(lang, 'accuracy') : 'R²';
    return c.startsWith('val') ? `${t(lang, 'validation')} ${word}` : word;
  };
  const epochs = history.epochs;
  const shown = epochs.length <= 12 ? epochs : [...epochs.slice(0, 5), null, ...epochs.slice(-5)];
  const rows = shown.map((e) => (e === null ? ['…', ...cols.map(() => '')] : [String(e.epoch), ...cols.map((c) => formatNumber(e[c] ?? NaN, 6))]));
  const text = textTable([t(lang, 'epoch'), ...cols.map(name)], rows, [true, ...cols.map(() => true)]);
  return { 'text/plain': text, 'text/html': `<div class="bp-history">${svg}</div>`, 'image/svg+xml': svg };
}
