import { describeHealth, type HealthDiagnosis, type Histogram } from 'backprop';
import type { HealthView } from '../health.js';
import { healthTr } from '../health-i18n.js';
import type { Lang } from '../state.js';
import { html, short, svg } from './svg.js';

/** What the panel's buttons do. */
export interface HealthHandlers {
  /** Opens the ledger of a parameter (`W1[0][0]`). */
  showLedger(id: string): void;
  /** The dense layer (from 1) whose block holds the network's layer `index` (batch norm, activation and dropout layers sit in a dense layer's block). */
  denseLayer?(index: number): number;
}

/**
 * The weight whose ledger shows a diagnosis at work: a dead or saturated unit's first incoming
 * weight, the first weight of the layer where gradients vanish or of the first layer (unscaled
 * inputs); null for causes that no single weight shows.
 */
export function ledgerParamOf(d: HealthDiagnosis, view: HealthView, denseLayer: (index: number) => number = (i) => i + 1): string | null {
  const layer = d.layers[0];
  if (layer === undefined) return null;
  if (d.code === 'dead-units' || d.code === 'saturated-units') {
    const unit = view.check.layers.find((l) => l.index === layer)?.stuckUnits[0] ?? 0;
    return `W${denseLayer(layer)}[${unit}][0]`;
  }
  if (d.code === 'vanishing-gradients' || d.code === 'unscaled-inputs') return `W${denseLayer(Math.min(...d.layers))}[0][0]`;
  return null;
}

/** A small bar chart of a histogram, with its range under it. */
function histogramSvg(h: Histogram | null, label: string, kind: string): SVGSVGElement {
  const W = 96;
  const H = 44;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: `hist ${kind}`, role: 'img', 'aria-label': h ? `${label}: ${short(h.lo)} … ${short(h.hi)}` : label });
  root.append(svg('text', { x: 0, y: 9, class: 'hist-label' }, label));
  if (h !== null) {
    const max = Math.max(1, ...h.counts);
    const bw = W / h.counts.length;
    h.counts.forEach((c, i) => {
      const bh = c === 0 ? 0 : Math.max(1, (c / max) * 24);
      root.append(svg('rect', { x: (i * bw + 0.5).toFixed(1), y: (35 - bh).toFixed(1), width: (bw - 1).toFixed(1), height: bh.toFixed(1), class: 'bar' }));
    });
    root.append(svg('text', { x: 0, y: H - 1, class: 'hist-range' }, short(h.lo)));
    root.append(svg('text', { x: W, y: H - 1, class: 'hist-range', 'text-anchor': 'end' }, short(h.hi)));
  }
  return root;
}

/**
 * Draws the health panel: the diagnoses (most likely first) as warnings with what to try and,
 * where a weight shows the problem, a button to its ledger; then each layer's histograms of
 * weights, outputs and gradients with its figures.
 */
export function renderHealth(host: HTMLElement, view: HealthView | null, lang: Lang, on: HealthHandlers): void {
  const t = (k: Parameters<typeof healthTr>[1], vars?: Record<string, string | number>): string => healthTr(lang, k, vars);
  const out: HTMLElement[] = [];
  if (view === null) {
    out.push(html('p', { class: 'note' }, t('healthWaiting')));
    host.replaceChildren(...out);
    return;
  }
  const { check, diagnoses } = view;
  if (diagnoses.length === 0) out.push(html('p', { class: 'health-fine' }, t('healthFine', { step: check.step })));
  else {
    const list = html('ul', { class: 'warnings' });
    for (const d of diagnoses) {
      const w = describeHealth(d, lang);
      const li = html('li', { class: 'warning', 'data-code': d.code });
      li.append(html('strong', {}, w.title));
      if (w.symptom) li.append(html('p', {}, w.symptom));
      li.append(html('p', {}, w.finding), html('p', { class: 'try' }, t('healthTry', { advice: w.advice })));
      const id = ledgerParamOf(d, view, on.denseLayer);
      if (id !== null) {
        const b = html('button', { type: 'button', class: 'to-ledger', 'data-param': id }, t('showLedger', { p: id }));
        b.addEventListener('click', () => on.showLedger(id));
        li.append(b);
      }
      list.append(li);
    }
    out.push(list, html('p', { class: 'note' }, t('healthChecked', { step: check.step })));
  }
  const flagged = new Set(diagnoses.flatMap((d) => d.layers));
  for (const l of check.layers) {
    const box = html('div', { class: `health-layer${flagged.has(l.index) ? ' warn' : ''}`, 'data-layer': l.index + 1 });
    box.append(html('h3', {}, `${t('healthLayer', { n: l.index + 1 })} · ${l.describe}`));
    const figures: string[] = [];
    if (l.actMean !== null) figures.push(t('healthMean', { mean: short(l.actMean), sd: short(l.actStd ?? 0) }));
    if (l.dead > 0) figures.push(t('healthDead', { n: l.stuckUnits.length, units: l.units }));
    if (l.saturated > 0) figures.push(t('healthSaturated', { n: l.stuckUnits.length, units: l.units }));
    if (l.gradRatio !== null) figures.push(t('healthGrad', { v: short(l.gradRatio) }));
    if (l.updateRatio !== null) figures.push(t('healthUpdate', { v: short(l.updateRatio) }));
    box.append(html('p', { class: 'health-figures' }, figures.join(' · ')));
    const row = html('div', { class: 'hists' });
    const h = l.histograms;
    row.append(histogramSvg(h?.weights ?? null, t('histWeights'), 'weights'), histogramSvg(h?.activations ?? null, t('histOutputs'), 'outputs'), histogramSvg(h?.gradients ?? null, t('histGradients'), 'gradients'));
    box.append(row);
    out.push(box);
  }
  host.replaceChildren(...out);
}
