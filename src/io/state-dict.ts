import { BackpropError } from '../errors.js';
import { ACTIVATION_TABLE, ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import { LOSSES, type LossName } from '../nn/losses.js';
import type { Sequential } from '../nn/sequential.js';
import type { Tensor } from '../tensor/tensor.js';
import { codecOf, LAYER_CODECS } from './layers/index.js';
import { isPlainObject } from './json-checks.js';
import { parseModelFile, type LoadedModel, type ModelFile } from './model-file.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { SafetensorsDtype, SafetensorsReadOptions, SafetensorsTensor } from './safetensors.js';

/**
 * Mapping between a model and a PyTorch `state_dict` of an `nn.Sequential`.
 *
 * **The index rule.** The model is read as `nn.Sequential` built by walking the layers in order and
 * appending each layer's modules (its codec's `torch`, src/io/layers): for a dense layer an
 * `nn.Linear(inputs, units)` and then — only when its activation is not `linear` — one activation module
 * (the activation's PyTorch module is in its entry of the activation table, src/functions, listed
 * in docs/functions.md: `nn.Sigmoid()`, `nn.ReLU()`, `nn.LeakyReLU(0.01)`, …; `linear` appends none).
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
    k += ACTIVATION_TABLE[a].torch.module === null ? 1 : 2;
  }
  return out;
}

/** One module of the PyTorch `nn.Sequential` a model becomes: its index, its Python, its tensors. */
export interface TorchSequentialModule {
  readonly index: number;
  /** The module as Python, e.g. `nn.Linear(3, 2)`. */
  readonly module: string;
  /** Its state-dict tensors by local name (`weight`, `bias`, `running_mean`, …). */
  readonly tensors: readonly (readonly [string, Tensor])[];
}

/**
 * The `nn.Sequential` a model becomes in PyTorch, module by module (each layer kind says which
 * modules it becomes: src/io/layers): the index rule of the module comment, for every kind.
 *
 * @example
 * ```ts
 * torchSequential(seedNetwork()).map((m) => m.module);   // ['nn.Linear(3, 2)', 'nn.Sigmoid()', 'nn.Linear(2, 2)', 'nn.Sigmoid()']
 * ```
 */
export function torchSequential(model: Sequential): TorchSequentialModule[] {
  const out: TorchSequentialModule[] = [];
  for (const layer of model.layers) for (const m of codecOf(layer).torch(layer)) out.push({ index: out.length, ...m });
  return out;
}

/**
 * The model of a file to export, validated as `parseModelFile` does — after checking that every
 * layer carries its values (a layer given by its sizes would be exported with weights drawn for
 * the occasion).
 *
 * @throws BackpropError `model-file` naming the JSON path of what is wrong.
 */
export function parseForExport(file: ModelFile): LoadedModel {
  const layers: unknown = (file as { layers?: unknown }).layers;
  if (Array.isArray(layers)) {
    layers.forEach((entry: unknown, i) => {
      if (!isPlainObject(entry) || typeof entry.type !== 'string' || !Object.hasOwn(LAYER_CODECS, entry.type)) return;
      const why = LAYER_CODECS[entry.type as keyof typeof LAYER_CODECS].missingValues(entry);
      if (why !== null) throw new BackpropError('model-file', `layers[${i}]: ${why}`);
    });
  }
  return parseModelFile(file, 'model');
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
 * @throws BackpropError `model-file` as `parseModelFile` (shapes that do not chain, non-finite numbers, …).
 * @example
 * ```ts
 * modelFileToStateDict(seed).tensors.get('2.weight'); // { dtype: 'F64', shape: [2, 2], data: [0.7, 0.9, 0.8, 0.1] }
 * ```
 */
export function modelFileToStateDict(
  file: ModelFile,
  options: StateDictWriteOptions = {},
): { tensors: Map<string, SafetensorsTensor>; metadata: Record<string, string> } {
  const { model, loss } = parseForExport(file);
  const dtype = options.dtype ?? (model.dtype === 'float32' ? 'F32' : 'F64');
  const Arr = dtype === 'F32' ? Float32Array : Float64Array;
  const tensors = new Map<string, SafetensorsTensor>();
  for (const m of torchSequential(model)) {
    for (const [name, t] of m.tensors) tensors.set(`${m.index}.${name}`, { dtype, shape: [...t.shape], data: Arr.from(t.data) });
  }
  const spec = formatModelSpec({ sizes: model.sizes, activations: model.layers.map((l) => l.endsWith ?? 'linear'), loss });
  return { tensors, metadata: { format: 'pt', [SPEC_METADATA_KEY]: spec } };
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
  const codec = LAYER_CODECS.dense;
  const layers = indices.map((k, i) => {
    const name = `${prefix ?? ''}${k}`;
    const slot = byIndex.get(k)!;
    const entry = codec.fromTorch({ type: 'dense', activation: s.activations[i]! }, (local) => slot[local as 'weight' | 'bias'], name) as { type: 'dense'; activation: ActivationName; weights: number[][]; bias: number[] };
    const rows = entry.weights.length;
    const cols = entry.weights[0]!.length;
    if (s.sizes && (s.sizes[i] !== cols || s.sizes[i + 1] !== rows)) {
      throw new BackpropError('argument', `spec sizes ${s.sizes.join('-')} say layer ${i} is ${s.sizes[i]}→${s.sizes[i + 1]}, but "${name}.weight" is ${rows}×${cols} (outputs × inputs)`);
    }
    return { ...entry, inputs: cols };
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
