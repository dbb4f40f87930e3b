import { BackpropError } from '../errors.js';
import { ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import { LOSSES, type LossName } from '../nn/losses.js';
import type { ModelFile } from './model-file.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { SafetensorsDtype, SafetensorsReadOptions, SafetensorsTensor } from './safetensors.js';

/**
 * Mapping between the model file's dense layers and a PyTorch `state_dict` of an `nn.Sequential`.
 *
 * **The index rule.** The model is read as `nn.Sequential` built by walking the layers in order and
 * appending, for each dense layer, an `nn.Linear(inputs, units)` and then — only when its activation
 * is not `linear` — one activation module:
 *
 * | activation   | module appended                          |
 * | ------------ | ---------------------------------------- |
 * | `linear`     | (none)                                   |
 * | `sigmoid`    | `nn.Sigmoid()`                           |
 * | `tanh`       | `nn.Tanh()`                              |
 * | `relu`       | `nn.ReLU()`                              |
 * | `leaky_relu` | `nn.LeakyReLU(0.01)`                     |
 * | `elu`        | `nn.ELU(alpha=1.0)`                      |
 * | `gelu`       | `nn.GELU()` (exact erf form)             |
 * | `softplus`   | `nn.Softplus()` (PyTorch switches to `x` above 20; the difference is < 2.1e-9) |
 * | `softmax`    | `nn.Softmax(dim=-1)`                     |
 *
 * Module indices count every appended module, so layer `i`'s `Linear` sits at index
 * `k = i + (number of non-linear activations before layer i)` and its tensors are named
 * `k.weight` (outputs × inputs, the model file's `weights`) and `k.bias`. The seed network
 * (3-2-2, sigmoid, sigmoid) is `Linear, Sigmoid, Linear, Sigmoid`:
 * `0.weight, 0.bias, 2.weight, 2.bias`; a 4-8-3 `relu, linear` network is `0.*, 2.*`;
 * a `linear, tanh` network is `0.*, 1.*`.
 *
 * A safetensors file holds only the tensors, so the activations come from a {@link ModelSpec}: given
 * by the caller, or read from the `backprop.spec` entry of `__metadata__` that
 * {@link modelFileToSafetensors} writes. The gaps between `Linear` indices are checked against it.
 * @module
 */

/** What a weights-only file does not say: each layer's activation, optionally sizes and loss. */
export interface ModelSpec {
  /** Layer widths from input to output (`[3, 2, 2]`); when given, checked against the tensors. */
  readonly sizes?: readonly number[];
  /** One activation per dense layer. */
  readonly activations: readonly ActivationName[];
  /** The model file's loss; `mse` when not given. */
  readonly loss?: LossName;
}

/** The `__metadata__` key under which {@link modelFileToSafetensors} stores the spec. */
export const SPEC_METADATA_KEY = 'backprop.spec';

/**
 * Parses a spec string `[SIZES:]ACTIVATIONS[:LOSS]`: sizes joined by `-`, activations by `,`.
 *
 * @example
 * ```ts
 * parseModelSpec('3-2-2:sigmoid,sigmoid');        // { sizes: [3, 2, 2], activations: ['sigmoid', 'sigmoid'] }
 * parseModelSpec('4-8-3:tanh,softmax:cross_entropy');
 * parseModelSpec('relu,linear');                  // sizes taken from the tensors
 * ```
 * @throws BackpropError `argument` naming the part that does not parse.
 */
export function parseModelSpec(text: string): ModelSpec {
  const where = `spec ${JSON.stringify(text)}`;
  const parts = text.trim().split(':').map((p) => p.trim());
  let sizes: number[] | undefined;
  if (parts.length > 1 && /^\d+(\s*-\s*\d+)+$/.test(parts[0]!)) {
    sizes = parts.shift()!.split('-').map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) {
      throw new BackpropError('argument', `${where}: sizes must be positive integers, got ${sizes.join('-')}`);
    }
  }
  if (parts.length < 1 || parts.length > 2 || parts[0] === '') {
    throw new BackpropError('argument', `${where}: expected [SIZES:]ACTIVATIONS[:LOSS], e.g. "3-2-2:sigmoid,sigmoid:sse"`);
  }
  const activations = parts[0]!.split(',').map((a, i) => {
    const name = a.trim();
    if (!(ACTIVATIONS as readonly string[]).includes(name)) {
      throw new BackpropError('argument', `${where}: activation ${i + 1} is ${JSON.stringify(name)}; expected one of ${ACTIVATIONS.join(', ')}`);
    }
    return name as ActivationName;
  });
  let loss: LossName | undefined;
  if (parts.length === 2) {
    if (!(LOSSES as readonly string[]).includes(parts[1]!)) {
      throw new BackpropError('argument', `${where}: loss is ${JSON.stringify(parts[1])}; expected one of ${LOSSES.join(', ')}`);
    }
    loss = parts[1] as LossName;
  }
  if (sizes !== undefined && sizes.length !== activations.length + 1) {
    throw new BackpropError('argument', `${where}: ${sizes.length} sizes describe ${sizes.length - 1} layers but ${activations.length} activations were given`);
  }
  return { ...(sizes ? { sizes } : {}), activations, ...(loss ? { loss } : {}) };
}

