import { BackpropError } from '../errors.js';
import { backward } from '../autograd/engine.js';
import { isGradEnabled, noGrad, type GradNode } from '../autograd/node.js';
import type { Dense } from '../nn/dense.js';
import type { Layer } from '../nn/layer.js';
import type { LayerKindName, LayerOfKind } from '../nn/layer-kinds.js';
import { isFused, LOSS_TABLE, modelLoss, type LossName } from '../nn/losses.js';
import type { Sequential } from '../nn/sequential.js';
import { Tensor } from '../tensor/tensor.js';
import { ACTIVATION_TABLE } from '../nn/activations.js';

/** What the engine recorded for one dense layer during the traced run. */
export interface TracedLayer {
  layer: Dense;
  /** The layer's input (the previous layer's a, or the batch x). */
  input: Tensor;
  /** Net input z = x·Wᵀ + b, with its retained `.grad` = δ. */
  z: Tensor;
  /** Output a = f(z) with its retained `.grad` = ∂E/∂a; null at a fused output. */
  a: Tensor | null;
  /** f′(z) elementwise, returned by the activation op's own backward; null for softmax/fused. */
  local: Float64Array | null;
  /** Softmax outputs (not fused): per sample, J[k][i] = ∂a_k/∂z_i from the op's backward. */
  jacobian: number[][][] | null;
}

/** The result of one traced forward and backward pass. */
export interface TracedRun {
  layers: TracedLayer[];
  cost: number;
  fused: boolean;
}

/** The op names a loss records: each loss's own, and its form on the logits. */
const LOSS_OPS: ReadonlySet<string> = new Set(Object.values(LOSS_TABLE).flatMap((s) => [s.name, ...(s.onLogits ? [s.onLogits.op] : [])]));

/**
 * Runs the engine once — `modelLoss(model, loss, x, t)` then `backward` — after walking the
 * recorded graph from the loss back to the input to find each layer's z and a, marking them
 * `retainGrad`, and asking each activation op's recorded backward for its local derivative
 * f′(z). Afterwards every parameter of `model` holds ∂E/∂p in `.grad` (earlier gradients are
 * cleared first) and the traced z and a hold δ = ∂E/∂z and ∂E/∂a.
 *
 * Throws when gradients are switched off ({@link noGrad}) or the graph does not have the shape
 * of a dense network (which would mean the engine changed under the ledger).
 */
export function traceRun(model: Sequential, loss: LossName, x: Tensor, t: Tensor): TracedRun {
  if (!isGradEnabled()) throw new BackpropError('autograd', 'explain: gradients are switched off (called inside noGrad); the ledger needs the recorded graph');
  model.zeroGrad();
  const E = modelLoss(model, loss, x, t);
  const L = model.layers.length;
  const fused = isFused(loss, model.outputActivation);
  const lossNode = expectNode(E, (op) => LOSS_OPS.has(op), 'a loss op');
  let cur = lossNode.inputs[0]!;
  const traced: TracedLayer[] = new Array(L);
  for (let l = L - 1; l >= 0; l--) {
    const layer = model.layers[l]!;
    const tracer = LEDGER_TRACERS[layer.kind as LayerKindName] as LayerTracer<Layer>;
    const { record, input } = tracer(layer, cur, l, l === L - 1 && fused);
    traced[l] = record;
    cur = input;
  }
  const cost = E.data[0]!;
  backward(E);
  return { layers: traced, cost, fused };
}

/**
 * Finds one layer's values in the recorded graph, from the tensor the layer produced (`out`) back
 * to the tensor that fed it, and marks them `retainGrad`. `fusedOutput`: the layer is the output
 * layer and its activation is folded into the loss (`out` is then its net input z).
 */
type LayerTracer<L extends Layer> = (layer: L, out: Tensor, index: number, fusedOutput: boolean) => { record: TracedLayer; input: Tensor };

/** A dense layer: [activation ←] add ← matmul(input, W), with the layer's own W and b. */
const traceDense: LayerTracer<Dense> = (layer, out, l, fusedOutput) => {
  let z: Tensor;
  let a: Tensor | null;
  if (fusedOutput) {
    z = out;
    a = null;
  } else if (layer.activation === 'linear') {
    z = out;
    a = out;
  } else {
    const act = expectNode(out, (op) => op === layer.activation, `activation ${layer.activation} of layer ${l + 1}`);
    a = out;
    z = act.inputs[0]!;
  }
  const addNode = expectNode(z, (op) => op === 'add', `z = x·Wᵀ + b of layer ${l + 1}`);
  const mm = expectNode(addNode.inputs[0]!, (op) => op === 'matmul', `x·Wᵀ of layer ${l + 1}`);
  if (addNode.inputs[1] !== layer.bias || mm.inputs[1] !== layer.weight) {
    throw new BackpropError('autograd', `explain: the recorded graph of layer ${l + 1} does not use that layer's weight and bias`);
  }
  const input = mm.inputs[0]!;
  z.retainsGrad = true;
  if (a !== null) a.retainsGrad = true;
  const { local, jacobian } = localDerivatives(layer, z, a);
  return { record: { layer, input, z, a, local, jacobian }, input };
};

/**
 * How the ledger finds each kind of layer in the recorded graph. Complete over the layer kinds
 * (a kind without its entry does not compile); what the ledger then shows of a layer is built
 * from its {@link TracedLayer}.
 */
export const LEDGER_TRACERS: { readonly [K in LayerKindName]: LayerTracer<LayerOfKind<K>> } = {
  dense: traceDense,
};

function expectNode(t: Tensor, ok: (op: string) => boolean, what: string): GradNode {
  const node = t.gradFn as GradNode | null;
  if (node === null || !ok(node.op) || node.backward === null) {
    throw new BackpropError('autograd', `explain: expected ${what} in the recorded graph, found ${node === null ? 'a leaf tensor' : `op ${node.op}`}`);
  }
  return node;
}

/** f′(z) from the op's own backward (called with a gradient of ones), or softmax's Jacobian. */
function localDerivatives(layer: Dense, z: Tensor, a: Tensor | null): { local: Float64Array | null; jacobian: number[][][] | null } {
  if (a === null) return { local: null, jacobian: null };
  if (a === z) return { local: new Float64Array(z.size).fill(1), jacobian: null };
  const node = a.gradFn as GradNode;
  const run = (g: Tensor): Tensor => noGrad(() => node.backward!(g)[0]!);
  if (ACTIVATION_TABLE[layer.activation].form === 'elementwise') {
    const ones = new Tensor(a.data.slice().fill(1), a.shape);
    return { local: Float64Array.from(run(ones).data), jacobian: null };
  }
  const [rows, cols] = [a.shape[0]!, a.shape[1]!];
  const jacobian: number[][][] = [];
  for (let r = 0; r < rows; r++) {
    const J: number[][] = [];
    for (let k = 0; k < cols; k++) {
      const g = new Tensor(a.data.slice().fill(0), a.shape);
      g.data[r * cols + k] = 1;
      const out = run(g).data;
      J.push(Array.from(out.subarray(r * cols, (r + 1) * cols)));
    }
    jacobian.push(J);
  }
  return { local: null, jacobian };
}
