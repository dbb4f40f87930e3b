import { modelBundle } from '../display/model.js';
import { JUPYTER_DISPLAY, type MediaBundle } from '../display/protocol.js';
import { BackpropError } from '../errors.js';
import { checkNetworkSize } from './size.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { ACTIVATION_TABLE, type ActivationName } from './activations.js';
import { Activation } from './activation-layer.js';
import { BatchNorm1d, type BatchNormOptions } from './batch-norm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { defaultInitializer, type InitializerName } from './init.js';
import type { Layer } from './layer.js';
import type { AnyLayer } from './layer-kinds.js';
import { LayerNorm, type LayerNormOptions } from './layer-norm.js';
import { Module } from './module.js';
import { Rng } from '../tensor/rng.js';

/** Options of {@link Sequential.mlp}: the dense layers'. */
export interface MlpOptions {
  /** Hidden activation; default relu. */
  activation?: ActivationName;
  /** Output activation; default: the hidden one. */
  output?: ActivationName;
  /** Weight initializer; default by the hidden (output) activation. */
  init?: InitializerName;
  rng: Rng;
  dtype?: DType;
}

/** What {@link Sequential.mlp} puts around each hidden dense layer. */
export interface MlpBlockOptions {
  /** A {@link BatchNorm1d} after each hidden dense layer, before its activation (`true` for PyTorch's defaults). */
  batchNorm?: boolean | Omit<BatchNormOptions, 'dtype'>;
  /** A {@link LayerNorm} there instead. */
  layerNorm?: boolean | Omit<LayerNormOptions, 'dtype'>;
  /** A {@link Dropout} with this p after each hidden activation (0 or undefined: none). */
  dropout?: number;
}

/**
 * Layers applied one after another (PyTorch's `nn.Sequential`). Its children are named by
 * position, so parameter names are `${index}.${name}`: `0.weight`, `0.bias`, `1.weight`, …
 *
 * @example
 * ```ts
 * const net = Sequential.mlp([3, 2, 2], { activation: 'sigmoid', rng: new Rng(1) });
 * net.forward(tensor([[1, 2, 3]])).shape;   // [1, 2]
 * net.layers[0].weight.shape;               // [2, 3]
 * ```
 */
export class Sequential<L extends Layer = Layer> extends Module {
  readonly layers: readonly L[];

  constructor(layers: readonly L[]) {
    super();
    if (layers.length === 0) throw new BackpropError('value', 'Sequential: expected at least one layer');
    for (let i = 1; i < layers.length; i++) {
      if (layers[i]!.inputSize !== layers[i - 1]!.outputSize) {
        throw new BackpropError('shape', `Sequential: layer ${i + 1} takes ${layers[i]!.inputSize} inputs but layer ${i} gives ${layers[i - 1]!.outputSize} outputs`);
      }
    }
    layers.forEach((layer, i) => {
      const ends = layer.endsWith;
      if (ends !== null && ACTIVATION_TABLE[ends].outputOnly === true && i !== layers.length - 1) {
        throw new BackpropError('value', `Sequential: ${ends} is only supported as the output activation (layer ${i + 1} of ${layers.length})`);
      }
    });
    this.layers = [...layers];
    for (const [name, t] of this.stateDict()) t.name = name;
  }