/** The inverse of {@link parseModelSpec}: `"3-2-2:sigmoid,sigmoid:sse"`. */
export function formatModelSpec(spec: ModelSpec): string {
  return [spec.sizes?.join('-'), spec.activations.join(','), spec.loss].filter((p) => p !== undefined).join(':');
}

/**
 * The `nn.Sequential` index of each layer's `Linear` under the index rule (see the module comment).
 *
 * @example
 * ```ts
 * linearIndices(['sigmoid', 'sigmoid']); // [0, 2]
 * linearIndices(['linear', 'tanh']);     // [0, 1]
 * ```
 */
export function linearIndices(activations: readonly ActivationName[]): number[] {
  const out: number[] = [];
  let k = 0;
  for (const a of activations) {
    out.push(k);
    k += a === 'linear' ? 1 : 2;
  }
  return out;
}

/** One dense layer's parameters, row-major: `weights[o * inputs + i]` is W[o][i] (outputs × inputs). */
export interface DenseParameters {
  readonly activation: ActivationName;
  readonly inputs: number;
  readonly units: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Reads and checks the parameters of every layer of a model file: activations known, weights
 * rectangular, bias of one number per row, finite numbers, and layer i's inputs = layer i−1's units.
 *
 * @throws BackpropError `model-file` naming the JSON path of what is wrong, e.g.
 *   `layers[1].weights: expected 2 columns (the previous layer's units), got 3`.
 */
export function denseParameters(model: ModelFile): DenseParameters[] {
  const layers: unknown = (model as { layers?: unknown }).layers;
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new BackpropError('model-file', 'layers: expected a non-empty array of dense layers');
  }
  let previous = -1;
  return layers.map((layer: unknown, i) => {
    const where = `layers[${i}]`;
    const { activation, weights, bias } = (layer ?? {}) as { activation?: unknown; weights?: unknown; bias?: unknown };
    if (!(ACTIVATIONS as readonly unknown[]).includes(activation)) {
      throw new BackpropError('model-file', `${where}.activation: expected one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(activation)}`);
    }
    if (weights instanceof Float64Array || weights instanceof Float32Array) {
      // A large model's weights, flat and row-major (toModelFile above INLINE_PARAMETERS parameters).
      const { inputs, units } = layer as { inputs?: unknown; units?: unknown };
      if (!(Number.isInteger(inputs) && Number.isInteger(units) && weights.length === (inputs as number) * (units as number) && (inputs as number) > 0)) {
        throw new BackpropError('model-file', `${where}.weights: expected inputs × units numbers with "inputs" and "units" given`);
      }
      if (!(bias instanceof Float64Array || bias instanceof Float32Array || Array.isArray(bias)) || bias.length !== units) throw new BackpropError('model-file', `${where}.bias: expected ${String(units)} numbers`);
      if (previous !== -1 && previous !== inputs) throw new BackpropError('model-file', `${where}.weights: expected ${previous} columns (the previous layer's units), got ${String(inputs)}`);
      previous = units as number;
      const w = Float64Array.from(weights, (v, k) => checkNumber(v, `${where}.weights[${k}]`));
      const b = Float64Array.from(bias as ArrayLike<unknown>, (v, o) => checkNumber(v, `${where}.bias[${o}]`));
      return { activation: activation as ActivationName, inputs: inputs as number, units: units as number, weights: w, bias: b };
    }
    if (!Array.isArray(weights) || !Array.isArray(bias)) {
      throw new BackpropError('model-file', `${where}: expected weights and bias to export (initialise the model first)`);
    }
    const units = weights.length;
    const inputs = Array.isArray(weights[0]) ? weights[0].length : 0;
    if (units === 0 || inputs === 0 || weights.some((r) => !Array.isArray(r) || r.length !== inputs)) {
      throw new BackpropError('model-file', `${where}.weights: expected a non-empty rectangular array (outputs × inputs)`);
    }
    if (bias.length !== units) throw new BackpropError('model-file', `${where}.bias: expected ${units} numbers, got ${bias.length}`);
    if (previous !== -1 && previous !== inputs) {
      throw new BackpropError('model-file', `${where}.weights: expected ${previous} columns (the previous layer's units), got ${inputs}`);
    }
    previous = units;
    const w = new Float64Array(units * inputs);
    (weights as unknown[][]).forEach((r, o) => r.forEach((v, c) => { w[o * inputs + c] = checkNumber(v, `${where}.weights[${o}][${c}]`); }));
    const b = Float64Array.from(bias as unknown[], (v, o) => checkNumber(v, `${where}.bias[${o}]`));
    return { activation: activation as ActivationName, inputs, units, weights: w, bias: b };
  });
}

