import { BackpropError } from '../errors.js';
import { checkNetworkSize } from './size.js';
import { add } from '../autograd/ops/arith.js';
import { matmul } from '../autograd/ops/matmul.js';
import type { DType } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import { shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { activate, checkActivation, type ActivationName } from './activations.js';
import { defaultInitializer, initialize, type InitializerName } from './init.js';
import { Layer, type LayerValues } from './layer.js';

/** How to build a {@link Dense} layer from sizes (its weights drawn from an Rng). */
export interface DenseOptions {
  /** Inputs per sample (fan-in). */
  inputs: number;
  /** Neurons (outputs per sample). */
  units: number;
  /** Activation applied to z = x·Wᵀ + b; default `linear`. */
  activation?: ActivationName;
  /** Weight initializer; default He for the ReLU family, Glorot otherwise. Biases start at 0. */
  init?: InitializerName;
  /** Generator for the initial weights (required unless init is `zeros`). */
  rng?: Rng;
  /** default `float64`. */
  dtype?: DType;
}

/**
 * A fully connected layer: y = f(x·Wᵀ + b) for a batch x of rows — the seed notebook's
 * f(W·x + b) with samples as rows (PyTorch's `Linear` followed by the activation).
 *
 * Shape: W [units, inputs] (outputs × inputs), b [units]; x [N, inputs] → y [N, units].
 *
 * @example
 * ```ts
 * const layer = Dense.fromWeights([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], [0.5, 0.5], 'sigmoid');
 * layer.forward(tensor([[1, 2, 3]]));   // [[0.93702664, 0.96442881]]
 * ```
 */
export class Dense extends Layer {
  readonly kind = 'dense';
  /** W, shape [units, inputs]. */
  readonly weight: Tensor;
  /** b, shape [units]. */
  readonly bias: Tensor;
  /** The activation f. */
  activation: ActivationName;

  constructor(weight: Tensor, bias: Tensor, activation: ActivationName = 'linear') {
    super();
    if (weight.ndim !== 2) throw new BackpropError('shape', `Dense: weight must be 2-D [units, inputs], got ${shapeToString(weight.shape)}`);
    if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
      throw new BackpropError('shape', `Dense: bias must have shape [${weight.shape[0]}] to match weight ${shapeToString(weight.shape)}, got ${shapeToString(bias.shape)}`);
    }
    if (weight.dtype !== bias.dtype) throw new BackpropError('dtype', `Dense: weight is ${weight.dtype} but bias is ${bias.dtype}`);
    this.weight = weight;
    this.bias = bias;
    this.weight.requiresGrad = true;
    this.bias.requiresGrad = true;
    this.activation = checkActivation(activation, 'Dense');
  }

  /** A layer with freshly initialised weights (see {@link DenseOptions}). */
  static create(options: DenseOptions): Dense {
    const { inputs, units } = options;
    for (const [k, v] of [['inputs', inputs], ['units', units]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new BackpropError('value', `Dense: ${k} must be a positive integer, got ${v}`);
    }
    checkNetworkSize([inputs, units], 'Dense: the layer');
    const activation = checkActivation(options.activation ?? 'linear', 'Dense');
    const init = options.init ?? defaultInitializer(activation);
    if (init !== 'zeros' && options.rng === undefined) throw new BackpropError('value', `Dense: initializer ${init} needs an rng`);
    const dtype = options.dtype ?? 'float64';
    const weight = init === 'zeros' ? new Tensor(new (dtype === 'float64' ? Float64Array : Float32Array)(units * inputs), [units, inputs]) : initialize(init, units, inputs, options.rng!, dtype);
    const bias = new Tensor(dtype === 'float64' ? new Float64Array(units) : new Float32Array(units), [units]);
    return new Dense(weight, bias, activation);
  }

  /** A layer from nested arrays: `weights` is outputs × inputs. */
  static fromWeights(weights: number[][], bias: number[], activation: ActivationName = 'linear', dtype: DType = 'float64'): Dense {
    const rows = weights.length;
    const cols = rows === 0 ? 0 : weights[0]!.length;
    const w = dtype === 'float64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
    weights.forEach((row, i) => w.set(row, i * cols));
    const b = dtype === 'float64' ? Float64Array.from(bias) : Float32Array.from(bias);
    return new Dense(new Tensor(w, [rows, cols]), new Tensor(b, [bias.length]), activation);
  }

  /**
   * A layer from flat row-major weights (`units × inputs` numbers) and a bias, copied into arrays
   * of `dtype` — how large models come back from a weights file.
   *
   * @example
   * ```ts
   * Dense.fromArrays(new Float64Array([0.1, 0.3, 0.5, 0.2, 0.4, 0.6]), new Float64Array([0.5, 0.5]), 3, 2, 'sigmoid');
   * ```
   */
  static fromArrays(weights: ArrayLike<number>, bias: ArrayLike<number>, inputs: number, units: number, activation: ActivationName = 'linear', dtype: DType = 'float64'): Dense {
    checkNetworkSize([inputs, units], 'Dense: the layer');
    if (weights.length !== inputs * units || bias.length !== units) {
      throw new BackpropError('shape', `Dense.fromArrays: expected ${inputs * units} weights and ${units} biases, got ${weights.length} and ${bias.length}`);
    }
    const make = (a: ArrayLike<number>): Float64Array | Float32Array => (dtype === 'float64' ? Float64Array.from(a) : Float32Array.from(a));
    return new Dense(new Tensor(make(weights), [units, inputs]), new Tensor(make(bias), [units]), activation);
  }

  /** Inputs per sample. */
  get inputs(): number {
    return this.weight.shape[1]!;
  }

  /** Neurons. */
  get units(): number {
    return this.weight.shape[0]!;
  }

  get inputSize(): number {
    return this.inputs;
  }

  get outputSize(): number {
    return this.units;
  }

  get dtype(): DType {
    return this.weight.dtype;
  }

  get endsWith(): ActivationName {
    return this.activation;
  }

  /** The net input z = x·Wᵀ + b (before the activation). Shape [N, units]. */
  preActivation(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.inputs) {
      throw new BackpropError('shape', `Dense: expected input of shape [N, ${this.inputs}], got ${shapeToString(x.shape)}`);
    }
    return add(matmul(x, this.weight, { transB: true }), this.bias);
  }

  /** y = f(x·Wᵀ + b). */
  forward(x: Tensor): Tensor {
    return activate(this.activation, this.preActivation(x));
  }

  /** y = f(z) with the net input z = x·Wᵀ + b among the values. */
  override trace(x: Tensor): LayerValues {
    const z = this.preActivation(x);
    return { values: { z }, output: activate(this.activation, z) };
  }

  /** z = x·Wᵀ + b: the logits of an output layer. */
  override logits(x: Tensor): Tensor {
    return this.preActivation(x);
  }

  override weightTensors(): Tensor[] {
    return [this.weight];
  }

  protected override ownParameters(): [string, Tensor][] {
    return [
      ['weight', this.weight],
      ['bias', this.bias],
    ];
  }

  override whyNotFused(): string | null {
    return this.weight.dtype === this.bias.dtype ? null : `its weight is ${this.weight.dtype} but its bias ${this.bias.dtype}`;
  }

  override describe(): string {
    return `dense ${this.inputs}→${this.units}, ${this.activation}`;
  }

  clone(): Dense {
    const copy = new Dense(this.weight.clone(), this.bias.clone(), this.activation);
    copy.training = this.training;
    return copy;
  }
}
