import type { Dataset } from '../data/dataset.js';
import { BackpropError } from '../errors.js';
import type { LedgerSection } from '../explain/render/blocks.js';
import { checkLang, type Lang } from '../explain/locales/index.js';
import { Sequential } from '../nn/sequential.js';
import { Tensor } from '../tensor/tensor.js';
import { History } from '../train/history.js';
import type { ClassificationMetrics, Metrics } from '../train/metrics.js';
import { datasetBundle, type DatasetViewOptions } from './dataset.js';
import { historyBundle } from './history.js';
import { showBundle } from './jupyter.js';
import { metricsBundle } from './metrics.js';
import { modelBundle } from './model.js';
import type { NetworkViewOptions } from './network.js';
import { JUPYTER_DISPLAY, type Displayable, type MediaBundle } from './protocol.js';
import { tensorBundle, type TensorViewOptions } from './tensor.js';

/**
 * Options of {@link view}; each applies to the kinds of object named.
 */
export interface ViewOptions extends TensorViewOptions, Omit<NetworkViewOptions, 'lang'>, Omit<DatasetViewOptions, 'lang'> {
  /** The language of every label, `'en'` (default) or `'ko'`. */
  lang?: Lang;
  /** History: a title above the curves. */
  title?: string;
  /** Ledger: the sections shown (default all). */
  sections?: readonly LedgerSection[];
  /** Ledger: HTML (`renderHtml`, mathematics in plain notation) instead of Markdown with LaTeX. */
  html?: boolean;
}

/** A kind of object {@link view} knows, registered by the module that defines it. */
export interface Viewer {
  /** Whether `x` is of this kind. */
  test(x: unknown): boolean;
  bundle(x: unknown, options: ViewOptions & { lang: Lang }): MediaBundle;
}

const viewers: Viewer[] = [];

/**
 * Teaches {@link view} a kind of object from a higher floor of the library (the ledger, in
 * `backprop/explain`), so that the displays never import it.
 */
export function registerViewer(viewer: Viewer): void {
  viewers.push(viewer);
}

/**
 * What {@link view} returns: a fixed {@link MediaBundle} that shows itself in a notebook.
 *
 * @example
 * ```ts
 * const v = view(seedNetwork(), { lang: 'ko' });
 * v.bundle['text/html'];   // '<div class="bp-model"><svg …'
 * String(v);               // the text form: '신경망 3-2-2 · 매개변수 14개 · float64 …'
 * ```
 */
export class View implements Displayable {
  constructor(readonly bundle: MediaBundle) {}

  [JUPYTER_DISPLAY](): MediaBundle {
    return this.bundle;
  }

  /** The plain-text form. */
  toString(): string {
    return this.bundle['text/plain'];
  }

  /** Shows it now, as a display of its own in a notebook (several per cell), or on the console elsewhere. */
  show(): Promise<void> {
    return showBundle(this.bundle);
  }
}

/**
 * A backprop object as a notebook shows it, with options: the learner's language, a sample
 * written into a network diagram, the columns of a scatter plot, the sections of a ledger. Each
 * object also shows itself with the defaults (English) as the last value of a cell; `view` is for
 * the rest. Knows tensors, models (`Sequential`), training histories, datasets, metrics from
 * `evaluate` and, once `backprop/explain` is imported, ledgers and derivatives.
 *
 * @example
 * ```ts
 * view(model, { lang: 'ko', x: [[1, 2, 3]] });        // the network drawn with every neuron's value, in Korean
 * view(iris(), { features: [2, 3] });                 // a summary and petal length against width
 * await view(tensor([[1, 2]])).show();                // shown now, before the cell ends
 * ```
 */
export function view(x: unknown, options: ViewOptions = {}): View {
  const o = { ...options, lang: checkLang(options.lang ?? 'en') };
  if (x instanceof Tensor) return new View(tensorBundle(x, o));
  if (x instanceof Sequential) return new View(modelBundle(x, o));
  if (x instanceof History) return new View(historyBundle(x, o));
  if (isDataset(x)) return new View(datasetBundle(x, o));
  if (isMetrics(x)) return new View(metricsBundle(x, o));
  for (const v of viewers) if (v.test(x)) return new View(v.bundle(x, o));
  if (typeof x === 'object' && x !== null && typeof (x as Partial<Displayable>)[JUPYTER_DISPLAY] === 'function') return new View((x as Displayable)[JUPYTER_DISPLAY]());
  throw new BackpropError('value', `view: cannot show ${describe(x)}; expected a Tensor, a Sequential, a History, a Dataset, metrics from evaluate() or a ledger from explain()`);
}

/**
 * Shows `x` now, as {@link view} draws it: in a notebook a display of its own (so a cell can show
 * several things, each under the cell that made it), elsewhere its text on the console.
 *
 * @example
 * ```ts
 * await show(seedNetwork(), { lang: 'ko' });   // the drawing and the table, in Korean
 * await show(tensor([[1, 2]]));
 * ```
 */
export function show(x: unknown, options: ViewOptions = {}): Promise<void> {
  return view(x, options).show();
}

function isDataset(x: unknown): x is Dataset {
  const d = x as Partial<Dataset> | null;
  return typeof d === 'object' && d !== null && (d.x instanceof Float64Array || d.x instanceof Float32Array) && (d.y instanceof Float64Array || d.y instanceof Float32Array) && typeof d.rows === 'number' && typeof d.inputSize === 'number';
}

function isMetrics(x: unknown): x is Metrics | ClassificationMetrics {
  const m = x as Partial<Metrics & ClassificationMetrics> | null;
  return typeof m === 'object' && m !== null && (Array.isArray(m.confusion) || (typeof m.loss === 'number' && typeof m.rows === 'number'));
}

function describe(x: unknown): string {
  if (x === null || typeof x !== 'object') return typeof x === 'string' ? 'a string' : String(x);
  const name = (x as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : `an object with keys ${Object.keys(x).slice(0, 5).join(', ') || '(none)'}`;
}
