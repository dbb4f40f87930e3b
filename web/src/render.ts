import { formatNumber, LOSS_FORMULAS, LOSSES, notebookWeightName, type Dataset, type LossName, type ParamSelector } from 'backprop';
import type { App } from './app.js';
import { decisionField, neuronFields } from './field.js';
import { hasMessage, tr, type MessageKey } from './i18n.js';
import { csvColumns, lossFits } from './data.js';
import { blocks, denseLayers, layerSizes, measure, paramAt, paramId } from './net.js';
import { DATASETS, HIDDEN_ACTIVATIONS } from './state.js';
import { renderChart } from './views/chart.js';
import { fieldToDataUrl, renderBoundary, type FieldView, type PointView } from './views/heatmap.js';
import { renderLedger } from './views/ledger.js';
import { renderNetwork, type NetworkView, type NodeView, type ParamView } from './views/network.js';
import { renderParams } from './views/params.js';
import { renderHealthParts } from './health-render.js';

/** Steps per frame offered by the speed slider. */
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

let paramsDrawnAt = 0;
let fieldCache: { version: number; data: unknown; at: number; fields: FieldView[][]; urls: string[][] } | null = null;
let accuracyCache: { version: number; data: unknown; at: number; value: { train: number | null; test: number | null } } | null = null;

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
  // NOTE: the seed network's weights also carry the notebook's names (w41 = W2[0][0]).
  const notebookName = (r: ParamSelector): string | null => (r.kind === 'weight' && app.data.kind === 'seed' ? notebookWeightName(sizes, r.layer, r.row!, r.col!) : null);
  const paramView = (r: ParamSelector, value: number): ParamView => {
    const nb = notebookName(r);
    return { id: paramId(r), value, title: `${t(r.kind)} ${nb !== null ? `${nb} = ` : ''}${paramId(r)} = ${formatNumber(value)}` };
  };
  const dense = denseLayers(app.model);
  const weights: ParamView[][][] = dense.map((layer, l) =>
    Array.from({ length: layer.units }, (_, r) => Array.from({ length: layer.inputs }, (_, c) => paramView({ kind: 'weight', layer: l + 1, row: r, col: c }, layer.weight.data[r * layer.inputs + c]!))));
  const biases: ParamView[][] = dense.map((layer, l) => Array.from(layer.bias.data, (value, r) => paramView({ kind: 'bias', layer: l + 1, row: r, col: null }, value)));

  // Heatmaps (2-D data)
  const plane = app.data.domain !== null;
  // NOTE: while playing, the heatmaps are recomputed at most every 100 ms (PNG-encoding them is the costly part).
  const now = performance.now();
  if (plane && (fieldCache === null || fieldCache.data !== app.data || (fieldCache.version !== app.version && (!app.playing || now - fieldCache.at > 100)))) {
    const fields = neuronFields(app.model, app.data);
    fieldCache = { version: app.version, data: app.data, at: now, fields, urls: fields.map((layer) => layer.map(fieldToDataUrl)) };
  }

  // Nodes: a neuron shows its block's output a (after batch norm, the activation and dropout) and its dense layer's δ = ∂E/∂z.
  const pass = app.pass;
  const blockList = blocks(app.model);
  const nodes: NodeView[] = [];
  let id = 1;
  sizes.forEach((n, layer) => {
    const block = layer === 0 ? null : blockList[layer - 1]!;
    const mask = block?.dropout && pass !== null ? app.passMasks.get(block.end) ?? null : null;
    for (let j = 0; j < n; j++) {
      let a: number | null = null;
      let delta: number | null = null;
      if (pass !== null) {
        a = block === null ? pass.x.data[j]! : pass.layers[block.end]!.a.data[j]!;
        if (block !== null && pass.backwardDone) delta = pass.layers[block.dense]!.z.grad?.data[j] ?? null;
      } else if (layer === 0 && app.data.kind === 'seed') {
        a = app.data.train.x[j]!;
      }
      const heat = plane && layer > 0 ? fieldCache!.urls[layer - 1]![j]! : null;
      const target = layer === L && app.data.kind === 'seed' ? app.data.train.y[j]! : null;
      // NOTE: the diagram shows the batch's first sample: a unit dropped for it is crossed out.
      nodes.push({ layer, index: j, id: id++, a, delta, target, heat, ...(mask !== null && mask[j] === 0 && { dropped: true }) });
    }
  });
  const titles = sizes.map((_, l) => (l === 0 ? t('input') : l === L ? t('outputLayer') : t('hidden', { n: l })));
  const view: NetworkView = {
    sizes, layerTitles: titles, nodes, weights, biases, selected: app.state.selected,
    deltaFrom: app.deltaFrom, flowing: app.flowing, ariaLabel: t('diagramLabel'),
    bands: blockList.flatMap((b, l) => (b.batchNorm === null && b.dropout === null ? [] : [{
      layer: l + 1,
      batchNorm: b.batchNorm === null ? null : t('bnBand'),
      dropout: b.dropout === null ? null : { p: b.dropout.p, title: t('dropBand', { p: b.dropout.p }) },
    }])),
    droppedTitle: t('dropped'),
  };
  renderHealthParts(app, view);
  renderNetwork($('diagram'), view, { select: (pid) => app.select(pid), drag: (pid, v) => app.edit(pid, v) });
  // NOTE: while playing, the tables (up to a few hundred buttons) are redrawn at most 4 times a second.
  if (!app.playing || now - paramsDrawnAt > 250) {
    paramsDrawnAt = now;
    renderParams($('param-tables'), weights, biases, app.state.selected, (pid) => app.select(pid), (l) => `W${l}, b${l}`);
  }

  // Metrics
  const last = app.state.history[app.state.history.length - 1];
  const cost = pass?.cost ?? app.lastUpdate?.costBefore ?? null;
  $('cost').textContent = cost === null ? '–' : formatNumber(cost);
  $('cost-after').textContent = app.lastUpdate === null ? '–' : formatNumber(app.lastUpdate.costAfter);
  $('train-loss').textContent = last ? formatNumber(last.train) : '–';
  const noTest = app.data.test.rows === 0;
  $('test-loss').textContent = last && !noTest ? formatNumber(last.test) : '–';
  $('test-loss').title = noTest ? t('noTestSet') : '';
  // NOTE: like the heatmaps, recomputed at most every 100 ms while playing.
  if (accuracyCache === null || accuracyCache.data !== app.data || (accuracyCache.version !== app.version && (!app.playing || now - accuracyCache.at > 100))) {
    const m = measure(app.model, app.data);
    accuracyCache = { version: app.version, data: app.data, at: now, value: { train: m.train.classification?.accuracy ?? null, test: m.test?.classification?.accuracy ?? null } };
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
    const push = (ds: Dataset, test: boolean): void => {
      for (let i = 0; i < ds.rows; i++) points.push({ x: ds.x[i * d.inputs]!, y: ds.x[i * d.inputs + 1]!, label: ds.labels ? ds.labels[i]! : Math.tanh(ds.y[i * d.outputs]!), test });
    };
    push(d.train, false);
    push(d.test, true);
    renderBoundary($<HTMLCanvasElement>('boundary-field'), $<HTMLCanvasElement>('boundary-points'), decisionField(fieldCache!.fields), d.domain!, points, d.classes, d);
  }
  renderChart($('chart'), app.state.history, { title: t('lossCurveLabel'), train: t('trainLoss'), test: noTest ? null : t('testLoss'), step: t('stepCount') });

  // Ledger
  const sel = app.state.selected;
  const ref = sel === null ? null : paramAt(sel, sizes);
  const valid = ref !== null;
  const u = app.lastUpdate;
  const haveGradients = valid && pass !== null && pass.backwardDone;
  if (haveGradients) app.requestLedger(sel!);
  const pick = (w: { W: number[][]; b: number[] }[], r: ParamSelector): number => (r.kind === 'weight' ? w[r.layer - 1]!.W[r.row!]![r.col!]! : w[r.layer - 1]!.b[r.row!]!);
  const nb = valid ? notebookName(ref) : null;
  renderLedger($('ledger-body'), {
    selected: valid ? sel : null,
    displayName: nb ?? sel ?? '',
    value: valid ? pick(app.state.weights!, ref) : null,
    haveGradients,
    grad: haveGradients ? (app.ledger?.value?.params.find((q) => q.id === sel)?.grad ?? null) : null,
    body: haveGradients ? app.ledgerHtml() : null,
    css: app.ledgerCss(),
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
  const header = csv ? csvColumns(csv.text) : [];
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
  fillSelect($<HTMLSelectElement>('loss'), LOSSES.map((l) => [l, lossLabel(l, t)]), s.loss, (l) => !lossFits(app.data, l as LossName));
  setValue('optimizer', s.optimizer);
  setValue('lr', String(s.lr));
  setValue('batch', String(s.batch));
  $<HTMLInputElement>('batch').disabled = seed;
  setValue('l2', String(s.l2));
  setValue('l1', String(s.l1));
  setValue('l2-penalty', String(s.l2Penalty));
  // NOTE: the seed notebook's network stays its 3-2-2 dense layers (and batch norm needs batches of two rows or more).
  const bn = $<HTMLInputElement>('batch-norm');
  bn.checked = !seed && s.batchNorm;
  bn.disabled = seed;
  setValue('dropout', String(seed ? 0 : s.dropout));
  $<HTMLInputElement>('dropout').disabled = seed;
  setValue('seed', String(s.seed));
  const speedIdx = SPEEDS.reduce((best, v, i) => (Math.abs(v - s.speed) < Math.abs(SPEEDS[best]! - s.speed) ? i : best), 0);
  setValue('speed', String(speedIdx));
  $('speed-out').textContent = String(SPEEDS[speedIdx]);
  $('speed').setAttribute('aria-valuetext', `${SPEEDS[speedIdx]}`);
}

/** A cost function's name in the menu: the page's words, or the library's formula for a loss the page has no words for. */
function lossLabel(loss: LossName, t: (key: MessageKey) => string): string {
  const key = `loss.${loss}`;
  return hasMessage(key) ? t(key) : `${loss}: ${LOSS_FORMULAS[loss]}`;
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

/** 96.5 % */
function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
