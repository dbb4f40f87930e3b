import { BackpropError } from '../errors.js';
import { checkNetworkSize } from './size.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import type { ActivationName } from './activations.js';
import { Dense } from './dense.js';
import type { InitializerName } from './init.js';
import { Module } from './module.js';

/**
 * Layers applied one after another. Parameter names are `${index}.${name}`: `0.weight`, `0.bias`,
 * `1.weight`, … (index = position in the stack).
 *
 * @example
 * ```ts
 * const net = Sequential.mlp([3, 2, 2], { activation: 'sigmoid', rng: new Rng(1) });
 * net.forward(tensor([[1, 2, 3]])).shape;   // [1, 2]
 * ```
 */
export class Sequential extends Module {
  readonly layers: Dense[];

  constructor(layers: Dense[]) {
    super();
    if (layers.length === 0) throw new BackpropError('value', 'Sequential: expected at least one layer');
    for (let i = 1; i < layers.length; i++) {
      if (layers[i]!.inputs !== layers[i - 1]!.units) {
        throw new BackpropError('shape', `Sequential: layer ${i} takes ${layers[i]!.inputs} inputs but layer ${i - 1} gives ${layers[i - 1]!.units} outputs`);
      }
    }
    layers.forEach((layer, i) => {
      if (layer.activation === 'softmax' && i !== layers.length - 1) {
        throw new BackpropError('value', `Sequential: softmax is only supported as the output activation (layer ${i} of ${layers.length})`);
      }
    });
    this.layers = layers;
    for (const [name, p] of this.namedParameters()) p.name = name;
  }

  /**
   * A multi-layer perceptron from layer sizes, e.g. `[784, 128, 64, 10]`: hidden layers use
   * `activation`, the last layer `output` (default: same as hidden).
   */
  static mlp(
    sizes: readonly number[],
    options: { activation?: ActivationName; output?: ActivationName; init?: InitializerName; rng: Rng; dtype?: DType },
  ): Sequential {
    if (sizes.length < 2) throw new BackpropError('value', `Sequential.mlp: expected at least 2 sizes (inputs and outputs), got ${JSON.stringify(sizes)}`);
    // NOTE: before any allocation: a 100000-100000 layer would otherwise end in "Invalid typed array length".
    checkNetworkSize(sizes, 'Sequential.mlp: the network');
    const hidden = options.activation ?? 'relu';
    const layers: Dense[] = [];
    for (let i = 1; i < sizes.length; i++) {
      const last = i === sizes.length - 1;
      const opts = {
        inputs: sizes[i - 1]!,
        units: sizes[i]!,
        activation: last ? (options.output ?? hidden) : hidden,
        rng: options.rng,
        ...(options.init !== undefined ? { init: options.init } : {}),
        ...(options.dtype !== undefined ? { dtype: options.dtype } : {}),
      };
      layers.push(Dense.create(opts));
    }
    return new Sequential(layers);
  }

  /** Inputs per sample of the first layer. */
  get inputSize(): number {
    return this.layers[0]!.inputs;
  }

  /** Outputs per sample of the last layer. */
  get outputSize(): number {
    return this.layers[this.layers.length - 1]!.units;
  }

  /** The element type of the parameters. */
  get dtype(): DType {
    return this.layers[0]!.weight.dtype;
  }

  /** Layer sizes, inputs first: `[3, 2, 2]` for the seed network. */
  get sizes(): number[] {
    return [this.inputSize, ...this.layers.map((l) => l.units)];
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }

  /** The output of the last layer before its activation (logits for softmax outputs). */
  forwardLogits(x: Tensor): Tensor {
    let h = x;
    const last = this.layers.length - 1;
    for (let i = 0; i < last; i++) h = this.layers[i]!.forward(h);
    return this.layers[last]!.preActivation(h);
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    return this.layers.flatMap((layer, i) => layer.namedParameters(`${prefix}${i}.`));
  }

  /** A deep copy (own buffers, no gradients). */
  clone(): Sequential {
    return new Sequential(this.layers.map((l) => new Dense(l.weight.clone(), l.bias.clone(), l.activation)));
  }

  /** Copies every parameter value from `other` (same architecture) into this model. */
  copyFrom(other: Sequential): void {
    const mine = this.parameters();
    const theirs = other.parameters();
    if (mine.length !== theirs.length) throw new BackpropError('shape', 'Sequential.copyFrom: architectures differ');
    mine.forEach((p, i) => {
      if (p.size !== theirs[i]!.size) throw new BackpropError('shape', `Sequential.copyFrom: parameter ${p.name} sizes differ`);
      p.data.set(theirs[i]!.data);
    });
  }
}
