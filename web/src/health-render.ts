import type { App } from './app.js';
import { healthTr } from './health-i18n.js';
import { denseLayerOf } from './net.js';
import { presetOf } from './presets.js';
import { renderHealth } from './views/health.js';
import type { NetworkView } from './views/network.js';
import './views/health.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * The training-health parts of the page, from the app's state: the dead or saturated neurons
 * greyed and the layers where gradients vanish marked on the diagram (written into `view` before
 * it is drawn), the health panel, and the preset's note under the dataset menu.
 */
export function renderHealthParts(app: App, view: NetworkView): void {
  const lang = app.state.settings.lang;
  const health = app.health;
  // NOTE: the checks number the network's layers (batch norm, activation and dropout included); the diagram draws dense layers.
  const denseLayer = (index: number): number => denseLayerOf(app.model, index);
  if (health !== null) {
    const stuck = new Map(health.check.layers.map((l) => [denseLayer(l.index), new Set(l.stuckUnits)]));
    for (const n of view.nodes) if (n.layer > 0 && stuck.get(n.layer)?.has(n.index)) n.stuck = true;
    view.warnLayers = health.diagnoses.filter((d) => d.code === 'vanishing-gradients').flatMap((d) => d.layers.map(denseLayer));
    view.marks = { stuck: healthTr(lang, 'stuckNode'), vanishing: healthTr(lang, 'vanishingMark') };
  }
  $('health-h').textContent = healthTr(lang, 'healthTitle');
  $('health-intro').textContent = healthTr(lang, 'healthIntro');
  renderHealth($('health-body'), health, lang, { showLedger: (id) => app.showLedger(id), denseLayer });
  const s = app.state.settings;
  const preset = presetOf(s);
  const note = $('preset-note');
  note.hidden = preset === null;
  if (preset !== null) {
    const opt = { sgd: 'SGD', rmsprop: 'RMSprop', adam: 'Adam', adamw: 'AdamW' }[s.optimizer];
    const net = [app.data.inputs, ...(s.dataset === 'seed' ? [2] : s.hidden), app.data.outputs].join('-');
    note.textContent = s.dataset === 'seed'
      ? healthTr(lang, 'presetNoteSeed', { lr: s.lr, target: preset.target, steps: preset.steps })
      : healthTr(lang, 'presetNote', { net, act: s.activation, opt, lr: s.lr, batch: s.batch, target: preset.target, steps: preset.steps.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US') });
  }
}
