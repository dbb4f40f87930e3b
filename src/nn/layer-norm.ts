import { BackpropError } from '../errors.js';
import { layerNorm, moments } from '../autograd/ops/norm.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { ActivationName } from './activations.js';
import { checkEps, checkFeatures } from './batch-norm.js';
import { Layer, type LayerValues } from './layer.js';

/** Options of {@link LayerNorm} (PyTorch's defaults). */
export interface LayerNormOptions {
  /** ε added to the variance; default 1e-5. */
  eps?: number;
  /** Learnable scale γ (ones) and shift β (zeros) per feature; default true. */
  elementwiseAffine?: boolean;
  /** default `float64`. */
  dtype?: DType;
}

/**
 * Layer normalisation (PyTorch's `nn.LayerNorm(features)`): each sample is standardised over its
 * own F features, y = γ·(x − μₙ)/√(σ²ₙ + ε) + β with the row's mean μₙ and biased variance σ²ₙ
 * (the {@link layerNorm} op) — the same in training and eval mode, no running statistics.
 *
 * Parameters `weight` γ and `bias` β [F] when elementwise affine.
 *
 * Shape: x [N, F] → y [N, F].
 *
 * @example
 * ```ts
 * new LayerNorm(2).forward(tensor([[1, 3], [10, 30]])).toArray();   // [[−0.999995, 0.999995], [−0.99999999, 0.99999999]]
 * ```
 */
export class LayerNorm extends Layer {
  readonly kind = 'layer_norm';
  readonly features: number;
  readonly eps: number;
  /** γ, shape [F] (null without elementwise affine). */
  readonly weight: Tensor | null;
  /** β, shape [F] (null without elementwise affine). */
  readonly bias: Tensor | null;
  private readonly type: DType;

  constructor(features: number, options: LayerNormOptions = {}) {
    super();
    checkFeatures(features, 'LayerNorm');
    this.features = features;
    this.eps = checkEps(options.eps ?? 1e-5, 'LayerNorm');
    this.type = options.dtype ?? 'float64';
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Tensor(allocate(this.type, features).fill(1), [features], { requiresGrad: true }) : null;
    this.bias = affine ? new Tensor(allocate(this.type, features), [features], { requiresGrad: true }) : null;
  }

  /** Whether the layer has the learnable γ and β. */
  get elementwiseAffine(): boolean {
    return this.weight !== null;
  }

  get inputSize(): number {
    return this.features;
  }

  get outputSize(): number {
    return this.features;
  }

  get dtype(): DType {
    return this.type;
  }

  get endsWith(): ActivationName {
    return 'linear';
  }

  forward(x: Tensor): Tensor {
    this.check(x);
    return layerNorm(x, this.weight, this.bias, { eps: this.eps });
  }

  /** The output with each sample's `mean` and `variance` [N] among the values. */
  override trace(x: Tensor): LayerValues {
    this.check(x);
    const stats = moments(x, 1);
    const output = layerNorm(x, this.weight, this.bias, { eps: this.eps, stats });
    const n = x.shape[0]!;
    const vec = (v: Float64Array): Tensor => new Tensor(v, [n]).astype(this.type);
    return { values: { mean: vec(stats.mean), variance: vec(stats.variance) }, output };
  }

  private check(x: Tensor): void {
    if (x.ndim !== 2 || x.shape[1] !== this.features) {
      throw new BackpropError('shape', `LayerNorm: expected input of shape [N, ${this.features}], got [${x.shape.join(', ')}]`);
    }
  }

  protected override ownParameters(): [string, Tensor][] {
    return this.weight === null || this.bias === null ? [] : [['weight', this.weight], ['bias', this.bias]];
  }

  override whyNotFused(): string | null {
    return 'layer norm has no fused kernels yet (it trains on the autograd engine)';
  }

  override describe(): string {
    return `layer_norm ${this.features}`;
  }

  clone(): LayerNorm {
    const copy = new LayerNorm(this.features, { eps: this.eps, elementwiseAffine: this.elementwiseAffine, dtype: this.type });
    copy.loadStateDict(this.stateDict().map(([n, t]) => [n, t.data] as const), 'LayerNorm.clone');
    copy.training = this.training;
    return copy;
  }
}
