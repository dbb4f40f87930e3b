import { formatNumber, LOSSES, type LossName } from 'backprop';
import type { App } from './app.js';
import { decisionField, neuronFields } from './field.js';
import { tr, type MessageKey } from './i18n.js';
import { notebookName, paramExists, parseParamId, type ParamRef } from './names.js';
import { lossFits } from './data.js';
import { accuracy, layerSizes } from './net.js';
import { DATASETS, HIDDEN_ACTIVATIONS } from './state.js';
import { renderChart } from './views/chart.js';
import { fieldToDataUrl, renderBoundary, type FieldView, type PointView } from './views/heatmap.js';
import { renderLedger } from './views/ledger.js';
import { renderNetwork, type NetworkView, type NodeView, type ParamView } from './views/network.js';
import { renderParams } from './views/params.js';

/** Steps per frame offered by the speed slider. */
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

let paramsDrawnAt = 0;
let fieldCache: { version: number; data: unknown; at: number; fields: FieldView[][]; urls: string[][] } | null = null;
let accuracyCache: { version: number; data: unknown; at: number; value: ReturnType<typeof accuracy> } | null = null;

/** Redraws the whole page from the app's state (the views are plain functions of it). */
export function render(app: App): void {
  const s = app.state.settings;
  const lang = s.lang;
  const t = (key: MessageKey, vars?: Record<string, string | number>): string => tr(lang, key, vars);
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel as MessageKey));
  $('lang-en').setAttribute('aria-pressed', String(lang === 'en'));
  $('lang-ko').setAttribute('aria-pressed', String(lang === 'ko'));
  $('notice').textContent = app.notice;

  renderControls(app, t);
  const sizes = layerSizes(s, app.data);
  const L = sizes.length - 1;

  // Toolbar
  const play = $<HTMLButtonElement>('btn-play');
  play.textContent = app.playing ? t('pause') : t('play');
  play.setAttribute('aria-pressed', String(app.playing));
  for (const id of ['btn-forward', 'btn-backward', 'btn-update']) $<HTMLButtonElement>(id).disabled = app.playing;
  $('step-count').textContent = String(app.state.step);
  $('sps').textContent = app.stepsPerSec === null ? '–' : String(Math.round(app.stepsPerSec));
  $('phase').textContent = t(`phase.${app.phase}` as MessageKey);

  // Parameters as plain view data
  const refTitle = (r: ParamRef, value: number): string => {
    const id = r.kind === 'weight' ? `W${r.layer}[${r.row}][${r.col}]` : `b${r.layer}[${r.row}]`;
    const nb = notebookName(sizes, r);
    return `${t(r.kind)} ${nb !== null && app.data.kind === 'seed' ? `${nb} = ` : ''}${id} = ${formatNumber(value)}`;
  };
  const weights: ParamView[][][] = app.model.layers.map((layer, l) =>
    Array.from({ length: layer.units }, (_, r) => Array.from({ length: layer.inputs }, (_, c) => {
      const value = layer.weight.data[r * layer.inputs + c]!;
      return { id: `W${l + 1}[${r}][${c}]`, value, title: refTitle({ kind: 'weight', layer: l + 1, row: r, col: c }, value) };
    })));
  const biases: ParamView[][] = app.model.layers.map((layer, l) =>
    Array.from(layer.bias.data, (value, r) => ({ id: `b${l + 1}[${r}]`, value, title: refTitle({ kind: 'bias', layer: l + 1, row: r, col: null }, value) })));

  // Heatmaps (2-D data)
  const plane = app.data.domain !== null;
  // NOTE: while playing, the heatmaps are recomputed at most every 100 ms (PNG-encoding them is the costly part).
  const now = performance.now();
  if (plane && (fieldCache === null || fieldCache.data !== app.data || (fieldCache.version !== app.version && (!app.playing || now - fieldCache.at > 100)))) {
    const fields = neuronFields(app.model, app.data);
    fieldCache = { version: app.version, data: app.data, at: now, fields, urls: fields.map((layer) => layer.map(fieldToDataUrl)) };
  }

  // Nodes
  const trace = app.trace;
  const nodes: NodeView[] = [];
  let id = 1;
  sizes.forEach((n, layer) => {
    for (let j = 0; j < n; j++) {
      let a: number | null = null;
      let delta: number | null = null;
      if (trace !== null) {
        a = layer === 0 ? trace.x.data[j]! : trace.as[layer - 1]!.data[j]!;
        if (layer > 0 && trace.backwardDone) delta = trace.zs[layer - 1]!.grad?.data[j] ?? null;
      } else if (layer === 0 && app.data.kind === 'seed') {
        a = app.data.xTrain[j]!;
      }
      const heat = plane && layer > 0 ? fieldCache!.urls[layer - 1]![j]! : null;
      const target = layer === L && app.data.kind === 'seed' ? app.data.tTrain[j]! : null;
      nodes.push({ layer, index: j, id: id++, a, delta, target, heat });
    }
  });
  const titles = sizes.map((_, l) => (l === 0 ? t('input') : l === L ? t('outputLayer') : t('hidden', { n: l })));
  const view: NetworkView = {
    sizes, layerTitles: titles, nodes, weights, biases, selected: app.state.selected,
    deltaFrom: app.deltaFrom, flowing: app.flowing, ariaLabel: t('diagramLabel'),
  };
  renderNetwork($('diagram'), view, { select: (pid) => app.select(pid), drag: (pid, v) => app.edit(pid, v) });
  // NOTE: while playing, the tables (up to a few hundred buttons) are redrawn at most 4 times a second.
  if (!app.playing || now - paramsDrawnAt > 250) {
    paramsDrawnAt = now;
    renderParams($('param-tables'), weights, biases, app.state.selected, (pid) => app.select(pid), (l) => `W${l}, b${l}`);
  }

  // Metrics
  const last = app.state.history[app.state.history.length - 1];
  const cost = trace?.cost ?? app.lastUpdate?.costBefore ?? null;
  $('cost').textContent = cost === null ? '–' : formatNumber(cost);
  $('cost-after').textContent = app.lastUpdate === null ? '–' : formatNumber(app.lastUpdate.costAfter);
  $('train-loss').textContent = last ? formatNumber(last.train) : '–';
  const noTest = app.data.nTest === 0;
  $('test-loss').textContent = last && !noTest ? formatNumber(last.test) : '–';
  $('test-loss').title = noTest ? t('noTestSet') : '';
  // NOTE: like the heatmaps, recomputed at most every 100 ms while playing.
  if (accuracyCache === null || accuracyCache.data !== app.data || (accuracyCache.version !== app.version && (!app.playing || now - accuracyCache.at > 100))) {
    accuracyCache = { version: app.version, data: app.data, at: now, value: accuracy(app.model, app.data) };
  }
  const acc = accuracyCache.value;
  $('train-acc-box').hidden = acc.train === null;
  $('test-acc-box').hidden = acc.train === null;
  $('train-acc').textContent = acc.train === null ? '–' : percent(acc.train);
  $('test-acc').textContent = acc.test === null ? '–' : percent(acc.test);
  // After an Update the diagram still shows the pass made with the old weights: say so, and fade its numbers.
  $('stale-note').hidden = app.phase !== 'updated';
  $('diagram').classList.toggle('stale', app.phase === 'updated');

  // Decision boundary
  $('boundary-fig').hidden = !plane;
  $('no-plane').hidden = plane;
  if (plane) {
    const d = app.data;
    const points: PointView[] = [];
    const push = (x: Float64Array, tt: Float64Array, labels: Int32Array | null, n: number, test: boolean): void => {
      for (let i = 0; i < n; i++) points.push({ x: x[i * d.inputs]!, y: x[i * d.inputs + 1]!, label: labels ? labels[i]! : Math.tanh(tt[i * d.outputs]!), test });
    };
    push(d.xTrain, d.tTrain, d.labelsTrain, d.nTrain, false);
    push(d.xTest, d.tTest, d.labelsTest, d.nTest, true);
    renderBoundary($<HTMLCanvasElement>('boundary-field'), $<HTMLCanvasElement>('boundary-points'), decisionField(fieldCache!.fields), d.domain!, points, d.classes, d);
  }
  renderChart($('chart'), app.state.history, { title: t('lossCurveLabel'), train: t('trainLoss'), test: noTest ? null : t('testLoss'), step: t('stepCount') });

  // Ledger
  const sel = app.state.selected;
  const ref = sel === null ? null : parseParamId(sel);
  const valid = ref !== null && paramExists(sizes, ref);
  const u = app.lastUpdate;
  const haveGradients = valid && trace !== null && trace.backwardDone;
  if (haveGradients) app.requestLedger(sel!);
  const pick = (w: { W: number[][]; b: number[] }[], r: ParamRef): number => (r.kind === 'weight' ? w[r.layer - 1]!.W[r.row]![r.col!]! : w[r.layer - 1]!.b[r.row]!);
  const nb = valid ? notebookName(sizes, ref) : null;
  renderLedger($('ledger-body'), {
    selected: valid ? sel : null,
    displayName: valid && nb !== null && app.data.kind === 'seed' ? nb : (sel ?? ''),
    value: valid ? pick(app.state.weights!, ref) : null,
    haveGradients,
    ledger: haveGradients ? (app.ledger?.value ?? null) : null,
    ledgerText: app.ledgerText,
    update: valid && u !== null ? { before: pick(u.before, ref), after: pick(u.after, ref), grad: pick(u.grads, ref), costBefore: u.costBefore, costAfter: u.costAfter, lr: u.lr, optimizer: u.optimizer } : null,
    t,
  }, { edit: (pid, v) => app.edit(pid, v) });
}

