import type { Lang } from '../explain/locales/index.js';
import { formatNumber } from '../tensor/format.js';
import type { ClassificationMetrics, Metrics } from '../train/metrics.js';
import { STYLE, escapeHtml, htmlTable, textTable, type Cell } from './html.js';
import { t } from './locales/index.js';
import type { MediaBundle } from './protocol.js';

/**
 * What evaluation metrics show in a notebook: the number of samples and the loss, the accuracy,
 * and the confusion matrix as a table — rows the true classes, columns the predicted ones, the
 * diagonal (the correct answers) highlighted, each class's recall at the end of its row and its
 * precision under its column; for regression, MSE and R².
 *
 * @example
 * ```ts
 * metricsBundle(evaluate(model, 'cross_entropy', test), { lang: 'ko' });   // 혼동 행렬 …
 * ```
 */
export function metricsBundle(m: Metrics | ClassificationMetrics, options: { lang?: Lang } = {}): MediaBundle {
  const lang = options.lang ?? 'en';
  const lines: string[] = [];
  const c = 'confusion' in m ? m : m.classification;
  if ('loss' in m) lines.push(t(lang, 'metricsLine', { rows: m.rows.toLocaleString('en-US'), loss: formatNumber(m.loss, 6) }));
  if (c) lines.push(t(lang, 'accuracyLine', { acc: percent(c.accuracy) }));
  if ('regression' in m && m.regression) lines.push(t(lang, 'regressionLine', { mse: formatNumber(m.regression.mse, 6), r2: formatNumber(m.regression.r2, 6) }));
  const html = [`<div style="margin:2px 0">${lines.map(escapeHtml).join(' · ')}</div>`];
  const text = [lines.join(' · ')];
  if (c) {
    const head = [t(lang, 'truePredicted'), ...c.classNames, t(lang, 'colCount'), t(lang, 'recall')];
    const numeric = head.map((_, i) => i > 0);
    const rows: Cell[][] = c.confusion.map((row, i) => [
      c.classNames[i]!,
      ...row.map((v, j): Cell => (i === j ? { html: `<span style="background:#ddf4ff;padding:0 4px;font-weight:600">${v}</span>` } : v === 0 ? { html: `<span style="color:${STYLE.muted}">0</span>` } : v)),
      c.support[i]!,
      percent(c.recall[i]!),
    ]);
    const precision: Cell[] = [t(lang, 'precision'), ...c.precision.map(percent), '', ''];
    html.push(htmlTable(head, [...rows, precision], { numeric, caption: t(lang, 'confusion'), rowHeads: true }));
    const plain = [...c.confusion.map((row, i) => [c.classNames[i]!, ...row.map(String), String(c.support[i]), percent(c.recall[i]!)]), [t(lang, 'precision'), ...c.precision.map(percent), '', '']];
    text.push(t(lang, 'confusion'), textTable(head, plain, numeric));
  }
  return { 'text/plain': text.join('\n'), 'text/html': `<div class="bp-metrics" style="font-family:${STYLE.sans}">${html.join('')}</div>` };
}

/** The display method of `evaluate`'s metrics (see `withDisplay`). */
export function displayMetrics(this: Metrics): MediaBundle {
  return metricsBundle(this);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
