import {
  BatchNorm1d, createOptimizer, Dense, Dropout, evaluate, parseParamName, seedNetwork, seedStream, Sequential,
  type ActivationName, type AnyLayer, type Dataset, type Metrics, type Optimizer, type OptimizerState, type ParamSelector, type Penalty, type Tensor,
} from 'backprop';
import type { PlayData } from './data.js';
import type { HistoryPoint, LayerState, LayerWeights, Settings } from './state.js';

/** The playground's network: dense layers, with batch norm, activation and dropout layers between them when the settings ask. */
export type PlayModel = Sequential<AnyLayer>;

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

/** What `settings` put around each hidden dense layer (the seed notebook's network: nothing). */
export function blockOptions(settings: Settings, data: PlayData): { batchNorm?: true; dropout?: number } {
  if (data.kind === 'seed') return {};
  return { ...(settings.batchNorm && { batchNorm: true }), ...(settings.dropout > 0 && { dropout: settings.dropout }) };
}

/** The L1/L2 penalty of `settings` (as `--l1 X --l2 X`), or undefined without one. */
export function penaltyOf(settings: Settings): Penalty | undefined {
  return settings.l1 > 0 || settings.l2Penalty > 0 ? { ...(settings.l1 > 0 && { l1: settings.l1 }), ...(settings.l2Penalty > 0 && { l2: settings.l2Penalty }) } : undefined;
}

/**
 * The network for `settings`: the seed notebook's (seed preset) or one built as
 * `backprop train --layers … --seed S [--batch-norm] [--dropout P]` builds it (`Sequential.mlp`
 * with the library's seed stream 1 and its default initializers), then given `weights` and the
 * other layers' numbers `layers` when they fit (each separately: what does not fit stays fresh).
 */
export function buildModel(settings: Settings, data: PlayData, weights: LayerWeights[] | null, layers: LayerState | null = null): PlayModel {
  const sizes = layerSizes(settings, data);
  const acts = layerActivations(settings, data);
  const model: PlayModel = data.kind === 'seed'
    ? seedNetwork()
    : Sequential.mlp(sizes, { activation: acts[0]!, output: data.outputActivation, rng: seedStream(settings.seed, 1), ...blockOptions(settings, data) });
  if (weightsFit(weights, sizes)) writeWeights(model, weights);
  if (layers !== null) writeLayerState(model, layers);
  return model;
}

/** The dense layers of the network, in order (dense layer l, from 1, is entry l − 1). */
export function denseLayers(model: PlayModel): Dense[] {
  return model.layers.filter((l): l is Dense => l instanceof Dense);
}

/** A dense layer with what follows it up to the next one: where its z and its block's output are, and its batch norm and dropout. */
export interface Block {
  /** Index in the Sequential of the dense layer (its z) and of the block's last layer (its output a). */
  dense: number;
  end: number;
  batchNorm: BatchNorm1d | null;
  dropout: Dropout | null;
}

/** The blocks of the network, one per dense layer, in order (dense layer l, from 1, is entry l − 1). */
export function blocks(model: PlayModel): Block[] {
  const out: Block[] = [];
  model.layers.forEach((l, i) => {
    if (l instanceof Dense) out.push({ dense: i, end: i, batchNorm: null, dropout: null });
    else {
      const b = out[out.length - 1]!;
      b.end = i;
      if (l instanceof BatchNorm1d) b.batchNorm = l;
      if (l instanceof Dropout) b.dropout = l;
    }
  });
  return out;
}

/** The dense layer (from 1) whose block holds the network's layer `index` (from 0): the dense layers up to it, counted. */
export function denseLayerOf(model: PlayModel, index: number): number {
  return model.layers.slice(0, index + 1).filter((l) => l instanceof Dense).length;
}

/** The parameters and buffers of the layers other than the dense ones, in state-dict order. */
function otherTensors(model: PlayModel): Tensor[] {
  return model.stateDict().filter(([name]) => !(model.layers[Number(name.split('.')[0])] instanceof Dense)).map(([, t]) => t);
}

/** The numbers of the network's other layers (see {@link LayerState}); null for dense layers only. */
export function readLayerState(model: PlayModel): LayerState | null {
  const tensors = otherTensors(model);
  const gens = model.namedGenerators();
  if (tensors.length === 0 && gens.length === 0) return null;
  return { values: tensors.flatMap((t) => Array.from(t.data)), rng: gens.flatMap(([, g]) => g.getState()) };
}

/**
 * Puts `state` into the network's other layers when it fits them (as many numbers, finite; valid
 * generator states); returns whether it did (otherwise nothing is changed).
 */
export function writeLayerState(model: PlayModel, state: LayerState): boolean {
  const tensors = otherTensors(model);
  const gens = model.namedGenerators();
  const size = tensors.reduce((n, t) => n + t.size, 0);
  const words = state.rng;
  const rngOk = words.length === 4 * gens.length && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
    && gens.every((_, i) => words.slice(4 * i, 4 * i + 4).some((w) => w !== 0));
  if (state.values.length !== size || !state.values.every(Number.isFinite) || !rngOk) return false;
  let k = 0;
  for (const t of tensors) {
    t.data.set(state.values.slice(k, k + t.size));
    k += t.size;
  }
  gens.forEach(([, g], i) => g.setState(words.slice(4 * i, 4 * i + 4)));
  return true;
}

/** The dropout layers' masks of their latest training forward (index in the Sequential → mask), for replaying them. */
export function lastMasks(model: PlayModel): Map<number, Uint8Array> {
  return new Map(model.layers.flatMap((l, i) => (l instanceof Dropout && l.lastMask !== null ? [[i, l.lastMask] as const] : [])));
}

/** Runs `fn` with the dropout layers replaying `masks` (what {@link lastMasks} read), then drawing again. */
export function withMasks<T>(model: PlayModel, masks: ReadonlyMap<number, Uint8Array>, fn: () => T): T {
  for (const [i, m] of masks) (model.layers[i] as Dropout).setMask(m);
  try {
    return fn();
  } finally {
    for (const i of masks.keys()) (model.layers[i] as Dropout).setMask(null);
  }
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
export function readWeights(model: PlayModel): LayerWeights[] {
  return denseLayers(model).map((l) => ({ W: l.weight.to2D(), b: Array.from(l.bias.data) }));
}

/** Copies plain weights into the model's tensors (shapes must fit). */
export function writeWeights(model: PlayModel, weights: LayerWeights[]): void {
  denseLayers(model).forEach((l, i) => {
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
