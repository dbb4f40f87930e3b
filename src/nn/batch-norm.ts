import { BackpropError } from '../errors.js';
import { batchNorm, moments } from '../autograd/ops/norm.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { ActivationName } from './activations.js';
import { Layer, type LayerValues } from './layer.js';

/** Options of {@link BatchNorm1d} (PyTorch's defaults). */
export interface BatchNormOptions {
  /** ε added to the variance; default 1e-5. */
  eps?: number;
  /**
   * Weight of the newest batch in the running statistics, running ← (1 − m)·running + m·batch;
   * default 0.1. `null`: a cumulative average over all batches so far (m = 1/num_batches_tracked).
   */
  momentum?: number | null;
  /** Learnable scale γ (ones) and shift β (zeros); default true. */
  affine?: boolean;
  /** default `float64`. */
  dtype?: DType;
}

/**
 * Batch normalisation over a batch's samples (PyTorch's `nn.BatchNorm1d(features)`): each feature j
 * is standardised with the batch's mean μⱼ and biased variance σ²ⱼ in training mode, then scaled and
 * shifted, y = γⱼ·(x − μⱼ)/√(σ²ⱼ + ε) + βⱼ (the math is the {@link batchNorm} op). Each training
 * forward also updates the running statistics with the batch's mean and its unbiased variance
 * (σ²·N/(N − 1)), exactly as PyTorch, and counts `num_batches_tracked`; in eval mode the running
 * statistics normalise instead, so one sample's prediction does not depend on the others.
 *
 * Parameters `weight` γ and `bias` β [F] (when affine); buffers `running_mean` [F] (zeros),
 * `running_var` [F] (ones), `num_batches_tracked` [] (0) — PyTorch's state-dict names.
 *
 * Shape: x [N, F] → y [N, F]; in training mode N ≥ 2.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(2);
 * bn.forward(tensor([[1, 10], [3, 30]])).toArray();   // [[−0.999995, −0.99999999], [0.999995, 0.99999999]]
 * bn.runningMean.toArray();                           // [0.2, 2]: 0.9·0 + 0.1·[2, 20]
 * bn.eval().forward(tensor([[0.2, 2]])).toArray();    // [[0, 0]] with the running statistics
 * ```
 */
export class BatchNorm1d extends Layer {
  readonly kind = 'batch_norm';
  readonly features: number;
  readonly eps: number;
  readonly momentum: number | null;
  /** γ, shape [F] (null without affine). */
  readonly weight: Tensor | null;
  /** β, shape [F] (null without affine). */
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  /** One number: how many training batches have updated the running statistics. */
  readonly numBatchesTracked: Tensor;

  constructor(features: number, options: BatchNormOptions = {}) {
    super();
    checkFeatures(features, 'BatchNorm1d');
    this.features = features;
    this.eps = checkEps(options.eps ?? 1e-5, 'BatchNorm1d');
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (momentum !== null && !(Number.isFinite(momentum) && momentum >= 0 && momentum <= 1)) {
      throw new BackpropError('value', `BatchNorm1d: momentum must be a number in [0, 1] or null (a cumulative average), got ${momentum}`);
    }
    this.momentum = momentum;
    const dtype = options.dtype ?? 'float64';
    const filled = (v: number): Tensor => new Tensor(allocate(dtype, features).fill(v), [features]);
    const affine = options.affine ?? true;
    this.weight = affine ? filled(1) : null;
    this.bias = affine ? filled(0) : null;
    if (this.weight) this.weight.requiresGrad = true;
    if (this.bias) this.bias.requiresGrad = true;
    this.runningMean = filled(0);
    this.runningVar = filled(1);
    this.numBatchesTracked = new Tensor(allocate(dtype, 1), []);
  }

  /** Whether the layer has the learnable γ and β. */
  get affine(): boolean {
    return this.weight !== null;
  }

  get inputSize(): number {
    return this.features;
  }

  get outputSize(): number {
    return this.features;
  }

