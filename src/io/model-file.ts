import type { Dataset } from '../data/dataset.js';
import type { Scaler } from '../data/scale.js';
import { BackpropError } from '../errors.js';
import { suggest, type ActivationName } from '../nn/activations.js';
import type { InitializerName } from '../nn/init.js';
import type { Layer } from '../nn/layer.js';
import type { LayerKindName } from '../nn/layer-kinds.js';
import { checkLoss, LOSSES, type LossName } from '../nn/losses.js';
import { Sequential } from '../nn/sequential.js';
import { INLINE_PARAMETERS } from '../nn/size.js';
import type { DType } from '../tensor/dtype.js';
import { Rng } from '../tensor/rng.js';
import { describe, isPlainObject } from './json-checks.js';
import { codecOf, LAYER_CODECS, LAYER_KIND_NAMES } from './layers/index.js';
import { MAX_LAYERS, MAX_PARAMETERS } from './limits.js';

/**
 * One dense layer in a model file: either its weights, or its sizes (then drawn from the seed).
 * In memory, a large model's weights may be typed arrays (flat, row-major, with `inputs` and
 * `units` given): what {@link toModelFile} makes above INLINE_PARAMETERS parameters, and what a
 * document's weights file holds (tensor-json.ts).
 */
export interface DenseLayerFile {
  type: 'dense';
  activation: ActivationName;
  /** outputs × inputs (or, typed, the same numbers flat and row-major). */
  weights?: number[][] | Float64Array | Float32Array;
  /** one per output. */
  bias?: number[] | Float64Array | Float32Array;
  /** Inputs per sample, when weights are not given. */
  inputs?: number;
  /** Neurons, when weights are not given. */
  units?: number;
  /** Initializer when weights are not given (default by activation). */
  init?: InitializerName;
}

/** An activation as a layer of its own (after a normalisation): `{ "type": "activation", "activation": "relu" }`. */
export interface ActivationLayerFile {
  type: 'activation';
  activation: ActivationName;
  /** Only for a first layer (otherwise the width of the layer before). */
  features?: number;
}

/** Batch normalisation (PyTorch's `BatchNorm1d` names; every field optional, PyTorch's defaults). */
export interface BatchNormLayerFile {
  type: 'batch_norm';
  features?: number;
  eps?: number;
  /** null: a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  /** γ and β, one per feature. */
  weight?: number[];
  bias?: number[];
  running_mean?: number[];
  running_var?: number[];
  num_batches_tracked?: number;
}

/** Layer normalisation (PyTorch's `LayerNorm` names). */
export interface LayerNormLayerFile {
  type: 'layer_norm';
  features?: number;
  eps?: number;
  elementwise_affine?: boolean;
  weight?: number[];
  bias?: number[];
}

/** Dropout: `{ "type": "dropout", "p": 0.2 }`. */
export interface DropoutLayerFile {
  type: 'dropout';
  p?: number;
  features?: number;
}

/** Saved statistics of a scaler, applied to raw inputs (or targets) before the network. */
export interface ScalerFile {
  type: 'standardize' | 'minmax';
  [key: string]: unknown;
}

/** Preprocessing carried by a model so that `predict` takes raw inputs. */
export interface PreprocessingFile {
  inputs?: ScalerFile;
  targets?: ScalerFile;
  /** Names of the input columns (CSV data). */
  featureNames?: string[];
  /** Class names for classification outputs, in output order. */
  classNames?: string[];
  /** The column(s) the targets were read from (CSV data): what `eval` reads by default. */
  targetColumns?: string[];
}

/**
 * The preprocessing a model trained on `data` carries: the input `scaler`'s statistics (fitted on
 * the training rows), the names of the data's features, classes and target columns — over what
 * `base` (a loaded model's) already holds; undefined when there is nothing to carry. What
 * `backprop train` and the playground save, so that `predict` takes raw inputs.
 *
 * @example
 * ```ts
 * const scaler = Standardizer.fit(train.x, train.inputSize);
 * toModelFile(model, 'cross_entropy', preprocessingOf(train, scaler));
 * // preprocessing: { inputs: { type: 'standardize', mean, std }, featureNames, classNames, targetColumns }
 * ```
 */
export function preprocessingOf(data: Pick<Dataset, 'featureNames' | 'classNames' | 'targetColumns'>, scaler?: Scaler, base?: PreprocessingFile): PreprocessingFile | undefined {
  const p: PreprocessingFile = { ...(base ?? {}) };
  if (scaler) p.inputs = { ...scaler.toJSON() };
  if (data.featureNames) p.featureNames = [...data.featureNames];
  if (data.classNames) p.classNames = [...data.classNames];
  if (data.targetColumns) p.targetColumns = [...data.targetColumns];
  return Object.keys(p).length > 0 ? p : undefined;
}

