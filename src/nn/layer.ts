import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationName } from './activations.js';
import { Module } from './module.js';

/** A layer's output and its named intermediate values (e.g. `{ z }` for a dense layer). */
export interface LayerValues {
  readonly values: Readonly<Record<string, Tensor>>;
  readonly output: Tensor;
}

/**
 * A module that can stand in a {@link Sequential}: it maps rows of `inputSize` numbers to rows of
 * `outputSize`, and names its kind — the key under which every other part of the library finds
 * what it needs about it (the model file, safetensors and ONNX in src/io/layer-kinds.ts, the
 * ledger's block in src/explain/layer-blocks.ts), so adding a layer kind is a class here and one
 * entry in each of those tables, each typed so that a missing entry does not compile.
 *
 * @example
 * ```ts
 * const layer: Layer = Dense.create({ inputs: 3, units: 2, activation: 'tanh', rng: new Rng(1) });
 * [layer.kind, layer.inputSize, layer.outputSize, layer.endsWith];   // ['dense', 3, 2, 'tanh']
 * ```
 */
export abstract class Layer extends Module {
  /** The layer's kind, as written in the model file's `"type"`. */
  abstract readonly kind: string;
  /** Numbers per input row. */
  abstract get inputSize(): number;
  /** Numbers per output row. */
  abstract get outputSize(): number;
  /** The element type of the layer's tensors (null for a layer without any). */
  abstract get dtype(): DType | null;

  /**
   * The activation the layer's output ends with, for the loss on the logits and the output range:
   * `'linear'` when the layer applies none, or null when the layer passes its input's through
   * unchanged in meaning (dropout).
   */
  abstract get endsWith(): ActivationName | null;

  /**
   * The output and the layer's named intermediate values on the way (a dense layer's net input
   * `z`), computed as `forward` computes them — with the graph recorded when gradients are on.
   * What {@link forwardTrace}, the training engines' traces and diagnostics read.
   */
  trace(x: Tensor): LayerValues {
    return { values: {}, output: this.forward(x) };
  }

  /** The output before the final activation (the logits): for a layer that ends with none, `forward`. */
  logits(x: Tensor): Tensor {
    return this.forward(x);
  }

  /**
   * Why the fused training path cannot run this layer, as a sentence, or null when it can
   * (see src/fused/stack.ts). The default: not supported.
   */
  whyNotFused(): string | null {
    return `${this.kind} layers have no fused kernels`;
  }

  /** A short description for messages and summaries, e.g. `dense 3→2, sigmoid`. */
  describe(): string {
    return `${this.kind} ${this.inputSize}→${this.outputSize}`;
  }

  /** A deep copy: own buffers, no gradients, same training flag. */
  abstract clone(): Layer;
}