  get dtype(): DType {
    return this.runningMean.dtype;
  }

  get endsWith(): ActivationName {
    return 'linear';
  }

  /**
   * y = γ·x̂ + β. Training mode: x̂ from the batch's statistics, which then update the running
   * ones; eval mode: from the running statistics.
   */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }

  /** The output with the statistics it normalised with, `{ mean, variance }` [F] (the batch's or the running ones). */
  override trace(x: Tensor): LayerValues {
    const { output, mean, variance } = this.run(x);
    const dt = this.dtype;
    const vec = (v: ArrayLike<number>): Tensor => new Tensor(Float64Array.from(v), [this.features]).astype(dt);
    return { values: { mean: vec(mean), variance: vec(variance) }, output };
  }

  private run(x: Tensor): { output: Tensor; mean: ArrayLike<number>; variance: ArrayLike<number> } {
    if (x.ndim !== 2 || x.shape[1] !== this.features) {
      throw new BackpropError('shape', `BatchNorm1d: expected input of shape [N, ${this.features}], got [${x.shape.join(', ')}]`);
    }
    if (!this.training) {
      const running = { mean: this.runningMean.data.slice(), variance: this.runningVar.data.slice() };
      return { output: batchNorm(x, this.weight, this.bias, { eps: this.eps, running }), ...running };
    }
    const stats = moments(x, 0);
    const output = batchNorm(x, this.weight, this.bias, { eps: this.eps, stats });
    this.updateRunning(stats.mean, stats.variance, stats.count);
    return { output, mean: stats.mean, variance: stats.variance };
  }

  /**
   * What a training forward does to the running statistics, given the batch's mean and biased
   * variance over `n` samples: running_mean ← (1 − m)·running_mean + m·μ, running_var ←
   * (1 − m)·running_var + m·σ²·n/(n − 1) (the unbiased variance), num_batches_tracked += 1;
   * m = momentum, or 1/num_batches_tracked. (The fused layer engine calls it too.)
   */
  updateRunning(mean: ArrayLike<number>, variance: ArrayLike<number>, n: number): void {
    const count = this.numBatchesTracked.data[0]! + 1;
    this.numBatchesTracked.data[0] = count;
    const m = this.momentum ?? 1 / count;
    const rm = this.runningMean.data;
    const rv = this.runningVar.data;
    const unbias = n / (n - 1);
    for (let j = 0; j < this.features; j++) {
      rm[j] = (1 - m) * rm[j]! + m * mean[j]!;
      rv[j] = (1 - m) * rv[j]! + m * variance[j]! * unbias;
    }
  }

  protected override ownParameters(): [string, Tensor][] {
    return this.weight === null || this.bias === null ? [] : [['weight', this.weight], ['bias', this.bias]];
  }

  protected override ownBuffers(): [string, Tensor][] {
    return [['running_mean', this.runningMean], ['running_var', this.runningVar], ['num_batches_tracked', this.numBatchesTracked]];
  }

  override whyNotFused(): string | null {
    return 'batch norm has no fused kernels yet (it trains on the autograd engine)';
  }

  override describe(): string {
    return `batch_norm ${this.features}`;
  }

  clone(): BatchNorm1d {
    const copy = new BatchNorm1d(this.features, { eps: this.eps, momentum: this.momentum, affine: this.affine, dtype: this.dtype });
    copy.loadStateDict(this.stateDict().map(([n, t]) => [n, t.data] as const), 'BatchNorm1d.clone');
    copy.training = this.training;
    return copy;
  }
}

/** Throws unless `features` is a positive integer. */
export function checkFeatures(features: number, where: string): void {
  if (!Number.isInteger(features) || features < 1) throw new BackpropError('value', `${where}: features must be a positive integer, got ${features}`);
}

/** Throws unless `eps` is a finite number > 0. */
export function checkEps(eps: number, where: string): number {
  if (!(Number.isFinite(eps) && eps > 0)) throw new BackpropError('value', `${where}: eps must be a number > 0, got ${eps}`);
  return eps;
}