/** Options of {@link modelFileToStateDict} and {@link modelFileToSafetensors}. */
export interface StateDictWriteOptions {
  /** Element type of the tensors; defaults to the model's dtype (`float32` → F32, else F64). */
  readonly dtype?: SafetensorsDtype;
}

/**
 * The model's parameters as PyTorch `state_dict` tensors, plus metadata recording the spec
 * (`{"format": "pt", "backprop.spec": "3-2-2:sigmoid,sigmoid:sse"}`).
 *
 * @throws BackpropError `model-file` as `denseParameters`.
 * @example
 * ```ts
 * modelFileToStateDict(seed).tensors.get('2.weight'); // { dtype: 'F64', shape: [2, 2], data: [0.7, 0.9, 0.8, 0.1] }
 * ```
 */
export function modelFileToStateDict(
  model: ModelFile,
  options: StateDictWriteOptions = {},
): { tensors: Map<string, SafetensorsTensor>; metadata: Record<string, string> } {
  const dtype = options.dtype ?? (model.dtype === 'float32' ? 'F32' : 'F64');
  const Arr = dtype === 'F32' ? Float32Array : Float64Array;
  const layers = denseParameters(model);
  const activations = layers.map((l) => l.activation);
  const indices = linearIndices(activations);
  const tensors = new Map<string, SafetensorsTensor>();
  layers.forEach((l, i) => {
    tensors.set(`${indices[i]}.weight`, { dtype, shape: [l.units, l.inputs], data: Arr.from(l.weights) });
    tensors.set(`${indices[i]}.bias`, { dtype, shape: [l.units], data: Arr.from(l.bias) });
  });
  const sizes = [layers[0]!.inputs, ...layers.map((l) => l.units)];
  const loss = (LOSSES as readonly unknown[]).includes(model.loss) ? (model.loss as LossName) : undefined;
  const spec = formatModelSpec({ sizes, activations, ...(loss ? { loss } : {}) });
  return { tensors, metadata: { format: 'pt', [SPEC_METADATA_KEY]: spec } };
}