/**
 * The model file, version 1 (JSON). `weights` is outputs × inputs.
 *
 * ```json
 * { "format": "backprop-model", "version": 1, "dtype": "float64", "loss": "sse",
 *   "layers": [ { "type": "dense", "activation": "sigmoid",
 *                 "weights": [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], "bias": [0.5, 0.5] },
 *               { "type": "dense", "activation": "sigmoid",
 *                 "weights": [[0.7, 0.9], [0.8, 0.1]], "bias": [0.3, 0.3] } ] }
 * ```
 */
export interface ModelFile {
  format: 'backprop-model';
  version: 1;
  dtype: DType;
  loss: LossName;
  /** Seed for layers given by `inputs`/`units`. */
  seed?: number;
  layers: LayerFile[];
  preprocessing?: PreprocessingFile;
}

/** A model with the settings its file carries. */
export interface LoadedModel {
  model: Sequential;
  loss: LossName;
  preprocessing?: PreprocessingFile;
}

export { MAX_PARAMETERS } from './limits.js';

/** One layer of a model file: `{ "type": KIND, … }` with the kind's fields (see src/io/layers). */
export type LayerFile = DenseLayerFile | ActivationLayerFile | BatchNormLayerFile | LayerNormLayerFile | DropoutLayerFile;

function isLayerKindName(v: unknown): v is LayerKindName {
  return typeof v === 'string' && Object.hasOwn(LAYER_CODECS, v);
}

/**
 * Validates a parsed model file and builds the network. Every problem names its JSON path, e.g.
 * `layers[1].weights: expected 2 rows of 2 numbers, got 2×3`.
 *
 * @example
 * ```ts
 * const { model, loss } = parseModelFile(JSON.parse(text));
 * ```
 */
