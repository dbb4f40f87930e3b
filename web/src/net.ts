import {
  createOptimizer, Dense, evaluate, parseParamName, seedNetwork, seedStream, Sequential,
  type ActivationName, type Dataset, type Metrics, type Optimizer, type OptimizerState, type ParamSelector,
} from 'backprop';
import type { PlayData } from './data.js';
import type { HistoryPoint, LayerWeights, Settings } from './state.js';

/** Layer sizes, inputs first: [3, 2, 2] for the seed network. */
export function layerSizes(settings: Settings, data: PlayData): number[] {
  const hidden = data.kind === 'seed' ? [2] : settings.hidden;
  return [data.inputs, ...hidden, data.outputs];
}

/** The activation of each dense layer (hidden ones from the settings, the output from the data). */
export function layerActivations(settings: Settings, data: PlayData): ActivationName[] {
  const sizes = layerSizes(settings, data);
  const hidden: ActivationName = data.kind === 'seed' ? 'sigmoid' : settings.activation;
  return sizes.slice(1).map((_, i) => (i === sizes.length - 2 ? data.outputActivation : hidden));
}

/** True when `weights` have exactly the shapes of a network with `sizes`. */
export function weightsFit(weights: LayerWeights[] | null, sizes: number[]): weights is LayerWeights[] {
  if (weights === null || weights.length !== sizes.length - 1) return false;
  return weights.every((l, i) => l.b.length === sizes[i + 1] && l.W.length === sizes[i + 1] && l.W.every((r) => r.length === sizes[i] && r.every(Number.isFinite)) && l.b.every(Number.isFinite));
}

/**
 * The network for `settings`: from `weights` when they fit, else the seed notebook's weights
 * (seed preset) or fresh weights drawn as `backprop train --layers … --seed S` draws them
 * (`Sequential.mlp` with the library's seed stream 1 and its default initializers).
 */
export function buildModel(settings: Settings, data: PlayData, weights: LayerWeights[] | null): Sequential<Dense> {
  const sizes = layerSizes(settings, data);
  const acts = layerActivations(settings, data);
  if (weightsFit(weights, sizes)) {
    return new Sequential(weights.map((l, i) => Dense.fromWeights(l.W.map((r) => [...r]), [...l.b], acts[i]!)));
  }
  if (data.kind === 'seed') return seedNetwork();
  return Sequential.mlp(sizes, { activation: acts[0]!, output: data.outputActivation, rng: seedStream(settings.seed, 1) });
}

/** The id of one weight or bias as the page writes it: `W2[0][0]` (layer from 1, row, column) or `b1[1]`. */
export function paramId(p: ParamSelector): string {
  return p.kind === 'weight' ? `W${p.layer}[${p.row}][${p.col}]` : `b${p.layer}[${p.row}]`;
}

/**
 * The weight or bias that `id` (written as {@link paramId} writes it) names in a network of
 * `sizes`, read by the library's `parseParamName`; null for anything else (a whole matrix, another
 * spelling, a parameter outside the network) — e.g. a selection from a hand-edited link.
 */
export function paramAt(id: string, sizes: readonly number[]): ParamSelector | null {
  try {
    const p = parseParamName(id, sizes);
    return p.row !== null && paramId(p) === id ? p : null;
  } catch {
    return null;
  }
}

/** The model's weights as plain nested arrays (W outputs × inputs). */
export function readWeights(model: Sequential<Dense>): LayerWeights[] {
  return model.layers.map((l) => ({ W: l.weight.to2D(), b: Array.from(l.bias.data) }));
}

/** Copies plain weights into the model's tensors (shapes must fit). */
export function writeWeights(model: Sequential<Dense>, weights: LayerWeights[]): void {
  model.layers.forEach((l, i) => {
    const { W, b } = weights[i]!;
    W.forEach((row, r) => l.weight.data.set(row, r * row.length));
    l.bias.data.set(b);
  });
}

/** The optimizer of `settings` over the model's parameters, resuming from `state` when it matches. */
export function buildOptimizer(settings: Settings, model: Sequential, state: OptimizerState | null): Optimizer {
  const opt = createOptimizer(settings.optimizer, model.parameters(), { lr: settings.lr, weightDecay: settings.l2 > 0 ? settings.l2 : undefined });
  if (state !== null && state.name === settings.optimizer) {
    try {
      opt.loadStateDict({ ...state, lr: settings.lr });
    } catch {
      // NOTE: a snapshot of another network shape is dropped; the optimizer starts afresh.
    }
  }
  return opt;
}

/** The library's measurements (`evaluate`: loss, and accuracy for classes) on the training and the test rows; null for no rows. */
export function measure(model: Sequential, data: PlayData): { train: Metrics; test: Metrics | null } {
  const at = (ds: Dataset): Metrics | null => (ds.rows === 0 ? null : evaluate(model, data.loss, ds));
  return { train: at(data.train)!, test: at(data.test) };
}

/** The loss curve's point of step `step`: the loss over the whole training and test sets (NaN without a test set). */
export function lossPoint(model: Sequential, data: PlayData, step: number): HistoryPoint {
  const m = measure(model, data);
  return { step, train: m.train.loss, test: m.test?.loss ?? NaN };
}