function checkNumber(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new BackpropError('model-file', `${where}: expected a finite number, got ${typeof v === 'number' ? String(v) : typeof v}`);
  }
  return v;
}

/**
 * Builds a model file from `state_dict` tensors of an `nn.Sequential` of `Linear` and activation
 * modules (names `k.weight`, `k.bias`, optionally under one common prefix such as `net.`).
 *
 * A missing `k.bias` (a `Linear(bias=False)`) becomes zeros. The gaps between Linear indices must
 * match the spec: a gap of 1 means a `linear` layer, 2 a layer with an activation module.
 *
 * @param spec the activations (and optionally sizes and loss), or a spec string.
 * @throws BackpropError `model-file` for names that are not `k.weight`/`k.bias`, wrong ranks or
 *   shapes that do not chain; `argument` when the spec disagrees with the tensors.
 * @example
 * ```ts
 * stateDictToModelFile(decodeSafetensors(bytes).tensors, '3-2-2:sigmoid,sigmoid:sse');
 * ```
 */
export function stateDictToModelFile(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  spec: ModelSpec | string,
): ModelFile {
  const s = typeof spec === 'string' ? parseModelSpec(spec) : spec;
  const byIndex = new Map<number, { weight?: SafetensorsTensor; bias?: SafetensorsTensor }>();
  let prefix: string | undefined;
  for (const [name, t] of tensors) {
    const m = /^((?:[^.]+\.)*?)(\d+)\.(weight|bias)$/.exec(name);
    if (!m) throw new BackpropError('model-file', `state dict: tensor "${name}" is not a Linear parameter (expected names like "0.weight", "2.bias")`);
    if (prefix !== undefined && m[1] !== prefix) {
      throw new BackpropError('model-file', `state dict: tensor "${name}" does not share the prefix "${prefix}" of the others`);
    }
    prefix = m[1]!;
    const k = Number(m[2]);
    const slot = byIndex.get(k) ?? {};
    slot[m[3] as 'weight' | 'bias'] = t;
    byIndex.set(k, slot);
  }
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  if (indices.length === 0) throw new BackpropError('model-file', 'state dict: no tensors');
  if (s.activations.length !== indices.length) {
    throw new BackpropError('argument', `spec gives ${s.activations.length} activations but the file holds ${indices.length} Linear layers (indices ${indices.join(', ')})`);
  }
  const expected = linearIndices(s.activations);
  indices.forEach((k, i) => {
    if (k !== expected[i]) {
      const gap = i > 0 ? k - indices[i - 1]! - 1 : k;
      throw new BackpropError('argument', `spec ${JSON.stringify(formatModelSpec(s))} places layer ${i}'s Linear at index ${expected[i]}, but the file has it at ${k} (${gap} module(s) without parameters before it); each non-linear activation is one module, a linear layer none`);
    }
  });
  const layers = indices.map((k, i) => {
    const name = `${prefix ?? ''}${k}`;
    const { weight, bias } = byIndex.get(k)!;
    if (!weight) throw new BackpropError('model-file', `state dict: "${name}.bias" has no "${name}.weight"`);
    if (weight.shape.length !== 2) throw new BackpropError('model-file', `state dict: "${name}.weight" must have rank 2 (outputs × inputs), got shape [${weight.shape.join(', ')}]`);
    const [rows, cols] = weight.shape as [number, number];
    if (rows < 1 || cols < 1) throw new BackpropError('model-file', `state dict: "${name}.weight" has an empty shape [${rows}, ${cols}]`);
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== rows)) {
      throw new BackpropError('model-file', `state dict: "${name}.bias" must have shape [${rows}], got [${bias.shape.join(', ')}]`);
    }
    if (s.sizes && (s.sizes[i] !== cols || s.sizes[i + 1] !== rows)) {
      throw new BackpropError('argument', `spec sizes ${s.sizes.join('-')} say layer ${i} is ${s.sizes[i]}→${s.sizes[i + 1]}, but "${name}.weight" is ${rows}×${cols} (outputs × inputs)`);
    }
    const weights: number[][] = [];
    for (let o = 0; o < rows; o++) weights.push(Array.from(weight.data.subarray(o * cols, (o + 1) * cols)));
    return {
      type: 'dense' as const,
      activation: s.activations[i]!,
      weights,
      bias: bias ? Array.from(bias.data) : new Array<number>(rows).fill(0),
      inputs: cols,
    };
  });
  for (let i = 1; i < layers.length; i++) {
    if (layers[i]!.inputs !== layers[i - 1]!.weights.length) {
      throw new BackpropError('model-file', `state dict: layer ${i} takes ${layers[i]!.inputs} inputs but layer ${i - 1} gives ${layers[i - 1]!.weights.length}`);
    }
  }
  const allF32 = [...tensors.values()].every((t) => t.dtype === 'F32');
  return {
    format: 'backprop-model',
    version: 1,
    dtype: allF32 ? 'float32' : 'float64',
    loss: s.loss ?? 'mse',
    layers: layers.map(({ type, activation, weights, bias }) => ({ type, activation, weights, bias })),
  };
}

