import type { DType } from '../../tensor/dtype.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { OnnxNodeSpec } from '../../functions/activations/index.js';
import type { Layer } from '../../nn/layer.js';
import type { SafetensorsTensor } from '../safetensors.js';

/** A JSON path failure: `fail('layers[1].weights', 'expected …')` throws a model-file error. */
export type Fail = (path: string, message: string) => never;

/** What a layer's codec needs to read its entry of a model file. */
export interface LayerReadContext {
  /** The JSON path of the entry, e.g. `layers[1]`. */
  readonly at: string;
  readonly fail: Fail;
  readonly dtype: DType;
  /** Draws weights for layers given by their sizes (the file's seed). */
  readonly rng: Rng;
  /** The width coming into this layer (the previous layer's output), or null for the first. */
  readonly width: number | null;
  /** Whether this is the last entry of `layers`. */
  readonly last: boolean;
}

/** One module of a PyTorch `nn.Sequential` and the state-dict tensors it owns (by local name). */
export interface TorchModule {
  /** The module as Python, e.g. `nn.Linear(3, 2)`, `nn.Sigmoid()`. */
  readonly module: string;
  readonly tensors: readonly (readonly [string, Tensor])[];
  /** Local names of the tensors PyTorch keeps as int64 (batch norm's `num_batches_tracked`). */
  readonly integers?: readonly string[];
}

/** An ONNX constant tensor (weights, or a shared scalar). */
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
}

/** A layer's ONNX subgraph from value `x` to value `out`. */
export interface OnnxLayerGraph {
  /** The value holding the layer's output. */
  readonly output: string;
  readonly nodes: readonly OnnxNodeSpec[];
  readonly initializers: readonly OnnxInitializer[];
}

/**
 * How one layer kind is written and read: its model-file entry (JSON), its PyTorch modules
 * (safetensors with state-dict names), and its ONNX nodes. One per {@link LayerKindName}, in
 * src/io/layers/index.ts.
 */
export interface LayerCodec<L extends Layer> {
  /** The keys the kind's JSON entry may hold besides `"type"`, for "unknown field" messages. */
  readonly keys: readonly string[];
  /**
   * The entry's field holding each parameter, by the parameter's state-dict name (a dense layer's
   * `weight` is written as `"weights"`): how `grad --json` names each layer's gradients.
   */
  readonly parameterFields: Readonly<Record<string, string>>;
  /**
   * The parameters an entry declares and its size in words (`1000×1000`), counted before anything
   * is allocated so that an absurd file is refused first; null when it cannot tell yet.
   */
  declared(json: Readonly<Record<string, unknown>>): { readonly parameters: number; readonly size: string } | null;
  /**
   * Why the entry cannot be exported as it is (a layer given by its sizes has no values yet), or
   * null: exports write the file's own numbers, never weights drawn for the occasion.
   */
  missingValues(json: Readonly<Record<string, unknown>>): string | null;
  /** Validates the entry and builds the layer; every problem names its JSON path. */
  read(json: Readonly<Record<string, unknown>>, ctx: LayerReadContext): L;
  /**
   * The entry of the layer (weights written out in full); with `typed`, the numbers as typed
   * copies (flat, with the sizes given) rather than nested arrays: a large model's entry, whose
   * arrays go to a weights file (see toModelFile, tensor-json.ts).
   */
  write(layer: L, options?: { typed?: boolean }): Record<string, unknown> & { type: string };
  /**
   * The layer as a token of a model spec (src/io/state-dict.ts): its entry without tensors, with only
   * the settings that differ from PyTorch's defaults — `{ type: 'activation', activation }` for a
   * dense layer or an activation layer (the tensors tell them apart), `{ type: 'dropout', p }`, ….
   */
  specEntry(layer: L): Record<string, unknown> & { type: string };
  /** The PyTorch modules the layer becomes in an `nn.Sequential`, in order. */
  torch(layer: L): TorchModule[];
  /** How many PyTorch modules an entry (weights not needed) spans: what `torch` would give. */
  torchModuleCount(json: Readonly<Record<string, unknown>>): number;
  /**
   * The entry rebuilt from its first module's state-dict tensors (`tensor('weight')`), for
   * safetensors import; `name` is that module's state-dict prefix for messages (`2`, `net.2`).
   */
  fromTorch(json: Readonly<Record<string, unknown>>, tensor: (local: string) => SafetensorsTensor | undefined, name: string): Record<string, unknown> & { type: string };
  /**
   * The layer's ONNX nodes and initializers from value `x`, ending in value `out` — or, when `out`
   * is null, in a value the codec names under `prefix` (returned as `output`).
   */
  onnx(layer: L, x: string, out: string | null, prefix: string, opset: number): OnnxLayerGraph;
  /** The lowest ONNX opset at which the layer has its preferred (native) form. */
  preferredOpset(layer: L): number;
}