export function parseModelFile(json: unknown, source = 'model'): LoadedModel {
  const fail = (path: string, message: string): never => {
    throw new BackpropError('model-file', `${source}: ${path}: ${message}`);
  };
  if (!isPlainObject(json)) return fail('(top level)', `expected a JSON object, got ${describe(json)}`);
  const known = ['format', 'version', 'dtype', 'loss', 'seed', 'layers', 'preprocessing'];
  if (json.tensors !== undefined) {
    fail('tensors', `this model keeps its weights in ${describe(isPlainObject(json.tensors) ? json.tensors.file : json.tensors)} beside its JSON file; read it with loadModel(path) (backprop/node) or the CLI, which read both`);
  }
  for (const key of Object.keys(json)) {
    if (!known.includes(key)) fail(key, `unknown field; expected one of ${known.join(', ')}${suggest(key, known)}`);
  }
  if (json.format !== 'backprop-model') fail('format', `expected "backprop-model", got ${describe(json.format)}`);
  if (json.version !== 1) fail('version', `expected 1, got ${describe(json.version)}`);
  const dtype = json.dtype === undefined ? 'float64' : json.dtype;
  if (dtype !== 'float64' && dtype !== 'float32') fail('dtype', `expected "float64" or "float32", got ${describe(json.dtype)}`);
  const lossRaw = json.loss === undefined ? 'sse' : json.loss;
  if (typeof lossRaw !== 'string' || !(LOSSES as readonly string[]).includes(lossRaw)) {
    fail('loss', `expected one of ${LOSSES.join(', ')}, got ${describe(json.loss)}${suggest(lossRaw, LOSSES)}`);
  }
  const loss = checkLoss(lossRaw, 'loss');
  let seed = 0;
  if (json.seed !== undefined) {
    if (typeof json.seed !== 'number' || !Number.isInteger(json.seed) || json.seed < 0 || json.seed > 0xffffffff) {
      fail('seed', `expected an integer in [0, 2^32), got ${describe(json.seed)}`);
    }
    seed = json.seed as number;
  }
  if (!Array.isArray(json.layers) || json.layers.length === 0) fail('layers', `expected a non-empty array of layers, got ${describe(json.layers)}`);
  const layersJson = json.layers as unknown[];
  if (layersJson.length > MAX_LAYERS) fail('layers', `expected at most ${MAX_LAYERS} layers, got ${layersJson.length}`);
  // NOTE: a first pass adds up the declared sizes so that nothing is allocated for a model that is
  // refused as too large by a later layer.
  let declared = 0;
  layersJson.forEach((raw, i) => {
    if (!isPlainObject(raw) || !isLayerKindName(raw.type)) return;
    const d = LAYER_CODECS[raw.type].declared(raw);
    if (d === null) return;
    declared += d.parameters;
    if (declared > MAX_PARAMETERS) fail(`layers[${i}]`, `the model would have more than ${MAX_PARAMETERS} parameters (this layer is ${d.size})`);
  });
  const rng = new Rng(seed);
  const layers: Layer[] = [];
  let total = 0;
  let width: number | null = null;
  layersJson.forEach((raw, i) => {
    const at = `layers[${i}]`;
    if (!isPlainObject(raw)) fail(at, `expected a layer object, got ${describe(raw)}`);
    const entry = raw as Record<string, unknown>;
    if (!isLayerKindName(entry.type)) fail(`${at}.type`, `expected one of ${LAYER_KIND_NAMES.map((k) => `"${k}"`).join(', ')}, got ${describe(entry.type)}${suggest(entry.type, LAYER_KIND_NAMES)}`);
    const codec = LAYER_CODECS[entry.type as LayerKindName];
    const keys = ['type', ...codec.keys];
    for (const key of Object.keys(entry)) if (!keys.includes(key)) fail(`${at}.${key}`, `unknown field; expected one of ${keys.join(', ')}${suggest(key, keys)}`);
    const layer = codec.read(entry, { at, fail, dtype: dtype as DType, rng, width, last: i === layersJson.length - 1 });
    if (width !== null && layer.inputSize !== width) fail(at, `takes ${layer.inputSize} inputs, but the layer before gives ${width}`);
    total += layer.parameterCount();
    if (total > MAX_PARAMETERS) fail(at, `the model would have more than ${MAX_PARAMETERS} parameters`);
    width = layer.outputSize;
    layers.push(layer);
  });
  const result: LoadedModel = { model: new Sequential(layers), loss };
  if (json.preprocessing !== undefined) {
    if (!isPlainObject(json.preprocessing)) fail('preprocessing', `expected an object, got ${describe(json.preprocessing)}`);
    result.preprocessing = json.preprocessing as PreprocessingFile;
    for (const key of ['featureNames', 'classNames', 'targetColumns'] as const) {
      const v = (json.preprocessing as Record<string, unknown>)[key];
      if (v !== undefined && (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string'))) fail(`preprocessing.${key}`, `expected a non-empty array of strings, got ${describe(v)}`);
    }
    const classes = result.preprocessing.classNames?.length;
    const outputs = result.model.outputSize;
    if (classes !== undefined && classes !== outputs && !(outputs === 1 && classes === 2)) {
      fail('preprocessing.classNames', `expected ${outputs === 1 ? 2 : outputs} class names for ${outputs} output${outputs > 1 ? 's' : ''}, got ${classes}`);
    }
    const features = result.preprocessing.featureNames?.length;
    if (features !== undefined && features !== result.model.inputSize) fail('preprocessing.featureNames', `expected ${result.model.inputSize} names (one per input), got ${features}`);
  }
  return result;
}

/**
 * The model file of a network (weights written out in full, float64 numbers printed exactly).
 *
 * @example
 * ```ts
 * const file = toModelFile(seedNetwork(), 'sse');   // { format: 'backprop-model', version: 1, … }
 * parseModelFile(JSON.parse(JSON.stringify(file))).model.sizes;   // [3, 2, 2]
 * ```
 */
export function toModelFile(model: Sequential, loss: LossName, preprocessing?: PreprocessingFile): ModelFile {
  // NOTE: nested number arrays of a 50M-parameter model would take gigabytes of heap and pass
  // V8's longest string as JSON; above INLINE_PARAMETERS the weights stay typed (a weights file).
  const typed = model.parameterCount() > INLINE_PARAMETERS;
  const file: ModelFile = {
    format: 'backprop-model',
    version: 1,
    dtype: model.dtype,
    loss,
    layers: model.layers.map((layer) => codecOf(layer).write(layer, { typed }) as unknown as LayerFile),
  };
  if (preprocessing !== undefined) file.preprocessing = preprocessing;
  return file;
}

/**
 * Parses JSON text, turning a syntax error into a BackpropError that names the source and the
 * position, and refusing `__proto__` keys.
 *
 * @example
 * ```ts
 * parseJsonText('{"a": 1,}', 'model.json');
 * // throws BackpropError: model.json: not valid JSON (Expected double-quoted property name in JSON at position 8)
 * ```
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new BackpropError('model-file', `${source}: the key "__proto__" is not allowed`);
      return value;
    });
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    // NOTE: the reviver walks the value recursively; very deep nesting overflows the stack.
    if (e instanceof RangeError) throw new BackpropError('model-file', `${source}: the JSON is nested too deeply to read`);
    const msg = e instanceof Error ? e.message : String(e);
    throw new BackpropError('model-file', `${source}: not valid JSON (${msg})`);
  }
}

export { describe, isPlainObject } from './json-checks.js';
