import {
  createOptimizer, Dense, modelLoss, noGrad, predictLabels, seedNetwork, Sequential, Tensor,
  type ActivationName, type Optimizer, type OptimizerState,
} from 'backprop';
import { batchRows, gather, rngFor, type PlayData } from './data.js';
import type { LayerWeights, Settings } from './state.js';

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
 * (seed preset) or fresh weights drawn from the seeded generator.
 */
export function buildModel(settings: Settings, data: PlayData, weights: LayerWeights[] | null): Sequential<Dense> {
  const sizes = layerSizes(settings, data);
  const acts = layerActivations(settings, data);
  if (weightsFit(weights, sizes)) {
    return new Sequential(weights.map((l, i) => Dense.fromWeights(l.W.map((r) => [...r]), [...l.b], acts[i]!)));
  }
  if (data.kind === 'seed') return seedNetwork();
  const rng = rngFor(settings.seed, 'init');
  return new Sequential(sizes.slice(1).map((units, i) => Dense.create({ inputs: sizes[i]!, units, activation: acts[i]!, rng })));
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

/** x and t of the rows used by training step `step`, as tensors. */
export function stepBatch(data: PlayData, settings: Settings, step: number): { rows: Int32Array; x: Tensor; t: Tensor } {
  const rows = batchRows(step, data.nTrain, settings.batch, settings.seed);
  return {
    rows,
    x: new Tensor(gather(data.xTrain, data.inputs, rows), [rows.length, data.inputs]),
    t: new Tensor(gather(data.tTrain, data.outputs, rows), [rows.length, data.outputs]),
  };
}

/** One training step: the batch of `step`, E, backward, the optimizer's update. Returns E before the update. */
export function trainStep(model: Sequential<Dense>, opt: Optimizer, data: PlayData, settings: Settings, step: number): number {
  const { x, t } = stepBatch(data, settings, step);
  opt.zeroGrad();
  const E = modelLoss(model, data.loss, x, t);
  const value = E.item();
  E.backward();
  opt.step();
  return value;
}

/**
 * The share of rows whose predicted class (the library's `predictLabels`: the largest output, or
 * one output above ½) is the true one, on the training and the test set; null for regression or
 * an empty set.
 */
export function accuracy(model: Sequential, data: PlayData): { train: number | null; test: number | null } {
  const at = (x: Float64Array, labels: Int32Array | null, n: number): number | null => {
    if (data.classes === 0 || labels === null || n === 0) return null;
    const y = noGrad(() => model.forward(new Tensor(x, [n, data.inputs])));
    const predicted = predictLabels(y.data, n, data.outputs, data.outputs === 1 ? 'binary' : 'onehot');
    let right = 0;
    for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) right++;
    return right / n;
  };
  return { train: at(data.xTrain, data.labelsTrain, data.nTrain), test: at(data.xTest, data.labelsTest, data.nTest) };
}

/** The loss over the whole training and test sets, without recording a graph. */
export function evaluate(model: Sequential<Dense>, data: PlayData): { train: number; test: number } {
  const at = (x: Float64Array, t: Float64Array, n: number): number =>
    n === 0 ? NaN : noGrad(() => modelLoss(model, data.loss, new Tensor(x, [n, data.inputs]), new Tensor(t, [n, data.outputs])).item());
  return { train: at(data.xTrain, data.tTrain, data.nTrain), test: at(data.xTest, data.tTest, data.nTest) };
}
