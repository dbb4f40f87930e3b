import { BackpropError } from '../errors.js';
import { codecOf } from './layers/index.js';
import type { ModelFile } from './model-file.js';
import { ProtoWriter } from './protobuf.js';
import { formatModelSpec, parseForExport, SPEC_METADATA_KEY } from './state-dict.js';

/**
 * ONNX export of a model file: a pure `Uint8Array` encoder (runs in a browser), float32.
 *
 * The graph computes, for a batch `input` of shape `[batch, inputs]` (symbolic `batch`),
 * layer after layer `a = act(Gemm(a, W, b, transB=1))` = `act(a·Wᵀ + b)`, where `W` is the model
 * file's `weights` (outputs × inputs, stored as initializer `layers.i.weight`) and `b` its bias
 * (`layers.i.bias`). The last value is named `output`, shape `[batch, units]`.
 *
 * Each activation's nodes come from its entry in the activation table (src/functions; listed in
 * docs/functions.md): `Sigmoid`, `Relu`, `LeakyRelu(alpha=0.01)`, …; `gelu` is one native `Gelu`
 * node from opset 20 and `x·(1 + Erf(x/√2))·½` below.
 *
 * The opset defaults to 13 (wide runtime support), or 20 when a layer uses `gelu` so that it is one
 * native `Gelu` node; pass `opset: 13` to get the `Erf` form instead. IR version 8 (9 from opset 19).
 * The spec (`"3-2-2:sigmoid,sigmoid:sse"`) is stored in `metadata_props` under `backprop.spec`.
 *
 * @example
 * ```ts
 * const bytes = modelFileToOnnx(model);        // write to model.onnx; run with any ONNX runtime
 * modelFileToOnnx(model, { opset: 17 });
 * ```
 * @module
 */

/** Options of {@link modelFileToOnnx}. */
export interface OnnxExportOptions {
  /** Default-domain opset version, 13 … 22 (default: 13, or 20 when the model uses gelu). */
  readonly opset?: number;
  /** Graph name (default `"backprop"`). */
  readonly graphName?: string;
  /** Written as `producer_version` (default `""`, omitted). */
  readonly producerVersion?: string;
}

/** ONNX `TensorProto.DataType.FLOAT`. */
const FLOAT = 1;
/** ONNX `AttributeProto.AttributeType` values. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;

type Attribute = { name: string; float: number } | { name: string; int: number };
interface Node {
  op: string;
  inputs: string[];
  output: string;
  attributes?: Attribute[];
}
interface Initializer {
  name: string;
  dims: number[];
  values: ArrayLike<number>;
}

/**
 * Encodes a model file as an ONNX `ModelProto` (see the module comment for the graph).
 *
 * @throws BackpropError `model-file` as `parseModelFile` (shapes that do not chain, non-finite
 *   numbers); `value` for an opset outside 13 … 22.
 *
 * @example
 * ```ts
 * const bytes = modelFileToOnnx(toModelFile(seedNetwork(), 'sse'));   // 581 bytes: input 'input' [N, 3], output 'output' [N, 2]
 * // Node: writeFileSync('seed.onnx', bytes); then ort.InferenceSession.create('seed.onnx')
 * ```
 */
export function modelFileToOnnx(file: ModelFile, options: OnnxExportOptions = {}): Uint8Array {
  const { model, loss } = parseForExport(file);
  let preferred = 13;
  for (const layer of model.layers) preferred = Math.max(preferred, codecOf(layer).preferredOpset(layer));
  const opset = options.opset ?? preferred;
  if (!Number.isInteger(opset) || opset < 13 || opset > 22) {
    throw new BackpropError('value', `ONNX export: opset must be an integer from 13 to 22, got ${opset}`);
  }
  const nodes: Node[] = [];
  const initializers: Initializer[] = [];
  let current = 'input';
  model.layers.forEach((layer, i) => {
    const graph = codecOf(layer).onnx(layer, current, i === model.layers.length - 1 ? 'output' : null, `layers.${i}`, opset);
    nodes.push(...graph.nodes.map((n) => ({ op: n.op, inputs: [...n.inputs], output: n.output, ...(n.attributes ? { attributes: [...n.attributes] } : {}) })));
    // NOTE: shared constants (gelu's scalars) once, whichever layer brings them first.
    for (const t of graph.initializers) if (!initializers.some((u) => u.name === t.name)) initializers.push({ name: t.name, dims: [...t.dims], values: t.values });
    current = graph.output;
  });
  const spec = formatModelSpec({ sizes: model.sizes, activations: model.layers.map((l) => l.endsWith ?? 'linear'), loss });
  return encodeModel({
    opset,
    graphName: options.graphName ?? 'backprop',
    producerVersion: options.producerVersion ?? '',
    nodes,
    initializers,
    inputs: model.inputSize,
    outputs: model.outputSize,
    metadata: [[SPEC_METADATA_KEY, spec]],
  });
}

interface GraphDescription {
  opset: number;
  graphName: string;
  producerVersion: string;
  nodes: Node[];
  initializers: Initializer[];
  inputs: number;
  outputs: number;
  metadata: [string, string][];
}

/** Field numbers below are those of onnx.proto (ModelProto, GraphProto, NodeProto, …). */
function encodeModel(g: GraphDescription): Uint8Array {
  const model = new ProtoWriter();
  model.int64(1, g.opset >= 19 ? 9 : 8); // ir_version
  model.string(2, 'backprop'); // producer_name
  if (g.producerVersion !== '') model.string(3, g.producerVersion);
  model.message(7, (graph) => {
    g.nodes.forEach((n, i) => graph.message(1, (node) => {
      for (const input of n.inputs) node.string(1, input);
      node.string(2, n.output);
      node.string(3, `${n.op}_${i}`);
      node.string(4, n.op);
      for (const a of n.attributes ?? []) {
        node.message(5, (attr) => {
          attr.string(1, a.name);
          if ('float' in a) attr.float(2, a.float).int64(20, ATTR_FLOAT);
          else attr.int64(3, a.int).int64(20, ATTR_INT);
        });
      }
    }));
    graph.string(2, g.graphName);
    for (const t of g.initializers) {
      graph.message(5, (tensor) => {
        for (const d of t.dims) tensor.int64(1, d);
        tensor.int64(2, FLOAT);
        tensor.string(8, t.name);
        const raw = new Uint8Array(4 * t.values.length);
        const view = new DataView(raw.buffer);
        for (let i = 0; i < t.values.length; i++) view.setFloat32(4 * i, t.values[i]!, true);
        tensor.bytes(9, raw);
      });
    }
    graph.message(11, (v) => valueInfo(v, 'input', g.inputs));
    graph.message(12, (v) => valueInfo(v, 'output', g.outputs));
  });
  model.message(8, (op) => op.string(1, '').int64(2, g.opset)); // opset_import
  for (const [key, value] of g.metadata) model.message(14, (e) => e.string(1, key).string(2, value));
  return model.finish();
}

/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type: FLOAT, shape: [batch, width] } } }. */
function valueInfo(v: ProtoWriter, name: string, width: number): void {
  v.string(1, name);
  v.message(2, (type) => type.message(1, (tensor) => {
    tensor.int64(1, FLOAT);
    tensor.message(2, (shape) => {
      shape.message(1, (dim) => dim.string(2, 'batch'));
      shape.message(1, (dim) => dim.int64(1, width));
    });
  }));
}
