import { BackpropError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { activate, checkActivation, type ActivationName } from './activations.js';
import { checkFeatures } from './batch-norm.js';
import { Layer, type LayerValues } from './layer.js';

/**
 * An activation as a layer of its own (PyTorch's `nn.ReLU()`, `nn.Tanh()`, …): a = f(z)
 * elementwise (softmax over each row), no parameters. It lets something stand between a dense
 * layer's net input and its activation — `Dense(linear) → BatchNorm1d → Activation(relu)` — while a
 * plain network keeps the activation inside its {@link Dense} layers.
 *
 * Shape: z [N, F] → a [N, F].
 *
 * @example
 * ```ts
 * new Activation(3, 'relu').forward(tensor([[-1, 0, 2]])).toArray();   // [[0, 0, 2]]
 * ```
 */
export class Activation extends Layer {
  readonly kind = 'activation';
  readonly features: number;
  readonly activation: ActivationName;

  constructor(features: number, activation: ActivationName) {
    super();
    checkFeatures(features, 'Activation');
    this.features = features;
    this.activation = checkActivation(activation, 'Activation');
  }

  get inputSize(): number {
    return this.features;
  }

  get outputSize(): number {
    return this.features;
  }

  get dtype(): null {
    return null;
  }

  get endsWith(): ActivationName {
    return this.activation;
  }

  forward(z: Tensor): Tensor {
    if (z.ndim !== 2 || z.shape[1] !== this.features) {
      throw new BackpropError('shape', `Activation: expected input of shape [N, ${this.features}], got [${z.shape.join(', ')}]`);
    }
    return activate(this.activation, z);
  }

  /** a = f(z), with its input among the values as `z` (the net input the activation is applied to). */
  override trace(z: Tensor): LayerValues {
    return { values: { z }, output: this.forward(z) };
  }

  /** The logits of an output activation: the input itself. */
  override logits(z: Tensor): Tensor {
    return z;
  }

  override whyNotFused(): string | null {
    return 'an activation layer of its own has no fused kernels (a dense layer with that activation has)';
  }

  override describe(): string {
    return `activation ${this.features}, ${this.activation}`;
  }

  clone(): Activation {
    const copy = new Activation(this.features, this.activation);
    copy.training = this.training;
    return copy;
  }
}
