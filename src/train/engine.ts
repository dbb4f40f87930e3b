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
import { lossFromLogits, type LossName } from '../nn/losses.js';
import { backward } from '../autograd/engine.js';
import { noGrad } from '../autograd/node.js';
import type { Sequential } from '../nn/sequential.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/** One layer's values in the latest step: net input `z`, output `a` and δ = ∂E/∂z (rows × units). */
export interface LayerStepValues {
  /** Position in the Sequential. */
  readonly index: number;
  readonly z: Tensor;
  readonly a: Tensor;
  /** ∂E/∂z; null where the engine did not keep it. */
  readonly delta: Tensor | null;
}

/** What an engine kept of its latest step, layer by layer (views valid until the next step). */
export type StepTrace = readonly LayerStepValues[];

/** Computes a batch loss and fills the parameters' `.grad` (see the top of this file). */
export interface GradientEngine {
  /** The loss of the batch (x [B, in], t [B, out]); afterwards every parameter's `.grad` is ∂E/∂p. */
  lossAndGrad(x: Tensor, t: Tensor): number;
  /** The last layer's pre-activations z [B, out] of the latest batch, when the engine keeps them. */
  readonly lastLogits?: Tensor | null;
  /** Each layer's z, a and δ of the latest batch, when the engine keeps them. */
  lastTrace?(): StepTrace | null;
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
  private trace: { index: number; z: Tensor; a: Tensor }[] = [];

  constructor(
    readonly model: Sequential,
    readonly loss: LossName,
  ) {}

  lossAndGrad(x: Tensor, t: Tensor): number {
    const model = this.model;
    model.zeroGrad();
    // NOTE: the forward pass layer by layer (Sequential.forwardLogits' order of operations), keeping
    // each layer's net input z (its δ retained) and output a for lastTrace().
    const out = model.outputLayerIndex();
    const trace: { index: number; z: Tensor; a: Tensor }[] = [];
    let h = x;
    model.layers.forEach((layer, index) => {
      if (index === out) {
        h = layer.logits(h);
        return;
      }
      const { values, output } = layer.trace(h);
      const z = values.z ?? output;
      z.retainsGrad = true;
      trace.push({ index, z, a: output });
      h = output;
    });
    h.retainsGrad = true;
    const E = lossFromLogits(this.loss, model.outputActivation, h, t);
    const value = E.item();
    backward(E);
    this.lastLogits = h;
    this.trace = [...trace, { index: out, z: h, a: h }];
    return value;
  }

  lastOutputs(): FloatArray | null {
    const z = this.lastLogits;
    return z === null ? null : noGrad(() => activate(this.model.outputActivation, z)).data;
  }

  lastTrace(): StepTrace {
    const last = this.trace.length - 1;
    return this.trace.map((l, i) => ({
      index: l.index,
      z: l.z,
      // NOTE: the output layer's a = f(z), computed here (the loss took the logits).
      a: i === last ? noGrad(() => activate(this.model.outputActivation, l.z)) : l.a,
      delta: l.z.grad,
    }));
  }
}

/** The default {@link EngineFactory}: an {@link AutogradEngine}. */
export const autogradEngine: EngineFactory = (model, loss) => new AutogradEngine(model, loss);
