/**
 * The gradient engine: how {@link fit} turns a batch into a loss and parameter gradients.
 *
 * ```ts
 * interface GradientEngine {
 *   lossAndGrad(x: Tensor, t: Tensor): number;   // the batch loss; fills every parameter's .grad
 *   readonly lastLogits?: Tensor | null;         // optional: last layer's z of that batch
 * }
 * ```
 *
 * `lossAndGrad(x, t)` computes E(model(x), t) under the model's loss convention and sets the
 * `.grad` of every parameter of the model to ∂E/∂parameter (replacing what was there — no
 * accumulation across calls). Shapes: x [B, in], t [B, out], both in the model's dtype.
 *
 * Two implementations: {@link AutogradEngine} (records the graph, runs backward, releases it) and
 * the fused dense-stack engine of src/fused (no graph, preallocated buffers, the same numbers bit
 * for bit), which fit uses by default where the model allows it. Either can be chosen explicitly:
 *
 * ```ts
 * await fit(model, data, { loss, engine: (m, l) => new AutogradEngine(m, l) });
 * ```
 *
 * `lastLogits` lets the loop report a running accuracy without a second forward pass; an engine
 * that does not keep them leaves it undefined (the progress then shows the loss only).
 */
import { activate } from '../nn/activations.js';
import { lossOf, type LossName } from '../nn/losses.js';
import { backward } from '../autograd/engine.js';
import * as ops from '../autograd/ops/index.js';
import type { Sequential } from '../nn/sequential.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/node.js';

/** Computes a batch loss and fills the parameters' `.grad` (see the top of this file). */
export interface GradientEngine {
  /** The loss of the batch (x [B, in], t [B, out]); afterwards every parameter's `.grad` is ∂E/∂p. */
  lossAndGrad(x: Tensor, t: Tensor): number;
  /** The last layer's pre-activations z [B, out] of the latest batch, when the engine keeps them. */
  readonly lastLogits?: Tensor | null;
  /** The network's outputs y = f(z) [B, out] of the latest batch (row-major), when the engine has them. */
  lastOutputs?(): FloatArray | null;
  /**
   * Tensors x [rows, in] and t [rows, out] over buffers the engine reads in place: a loop fills
   * them and passes them to `lossAndGrad` instead of allocating (optional).
   */
  batchBuffers?(rows: number): { x: Tensor; t: Tensor };
}

/** Makes the engine for a model and loss (the hook the fused dense-stack path plugs into). */
export type EngineFactory = (model: Sequential, loss: LossName) => GradientEngine;

/**
 * The loss from the last layer's pre-activations z: fused with the output activation where the
 * pair allows it (softmax + cross_entropy, sigmoid + bce), else E(f(z), t). The same operations,
 * in the same order, as `modelLoss`, so the numbers are identical.
 *
 * @example
 * ```ts
 * const z = model.forwardLogits(x);          // the last layer before its activation
 * lossFromLogits(model, 'sse', z, t).item();   // 0.28217575 for the seed network (fused for softmax/cross_entropy)
 * ```
 */
export function lossFromLogits(model: Sequential, loss: LossName, z: Tensor, t: Tensor): Tensor {
  const out = model.layers[model.layers.length - 1]!.activation;
  if (loss === 'cross_entropy' && out === 'softmax') return ops.softmaxCrossEntropy(z, t);
  if (loss === 'bce' && out === 'sigmoid') return ops.sigmoidBinaryCrossEntropy(z, t);
  return lossOf(loss, activate(out, z), t);
}

/**
 * The default engine: forward with the graph recorded, `backward()`, graph released.
 *
 * @example
 * ```ts
 * const engine = new AutogradEngine(model, 'cross_entropy');
 * const E = engine.lossAndGrad(xb, tb);   // model.layers[0].weight.grad is now ∂E/∂W1
 * ```
 */
export class AutogradEngine implements GradientEngine {
  lastLogits: Tensor | null = null;

  constructor(
    readonly model: Sequential,
    readonly loss: LossName,
  ) {}

  lossAndGrad(x: Tensor, t: Tensor): number {
    this.model.zeroGrad();
    const z = this.model.forwardLogits(x);
    const E = lossFromLogits(this.model, this.loss, z, t);
    const value = E.item();
    backward(E);
    this.lastLogits = z;
    return value;
  }

  lastOutputs(): FloatArray | null {
    const z = this.lastLogits;
    return z === null ? null : noGrad(() => activate(this.model.layers[this.model.layers.length - 1]!.activation, z)).data;
  }
}

/** The default {@link EngineFactory}: an {@link AutogradEngine}. */
export const autogradEngine: EngineFactory = (model, loss) => new AutogradEngine(model, loss);