function renderControls(app: App, t: (key: MessageKey, vars?: Record<string, string | number>) => string): void {
  const s = app.state.settings;
  const seed = s.dataset === 'seed';
  fillSelect($<HTMLSelectElement>('dataset'), DATASETS.map((d) => [d, t(`ds.${d}` as MessageKey)]), s.dataset, (d) => d === 'csv' && app.state.csv === null);
  setValue('noise', String(s.noise));
  $('noise-out').textContent = String(s.noise);
  setValue('ratio', String(s.trainRatio));
  $('ratio-out').textContent = `${Math.round(s.trainRatio * 100)}%`;
  // NOTE: the seed's one sample is all training data: a share of it would be a number that means nothing.
  $('ratio-row').hidden = seed;
  $('ratio').hidden = seed;
  for (const id of ['noise', 'ratio']) $<HTMLInputElement>(id).disabled = seed || (id === 'noise' && s.dataset === 'csv');
  const csv = app.state.csv;
  const target = $<HTMLSelectElement>('csv-target');
  const header = csv ? csvHeader(csv.text) : [];
  fillSelect(target, header.map((h) => [h, h]), csv?.target ?? '', () => false);
  target.disabled = csv === null;
  $('seed-note').hidden = !seed;
  $('layer-count').textContent = String(seed ? 1 : s.hidden.length);
  $<HTMLButtonElement>('layer-add').disabled = seed || s.hidden.length >= 6;
  $<HTMLButtonElement>('layer-remove').disabled = seed || s.hidden.length <= 1;
  const neurons = $('neurons');
  const hidden = seed ? [2] : s.hidden;
  if (neurons.childElementCount !== hidden.length * 2 || neurons.dataset.lang !== s.lang) {
    neurons.replaceChildren();
    neurons.dataset.lang = s.lang;
    hidden.forEach((_, i) => {
      const label = document.createElement('label');
      label.htmlFor = `neurons-${i}`;
      label.textContent = t('neuronsIn', { n: i + 1 });
      const input = document.createElement('input');
      Object.assign(input, { type: 'number', id: `neurons-${i}`, min: '1', max: '8', step: '1' });
      input.addEventListener('change', () => {
        const v = Math.round(Number(input.value));
        if (!Number.isFinite(v)) return;
        const next = [...app.state.settings.hidden];
        next[i] = Math.min(8, Math.max(1, v));
        app.change('hidden', next);
      });
      neurons.append(label, input);
    });
  }
  hidden.forEach((n, i) => {
    const input = $<HTMLInputElement>(`neurons-${i}`);
    if (document.activeElement !== input) input.value = String(n);
    input.disabled = seed;
  });
  fillSelect($<HTMLSelectElement>('activation'), HIDDEN_ACTIVATIONS.map((a) => [a, a]), seed ? 'sigmoid' : s.activation, () => false);
  $<HTMLSelectElement>('activation').disabled = seed;
  fillSelect($<HTMLSelectElement>('loss'), LOSSES.map((l) => [l, t(`loss.${l}` as MessageKey)]), s.loss, (l) => !lossFits(app.data, l as LossName));
  setValue('optimizer', s.optimizer);
  setValue('lr', String(s.lr));
  setValue('batch', String(s.batch));
  $<HTMLInputElement>('batch').disabled = seed;
  setValue('l2', String(s.l2));
  setValue('seed', String(s.seed));
  const speedIdx = SPEEDS.reduce((best, v, i) => (Math.abs(v - s.speed) < Math.abs(SPEEDS[best]! - s.speed) ? i : best), 0);
  setValue('speed', String(speedIdx));
  $('speed-out').textContent = String(SPEEDS[speedIdx]);
  $('speed').setAttribute('aria-valuetext', `${SPEEDS[speedIdx]}`);
}

function setValue(id: string, value: string): void {
  const el = $<HTMLInputElement | HTMLSelectElement>(id);
  if (document.activeElement !== el && el.value !== value) el.value = value;
}

function fillSelect(el: HTMLSelectElement, options: [string, string][], value: string, disabled: (v: string) => boolean): void {
  const key = options.map((o) => o.join('=') + (disabled(o[0]) ? '!' : '')).join('|');
  if (el.dataset.key !== key) {
    el.replaceChildren(...options.map(([v, text]) => {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = text;
      o.disabled = disabled(v);
      return o;
    }));
    el.dataset.key = key;
  }
  if (el.value !== value) el.value = value;
}

/** The column names of a CSV's first line (quotes removed). */
export function csvHeader(text: string): string[] {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1')).filter((h) => h !== '');
}

/** 96.5 % */
function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
