import { BackpropError, isLayerKind, parseModelFile, toModelFile, type Dense, type Sequential } from 'backprop';
import type { PlayData } from './data.js';
import { layerSizes, readWeights } from './net.js';
import { HIDDEN_ACTIVATIONS, MAX_LAYERS, MAX_NEURONS, type LayerWeights, type Settings } from './state.js';

/** The model file (the CLI's format, JSON) of the playground's network. */
export function modelFileText(model: Sequential<Dense>, data: PlayData): string {
  return JSON.stringify(toModelFile(model, data.loss), null, 1);
}

/**
 * Reads a model file for the current data: the settings it implies (hidden sizes, activation,
 * cost function) and its weights. Throws a {@link BackpropError} naming what does not fit: the
 * data's inputs and outputs, the data's output activation, one activation for all hidden layers,
 * at most MAX_LAYERS hidden layers of at most MAX_NEURONS neurons (the seed preset: exactly 3-2-2).
 */
export function readModelFile(text: string, settings: Settings, data: PlayData): { settings: Settings; weights: LayerWeights[] } {
  const { model: loaded, loss } = parseModelFile(JSON.parse(text), 'model file');
  const fail = (msg: string): never => {
    throw new BackpropError('model-file', `model file: ${msg}`);
  };
  const other = loaded.layers.findIndex((l) => !isLayerKind(l, 'dense'));
  if (other >= 0) fail(`the playground draws dense layers only; layer ${other} is ${loaded.layers[other]!.describe()}`);
  const model = loaded as Sequential<Dense>;
  const sizes = model.sizes;
  const want = layerSizes(settings, data);
  if (sizes[0] !== want[0] || sizes[sizes.length - 1] !== want[want.length - 1]) {
    fail(`the model maps ${sizes[0]} inputs to ${sizes[sizes.length - 1]} outputs, but the data has ${want[0]} inputs and ${want[want.length - 1]} outputs`);
  }
  const hidden = sizes.slice(1, -1);
  if (data.kind === 'seed' && hidden.join() !== '2') fail(`the seed preset is 3-2-2, the model is ${sizes.join('-')}`);
  if (hidden.length < 1 || hidden.length > MAX_LAYERS || hidden.some((n) => n > MAX_NEURONS)) {
    fail(`the playground draws 1 to ${MAX_LAYERS} hidden layers of at most ${MAX_NEURONS} neurons, the model is ${sizes.join('-')}`);
  }
  const acts = model.layers.map((l) => l.activation);
  const out = acts[acts.length - 1]!;
  if (out !== data.outputActivation) fail(`the output activation is ${out}, but this data needs ${data.outputActivation}`);
  const act = acts[0]!;
  if (!acts.slice(0, -1).every((a) => a === act) || !HIDDEN_ACTIVATIONS.includes(act)) {
    fail(`the playground uses one hidden activation (one of ${HIDDEN_ACTIVATIONS.join(', ')}), the model has ${acts.slice(0, -1).join(', ')}`);
  }
  const next: Settings = { ...settings, loss };
  if (data.kind !== 'seed') Object.assign(next, { hidden, activation: act });
  return { settings: next, weights: readWeights(model) };
}