  /**
   * A multi-layer perceptron from layer sizes, e.g. `[784, 128, 64, 10]`: hidden layers use
   * `activation`, the last layer `output` (default: same as hidden).
   *
   * With `batchNorm`, `layerNorm` or `dropout`, each hidden layer becomes a block — the
   * normalisation after the dense layer and before its activation, dropout after the activation:
   * `Dense(linear) → BatchNorm1d → Activation(relu) → Dropout(p)` (PyTorch's usual
   * `Linear, BatchNorm1d, ReLU, Dropout`); with dropout alone, `Dense(relu) → Dropout(p)`. The
   * output layer stays one dense layer. Dropout generators are drawn from `rng` after each block's weights.
   *
   * @example
   * ```ts
   * Sequential.mlp([4, 8, 3], { output: 'softmax', rng: new Rng(1) }).layers.length;                          // 2
   * Sequential.mlp([4, 8, 3], { output: 'softmax', batchNorm: true, dropout: 0.2, rng: new Rng(1) }).layers
   *   .map((l) => l.kind);   // ['dense', 'batch_norm', 'activation', 'dropout', 'dense']
   * ```
   */
  static mlp(sizes: readonly number[], options: MlpOptions & { batchNorm?: undefined; layerNorm?: undefined; dropout?: undefined }): Sequential<Dense>;
  static mlp(sizes: readonly number[], options: MlpOptions & MlpBlockOptions): Sequential<AnyLayer>;
  static mlp(sizes: readonly number[], options: MlpOptions & MlpBlockOptions): Sequential<AnyLayer> {
    if (sizes.length < 2) throw new BackpropError('value', `Sequential.mlp: expected at least 2 sizes (inputs and outputs), got ${JSON.stringify(sizes)}`);
    // NOTE: before any allocation: a 100000-100000 layer would otherwise end in "Invalid typed array length".
    checkNetworkSize(sizes, 'Sequential.mlp: the network');
    const hidden = options.activation ?? 'relu';
    const { batchNorm, layerNorm } = options;
    const dropout = options.dropout ?? 0;
    if (batchNorm && layerNorm) throw new BackpropError('value', 'Sequential.mlp: choose batchNorm or layerNorm, not both');
    const norm = batchNorm || layerNorm;
    const dtype = options.dtype ?? 'float64';
    const layers: AnyLayer[] = [];
    for (let i = 1; i < sizes.length; i++) {
      const last = i === sizes.length - 1;
      const units = sizes[i]!;
      const activation = last ? (options.output ?? hidden) : hidden;
      const split = !last && Boolean(norm);
      layers.push(Dense.create({
        inputs: sizes[i - 1]!,
        units,
        // NOTE: a dense layer before its normalisation is linear, but initialised for the activation that follows.
        activation: split ? 'linear' : activation,
        init: options.init ?? defaultInitializer(activation),
        rng: options.rng,
        dtype,
      }));
      if (last) continue;
      if (batchNorm) layers.push(new BatchNorm1d(units, { ...(batchNorm === true ? {} : batchNorm), dtype }));
      if (layerNorm) layers.push(new LayerNorm(units, { ...(layerNorm === true ? {} : layerNorm), dtype }));
      if (split) layers.push(new Activation(units, activation));
      if (dropout > 0) layers.push(new Dropout(units, { p: dropout, rng: new Rng(options.rng.nextUint32()) }));
    }
    return new Sequential(layers);
  }

  /** Inputs per sample of the first layer. */
  get inputSize(): number {
    return this.layers[0]!.inputSize;
  }

  /** Outputs per sample of the last layer. */
  get outputSize(): number {
    return this.layers[this.layers.length - 1]!.outputSize;
  }

  /** The element type of the parameters (of the first layer that has any). */
  get dtype(): DType {
    for (const l of this.layers) {
      const d = l.dtype;
      if (d !== null) return d;
    }
    return 'float64';
  }

  /**
   * Widths at the dense layers, inputs first: `[3, 2, 2]` for the seed network (layers that keep
   * the width, such as normalisation or dropout, add no entry).
   */
  get sizes(): number[] {
    return [this.inputSize, ...this.layers.filter((l) => l instanceof Dense).map((l) => l.outputSize)];
  }

  /** The activation the network's output ends with (`'linear'` when none): what the loss sees. */
  get outputActivation(): ActivationName {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const e = this.layers[i]!.endsWith;
      if (e !== null) return e;
    }
    return 'linear';
  }

  override children(): [string, Module][] {
    return this.layers.map((l, i) => [String(i), l]);
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }

  /** The output before the output activation (the logits for softmax outputs). */
  forwardLogits(x: Tensor): Tensor {
    const k = this.outputLayerIndex();
    let h = x;
    for (let i = 0; i < this.layers.length; i++) h = i === k ? this.layers[i]!.logits(h) : this.layers[i]!.forward(h);
    return h;
  }

  /** The index of the layer whose activation the output ends with (-1 when none does): `forwardLogits` stops its activation. */
  outputLayerIndex(): number {
    for (let i = this.layers.length - 1; i >= 0; i--) if (this.layers[i]!.endsWith !== null) return i;
    return -1;
  }

  /** Why the fused training path cannot run this network (the first layer that stops it), or null. */
  whyNotFused(): string | null {
    for (let i = 0; i < this.layers.length; i++) {
      const why = this.layers[i]!.whyNotFused();
      if (why !== null) return `layer ${i} (${this.layers[i]!.kind}): ${why}`;
    }
    return null;
  }

  /** How a notebook shows it: the network drawn and its summary table (`view` for options). */
  [JUPYTER_DISPLAY](): MediaBundle {
    return modelBundle(this);
  }

  /** A deep copy (own buffers, no gradients). */
  clone(): Sequential<L> {
    const copy = new Sequential(this.layers.map((l) => l.clone() as L));
    copy.training = this.training;
    return copy;
  }

  /** Copies every parameter and buffer value from `other` (same architecture) into this model. */
  copyFrom(other: Sequential): void {
    const mine = this.stateDict();
    const theirs = other.stateDict();
    if (mine.length !== theirs.length || mine.some(([n], i) => n !== theirs[i]![0])) throw new BackpropError('shape', 'Sequential.copyFrom: architectures differ');
    mine.forEach(([name, t], i) => {
      if (t.size !== theirs[i]![1].size) throw new BackpropError('shape', `Sequential.copyFrom: parameter ${name} sizes differ`);
      t.data.set(theirs[i]![1].data);
    });
  }
}
