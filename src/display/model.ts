import type { Lang } from '../explain/locales/index.js';
import type { Sequential } from '../nn/sequential.js';
import { htmlTable, textTable } from './html.js';
import { t } from './locales/index.js';
import { networkSvg, type NetworkViewOptions } from './network.js';
import type { MediaBundle } from './protocol.js';

/** One row of {@link modelSummary}: a layer as Keras's `model.summary()` lists it. */
export interface LayerSummary {
  /** Position from 1. */
  index: number;
  /** `dense 3 → 2`. */
  layer: string;
  /** `N × 2`: N samples, the layer's outputs each. */
  shape: string;
  parameters: number;
  /** The activation the layer ends with, or `—`. */
  activation: string;
}

/**
 * The layers of a model, one row each, and the total number of parameters.
 *
 * @example
 * ```ts
 * modelSummary(seedNetwork()).rows.map((r) => r.parameters);   // [8, 6]; total 14
 * ```
 */
export function modelSummary(model: Sequential): { rows: LayerSummary[]; total: number } {
  const rows = model.layers.map((layer, i) => ({
    index: i + 1,
    layer: `${layer.kind} ${layer.inputSize} → ${layer.outputSize}`,
    shape: `N × ${layer.outputSize}`,
    parameters: layer.parameterCount(),
    activation: layer.endsWith ?? '—',
  }));
  return { rows, total: model.parameterCount() };
}

/**
 * What a model shows in a notebook: the network drawn ({@link networkSvg}) above its summary
 * table (layer, output shape, parameters, activation); as text, the summary alone.
 *
 * @example
 * ```ts
 * modelBundle(seedNetwork(), { lang: 'ko' })['text/plain'];   // '신경망 3-2-2 · 매개변수 14개 · float64\n…'
 * ```
 */
export function modelBundle(model: Sequential, options: NetworkViewOptions & { lang?: Lang } = {}): MediaBundle {
  const lang = options.lang ?? 'en';
  const { rows, total } = modelSummary(model);
  const line = t(lang, 'modelLine', { sizes: model.sizes.join('-'), params: total.toLocaleString('en-US'), dtype: model.dtype });
  const head = ['#', t(lang, 'colLayer'), t(lang, 'colShape'), t(lang, 'colParams'), t(lang, 'colActivation')];
  const numeric = [true, false, false, true, false];
  const cells = rows.map((r) => [String(r.index), r.layer, r.shape, r.parameters.toLocaleString('en-US'), r.activation]);
  const totalRow = ['', t(lang, 'total'), '', total.toLocaleString('en-US'), ''];
  const html = `<div class="bp-model">${networkSvg(model, options)}${htmlTable(head, [...cells, totalRow], { numeric, caption: line })}</div>`;
  return { 'text/plain': `${line}\n${textTable(head, [...cells, totalRow], numeric)}`, 'text/html': html };
}
