import { Activation, BackpropError, BatchNorm1d, Dense, Dropout, parseModelFile, preprocessingOf, toModelFile } from 'backprop';
import type { PlayData } from './data.js';
import { buildModel, layerSizes, readLayerState, readWeights, type PlayModel } from './net.js';
import { HIDDEN_ACTIVATIONS, MAX_LAYERS, MAX_NEURONS, type LayerState, type LayerWeights, type Settings } from './state.js';

/**
 * The model file (the CLI's format, JSON) of the playground's network — batch norm (γ, β, running
 * statistics), activation and dropout layers included — with the preprocessing `backprop train`
 * saves for the same data: a CSV's input standardiser (fitted on the training rows), the names of
 * its features, classes and target column — so `npx backprop predict` on raw inputs gives the
 * outputs the page computes from its scaled ones.
 */
export function modelFileText(model: PlayModel, data: PlayData): string {
  return JSON.stringify(toModelFile(model, data.loss, preprocessingOf(data.train, data.scaler ?? undefined)), null, 1);
}

/**
 * Reads a model file for the current data: the settings it implies (hidden sizes, activation,
 * batch norm, dropout p, cost function), its weights and its other layers' numbers. Throws a
 * {@link BackpropError} naming what does not fit: the data's inputs and outputs, the data's output
 * activation, one activation for all hidden layers, at most MAX_LAYERS hidden layers of at most
 * MAX_NEURONS neurons (the seed preset: exactly 3-2-2, dense layers only), and layers the
 * playground builds (`Sequential.mlp`'s blocks: dense → batch norm → activation → dropout).
 */
export function readModelFile(text: string, settings: Settings, data: PlayData): { settings: Settings; weights: LayerWeights[]; layers: LayerState | null } {
  const { model: loaded, loss } = parseModelFile(JSON.parse(text), 'model file');
  const fail = (msg: string): never => {
    throw new BackpropError('model-file', `model file: ${msg}`);
  };
  const sizes = loaded.sizes;
  const want = layerSizes(settings, data);
  if (sizes[0] !== want[0] || sizes[sizes.length - 1] !== want[want.length - 1]) {
    fail(`the model maps ${sizes[0]} inputs to ${sizes[sizes.length - 1]} outputs, but the data has ${want[0]} inputs and ${want[want.length - 1]} outputs`);
  }
  const hidden = sizes.slice(1, -1);
  const layers = loaded.layers;
  const dense = layers.filter((l): l is Dense => l instanceof Dense);
  const batchNorm = layers.some((l) => l instanceof BatchNorm1d);
  const drops = layers.filter((l): l is Dropout => l instanceof Dropout);
  const dropout = drops[0]?.p ?? 0;
  if (data.kind === 'seed' && (hidden.join() !== '2' || dense.length !== layers.length)) fail(`the seed preset is 3-2-2 dense layers, the model is ${layers.map((l) => l.describe()).join(' → ')}`);
  if (hidden.length < 1 || hidden.length > MAX_LAYERS || hidden.some((n) => n > MAX_NEURONS)) {
    fail(`the playground draws 1 to ${MAX_LAYERS} hidden layers of at most ${MAX_NEURONS} neurons, the model is ${sizes.join('-')}`);
  }
  const out = dense[dense.length - 1]!.activation;
  if (out !== data.outputActivation) fail(`the output activation is ${out}, but this data needs ${data.outputActivation}`);
  // NOTE: a hidden block's activation is its dense layer's, or the Activation layer after its batch norm.
  const acts = batchNorm ? layers.filter((l): l is Activation => l instanceof Activation).map((l) => l.activation) : dense.slice(0, -1).map((l) => l.activation);
  const act = acts[0];
  if (act === undefined || !acts.every((a) => a === act) || !HIDDEN_ACTIVATIONS.includes(act)) {
    fail(`the playground uses one hidden activation (one of ${HIDDEN_ACTIVATIONS.join(', ')}), the model has ${acts.join(', ') || 'none'}`);
  }
  const next: Settings = { ...settings, loss };
  if (data.kind !== 'seed') Object.assign(next, { hidden, activation: act, batchNorm, dropout });
  // NOTE: the network the page builds for those settings must be the file's, layer for layer; its dropout generators start from the seed.
  const model = buildModel(next, data, null);
  const shape = (m: { layers: readonly { describe(): string }[] }): string => m.layers.map((l) => l.describe()).join(' → ');
  if (shape(model) !== shape(loaded)) fail(`the playground builds ${shape(model)} for these settings, the model is ${shape(loaded)}`);
  model.copyFrom(loaded);
  return { settings: next, weights: readWeights(model), layers: readLayerState(model) };
}
