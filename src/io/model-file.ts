import { BackpropError } from '../errors.js';
import { ACTIVATIONS, checkActivation, suggest, type ActivationName } from '../nn/activations.js';
import { Dense } from '../nn/dense.js';
import { INITIALIZERS, type InitializerName } from '../nn/init.js';
import { checkLoss, LOSSES, type LossName } from '../nn/losses.js';
import { Sequential } from '../nn/sequential.js';
import { INLINE_PARAMETERS, MAX_LAYERS, MAX_PARAMETERS } from '../nn/size.js';
import type { DType } from '../tensor/dtype.js';
import { Rng } from '../tensor/rng.js';

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
  layers: DenseLayerFile[];
  preprocessing?: PreprocessingFile;
}

/** A model with the settings its file carries. */
export interface LoadedModel {
  model: Sequential;
  loss: LossName;
  preprocessing?: PreprocessingFile;
}

export { MAX_PARAMETERS } from '../nn/size.js';

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
    if (!isPlainObject(raw)) return;
    const { inputs, units } = raw as Record<string, unknown>;
    const size = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PARAMETERS;
    if (size(inputs) && size(units)) declared += inputs * units + units;
    if (declared > MAX_PARAMETERS) fail(`layers[${i}]`, `the model would have more than ${MAX_PARAMETERS} parameters (this layer is ${inputs}×${units})`);
  });
  const rng = new Rng(seed);
  const layers: Dense[] = [];
  let total = 0;
  let previousUnits: number | null = null;
  layersJson.forEach((raw, i) => {
    const at = `layers[${i}]`;
    if (!isPlainObject(raw)) fail(at, `expected a layer object, got ${describe(raw)}`);
    const layer = raw as Record<string, unknown>;
    const layerKeys = ['type', 'activation', 'weights', 'bias', 'inputs', 'units', 'init'];
    for (const key of Object.keys(layer)) if (!layerKeys.includes(key)) fail(`${at}.${key}`, `unknown field; expected one of ${layerKeys.join(', ')}${suggest(key, layerKeys)}`);
    if (layer.type !== 'dense') fail(`${at}.type`, `expected "dense", got ${describe(layer.type)}`);
    const activation = layer.activation === undefined ? 'linear' : layer.activation;
    if (typeof activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(activation)) {
      fail(`${at}.activation`, `expected one of ${ACTIVATIONS.join(', ')}, got ${describe(layer.activation)}${suggest(activation, ACTIVATIONS)}`);
    }
    const act = checkActivation(activation, at);
    if (act === 'softmax' && i !== layersJson.length - 1) fail(`${at}.activation`, 'softmax is only supported on the last layer');
    let dense: Dense;
    if (ArrayBuffer.isView(layer.weights)) {
      if (layer.init !== undefined) fail(`${at}.init`, 'a layer with weights has no initializer');
      const inputs = checkSize(layer.inputs, `${at}.inputs`, fail);
      const units = checkSize(layer.units, `${at}.units`, fail);
      if (previousUnits !== null && inputs !== previousUnits) fail(`${at}.inputs`, `expected ${previousUnits} (the units of layers[${i - 1}]), got ${inputs}`);
      total += inputs * units + units;
      if (total > MAX_PARAMETERS) fail(at, `the model would have more than ${MAX_PARAMETERS} parameters (this layer is ${inputs}×${units})`);
      const w = checkFlat(layer.weights, `${at}.weights`, inputs * units, fail);
      const b = ArrayBuffer.isView(layer.bias) ? checkFlat(layer.bias, `${at}.bias`, units, fail) : Float64Array.from(checkVector(layer.bias, `${at}.bias`, units, fail));
      dense = Dense.fromArrays(w, b, inputs, units, act, dtype as DType);
    } else if (layer.weights !== undefined || layer.bias !== undefined) {
      if (layer.inputs !== undefined || layer.units !== undefined || layer.init !== undefined) {
        fail(at, 'give either "weights" and "bias", or "inputs" and "units" (with an optional "init"), not both');
      }
      const rows = checkMatrix(layer.weights, `${at}.weights`, previousUnits, fail);
      const bias = checkVector(layer.bias, `${at}.bias`, rows.length, fail);
      total += rows.length * rows[0]!.length + bias.length;
      if (total > MAX_PARAMETERS) fail(at, `the model would have more than ${MAX_PARAMETERS} parameters`);
      dense = Dense.fromWeights(rows, bias, act, dtype as DType);
    } else {
      const inputs = checkSize(layer.inputs, `${at}.inputs`, fail);
      const units = checkSize(layer.units, `${at}.units`, fail);
      if (previousUnits !== null && inputs !== previousUnits) fail(`${at}.inputs`, `expected ${previousUnits} (the units of layers[${i - 1}]), got ${inputs}`);
      total += inputs * units + units;
      if (total > MAX_PARAMETERS) fail(at, `the model would have more than ${MAX_PARAMETERS} parameters (this layer is ${inputs}×${units})`);
      let init: InitializerName | undefined;
      if (layer.init !== undefined) {
        if (typeof layer.init !== 'string' || !(INITIALIZERS as readonly string[]).includes(layer.init)) {
          fail(`${at}.init`, `expected one of ${INITIALIZERS.join(', ')}, got ${describe(layer.init)}${suggest(layer.init, INITIALIZERS)}`);
        }
        init = layer.init as InitializerName;
      }
      dense = Dense.create({ inputs, units, activation: act, rng, dtype: dtype as DType, ...(init ? { init } : {}) });
    }
    previousUnits = dense.units;
    layers.push(dense);
  });
  const result: LoadedModel = { model: new Sequential(layers), loss };
  if (json.preprocessing !== undefined) {
    if (!isPlainObject(json.preprocessing)) fail('preprocessing', `expected an object, got ${describe(json.preprocessing)}`);
    result.preprocessing = json.preprocessing as PreprocessingFile;
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
    layers: model.layers.map((layer) =>
      typed
        ? { type: 'dense' as const, activation: layer.activation, inputs: layer.inputs, units: layer.units, weights: layer.weight.data.slice(), bias: layer.bias.data.slice() }
        : { type: 'dense' as const, activation: layer.activation, weights: layer.weight.to2D(), bias: layer.bias.to1D() },
    ),
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

type Fail = (path: string, message: string) => never;

function checkMatrix(value: unknown, path: string, expectedCols: number | null, fail: Fail): number[][] {
  if (!Array.isArray(value) || value.length === 0) return fail(path, `expected a non-empty array of rows (outputs × inputs), got ${describe(value)}`);
  const firstRow: unknown = value[0];
  const cols = Array.isArray(firstRow) ? firstRow.length : -1;
  const want = expectedCols ?? cols;
  const ok = value.every((row: unknown) => Array.isArray(row) && row.length === want) && want > 0;
  if (!ok) {
    const got = value.every((row: unknown) => Array.isArray(row)) ? `${value.length}×${shapeOfRows(value as unknown[][])}` : describe(value.find((r: unknown) => !Array.isArray(r)));
    return fail(path, `expected ${value.length} rows of ${want > 0 ? want : 'n'} numbers${expectedCols !== null ? ` (the previous layer has ${expectedCols} outputs)` : ''}, got ${got}`);
  }
  (value as unknown[][]).forEach((row, i) =>
    row.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${path}[${i}][${j}]`, `expected a finite number, got ${describe(x)}`);
    }),
  );
  return value as number[][];
}

function checkFlat(value: unknown, path: string, length: number, fail: Fail): Float64Array | Float32Array {
  if (!(value instanceof Float64Array || value instanceof Float32Array)) return fail(path, `expected float64 or float32 numbers, got ${describe(value)}`);
  if (value.length !== length) return fail(path, `expected ${length} numbers, got ${value.length}`);
  for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i]!)) fail(`${path}[${i}]`, `expected a finite number, got ${value[i]}`);
  return value;
}

function checkVector(value: unknown, path: string, length: number, fail: Fail): number[] {
  if (!Array.isArray(value) || value.length !== length) return fail(path, `expected ${length} numbers (one per output), got ${describe(value)}`);
  value.forEach((x: unknown, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${path}[${i}]`, `expected a finite number, got ${describe(x)}`);
  });
  return value as number[];
}

function checkSize(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PARAMETERS) {
    return fail(path, `expected a positive integer of at most ${MAX_PARAMETERS}, got ${describe(value)}`);
  }
  return value;
}

function shapeOfRows(rows: unknown[][]): string {
  const lengths = [...new Set(rows.map((r) => r.length))];
  return lengths.length === 1 ? String(lengths[0]) : `{${lengths.join(', ')}} (ragged)`;
}

/** True for `{…}` objects (not arrays, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
