import { backward } from '../autograd/engine.js';
import { noGrad } from '../autograd/node.js';
import type { Tensor } from '../tensor/tensor.js';
import { activate } from './activations.js';
import { isFused, lossFromLogits, lossOf, type LossName } from './losses.js';
import type { Sequential } from './sequential.js';

/** One layer's part of a {@link forwardTrace}: what came in, what it computed on the way, what went out. */
export interface LayerTrace {
  /** Position in the Sequential (0-based). */
  readonly index: number;
  /** The layer's kind (`dense`, …) and a short description (`dense 3→2, sigmoid`). */
  readonly kind: string;
  readonly describe: string;
  readonly input: Tensor;
  /** Named intermediate values (a dense layer's net input `z`). */
  readonly values: Readonly<Record<string, Tensor>>;
  readonly output: Tensor;
}

/**
 * The forward pass layer by layer, with every intermediate value kept — for the ledger's
 * neighbours (diagnostics, exercises, notebooks) that need to look inside without recording a
 * graph. Runs in the model's current mode (`train()` / `eval()`).
 *
 * Shape: x [N, inputs]; each layer's tensors have N rows.
 *
 * @example
 * ```ts
 * const trace = forwardTrace(seedNetwork(), tensor([[1, 2, 3]]));
 * trace[0].values.z.toArray();   // [[2.7, 3.3]]: the hidden net inputs g = W1·x + b1
 * trace[1].output.toArray();     // [[0.86103399, 0.75879129]]: the outputs y
 * ```
 */
export function forwardTrace(model: Sequential, x: Tensor): LayerTrace[] {
  return noGrad(() => {
    const out: LayerTrace[] = [];
    let h = x;
    model.layers.forEach((layer, index) => {
      const { values, output } = layer.trace(h);
      out.push({ index, kind: layer.kind, describe: layer.describe(), input: h, values, output });
      h = output;
    });
    return out;
  });
}

/** One layer of a {@link RecordedPass}: its input, net input z and output a, all N × units. */
export interface RecordedLayer {
  readonly index: number;
  readonly input: Tensor;
  /** The net input; after `backward()` its `.grad` is δ = ∂E/∂z. */
  readonly z: Tensor;
  /** The output; after `backward()` its `.grad` is ∂E/∂a (null at an output folded into the loss). */
  readonly a: Tensor;
}

/** A forward pass with its graph kept, to be stepped through by hand: Forward now, Backward later. */
export interface RecordedPass {
  readonly x: Tensor;
  readonly t: Tensor;
  readonly loss: LossName;
  readonly layers: readonly RecordedLayer[];
  /** The cost E (a scalar tensor of the graph). */
  readonly E: Tensor;
  readonly cost: number;
  /** Whether the output activation is folded into the loss (softmax + cross_entropy, sigmoid + bce). */
  readonly fused: boolean;
  /** Whether {@link RecordedPass.backward} has run. */
  readonly backwardDone: boolean;
  /** Backpropagation through the recorded graph: every parameter's `.grad`, each z's δ, each a's ∂E/∂a. */
  backward(): void;
}

/**
 * The forward pass of `model` on a batch, recorded with every layer's z and a kept (their
 * gradients retained), and the cost — what a learner steps through: look at the numbers, then run
 * `backward()` and look at the deltas. The same operations as {@link modelLoss}, so the numbers
 * are the engine's.
 *
 * @example
 * ```ts
 * const pass = recordForward(seedNetwork(), 'sse', tensor([[1, 2, 3]]), tensor([[0.5, 0.1]]));
 * pass.cost;                      // 0.28217575
 * pass.backward();
 * pass.layers[1].z.grad!.data;    // δ of the output neurons: [0.043199327, 0.12057664]
 * ```
 */
export function recordForward(model: Sequential, loss: LossName, x: Tensor, t: Tensor): RecordedPass {
  const out = model.outputLayerIndex();
  const fused = isFused(loss, model.outputActivation);
  const layers: RecordedLayer[] = [];
  let h = x;
  let E: Tensor | null = null;
  model.layers.forEach((layer, index) => {
    const input = h;
    if (index === out && fused) {
      const z = retained(layer.logits(h));
      E = lossFromLogits(loss, model.outputActivation, z, t);
      h = noGrad(() => activate(model.outputActivation, z));
      layers.push({ index, input, z, a: h });
      return;
    }
    const { values, output } = layer.trace(h);
    const z = retained(values.z ?? output);
    h = output === z ? z : retained(output);
    layers.push({ index, input, z, a: h });
  });
  E ??= lossOf(loss, h, t);
  const e: Tensor = E;
  let done = false;
  return {
    x, t, loss, layers, E: e, cost: e.item(), fused,
    get backwardDone() {
      return done;
    },
    backward() {
      model.zeroGrad();
      backward(e);
      done = true;
    },
  };
}

function retained(t: Tensor): Tensor {
  t.retainsGrad = true;
  return t;
}