/**
 * Encodes a model file as safetensors with PyTorch names (see the index rule above) and the spec in
 * `__metadata__`. What `backprop export MODEL --format safetensors` writes.
 *
 * @example
 * ```ts
 * const bytes = modelFileToSafetensors(model);            // F64 for a float64 model
 * const f32 = modelFileToSafetensors(model, { dtype: 'F32' });
 * ```
 */
export function modelFileToSafetensors(model: ModelFile, options: StateDictWriteOptions = {}): Uint8Array {
  const { tensors, metadata } = modelFileToStateDict(model, options);
  return encodeSafetensors(tensors, metadata);
}

/**
 * Decodes a safetensors file into a model file. The spec comes from `spec` when given, else from
 * the file's `__metadata__["backprop.spec"]`. What `backprop import F.safetensors [--spec S]` does.
 *
 * @throws BackpropError `argument` when neither gives the activations; the errors of
 *   {@link decodeSafetensors} and {@link stateDictToModelFile} otherwise.
 *
 * @example
 * ```ts
 * const bytes = modelFileToSafetensors(toModelFile(seedNetwork(), 'sse'));
 * safetensorsToModelFile(bytes).layers.map((l) => l.activation);   // ['sigmoid', 'sigmoid'] (from the stored spec)
 * safetensorsToModelFile(torchBytes, '4-8-3:tanh,softmax:cross_entropy');   // a PyTorch state_dict
 * ```
 */
export function safetensorsToModelFile(
  bytes: Uint8Array,
  spec?: ModelSpec | string,
  options: SafetensorsReadOptions = {},
): ModelFile {
  const file = decodeSafetensors(bytes, options);
  const stored = file.metadata.get(SPEC_METADATA_KEY);
  if (spec !== undefined) return stateDictToModelFile(file.tensors, spec);
  if (stored === undefined) {
    throw new BackpropError('argument', 'safetensors holds only weights: give the activations with a spec such as "4-8-3:tanh,softmax" (the file has no "backprop.spec" metadata)');
  }
  try {
    return stateDictToModelFile(file.tensors, stored);
  } catch (e) {
    // NOTE: a bad spec stored in the file is the file's fault, not the caller's.
    if (e instanceof BackpropError && e.code === 'argument') {
      throw new BackpropError('model-file', `safetensors metadata "${SPEC_METADATA_KEY}": ${e.message}`);
    }
    throw e;
  }
}
