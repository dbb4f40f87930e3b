import { BackpropError } from '../../errors.js';
import { allocate } from '../../tensor/dtype.js';
import { shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/** The mean and the biased variance (divided by the count) of each group of a normalisation. */
export interface Moments {
  readonly mean: Float64Array;
  /** Σ(x − μ)²/n: the variance a normalisation divides by (PyTorch's, for batch and layer norm). */
  readonly variance: Float64Array;
  /** The number of values in each group (n). */
  readonly count: number;
}

/**
 * The mean and biased variance of a 2-D batch along `axis`: `0` gives one pair per column (batch
 * norm: over the samples), `1` one per row (layer norm: over a sample's features). Two passes in
 * float64 (mean, then the squared deviations), whatever the dtype.
 *
 * Shape: x [N, F] → mean and variance [F] (axis 0) or [N] (axis 1).
 *
 * @example
 * ```ts
 * moments(tensor([[1, 10], [3, 30]]), 0);   // mean [2, 20], variance [1, 100], count 2
 * ```
 */
export function moments(x: Tensor, axis: 0 | 1): Moments {
  const [N, F] = dims(x, axis === 0 ? 'batchNorm' : 'layerNorm');
  const d = x.data;
  const groups = axis === 0 ? F : N;
  const count = axis === 0 ? N : F;
  const mean = new Float64Array(groups);
  const variance = new Float64Array(groups);
  for (let i = 0; i < N; i++) for (let j = 0; j < F; j++) mean[axis === 0 ? j : i]! += d[i * F + j]!;
  for (let g = 0; g < groups; g++) mean[g]! /= count;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < F; j++) {
      const g = axis === 0 ? j : i;
      const c = d[i * F + j]! - mean[g]!;
      variance[g]! += c * c;
    }
  }
  for (let g = 0; g < groups; g++) variance[g]! /= count;
  return { mean, variance, count };
}

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** ε added to the variance; default 1e-5 (PyTorch's). */
  eps?: number;
  /**
   * Statistics to normalise with as constants (evaluation mode: the running mean and variance);
   * the gradient does not flow through them. Without them the batch's own are used.
   */
  running?: { readonly mean: ArrayLike<number>; readonly variance: ArrayLike<number> };
  /** The batch's own {@link moments} along axis 0, when the caller has them already. */
  stats?: Moments;
}

/**
 * Batch normalisation of a batch x [N, F] (PyTorch's `F.batch_norm`), per feature j:
 *
 *   x̂ = (x − μⱼ)/√(σ²ⱼ + ε),   y = γⱼ·x̂ + βⱼ
 *
 * with μⱼ, σ²ⱼ the mean and biased variance of column j over the batch (training), or the given
 * running statistics (evaluation). `weight` γ and `bias` β, shape [F], may be null (no affine).
 *
 * Backward, per column with r = 1/√(σ² + ε) and ĝ = ∂E/∂x̂ = g·γ (the batch's statistics depend on
 * x, so every sample's gradient involves the whole column):
 *
 *   ∂E/∂x = (r/N)·(N·ĝ − Σₙ ĝ − x̂·Σₙ ĝ·x̂),   ∂E/∂γ = Σₙ g·x̂,   ∂E/∂β = Σₙ g
 *
 * and with fixed statistics simply ∂E/∂x = ĝ·r. Needs N ≥ 2 with batch statistics (a single
 * sample has no spread; PyTorch refuses it too).
 *
 * @example
 * ```ts
 * batchNorm(tensor([[1], [3]]), null, null).toArray();   // [[−0.99999500], [0.99999500]]: (x − 2)/√(1 + 1e-5)
 * ```
 */
export function batchNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const [N, F] = dims(x, 'batchNorm');
  const eps = options.eps ?? 1e-5;
  if (options.running === undefined && N < 2) {
    throw new BackpropError('shape', `batchNorm: expected more than 1 sample per batch in training mode (the batch's variance needs two), got ${N}; use a batch size that leaves no batch of 1 row, or eval mode`);
  }
  const stats = options.running ?? options.stats ?? moments(x, 0);
  return normalize('batch_norm', x, weight, bias, stats.mean, stats.variance, eps, 0, options.running === undefined, N, F);
}

/**
 * Layer normalisation of x [N, F] over each sample's F features (PyTorch's `F.layer_norm` with
 * `normalized_shape = [F]`): x̂ = (x − μₙ)/√(σ²ₙ + ε), y = γ·x̂ + β, μₙ and σ²ₙ (biased) of row n.
 * The same in training and evaluation. Backward per row, r = 1/√(σ²ₙ + ε), ĝ = g·γ:
 * ∂E/∂x = (r/F)·(F·ĝ − Σ_f ĝ − x̂·Σ_f ĝ·x̂); ∂E/∂γ = Σₙ g·x̂, ∂E/∂β = Σₙ g.
 *
 * @example
 * ```ts
 * layerNorm(tensor([[1, 3]]), null, null).toArray();   // [[−0.99999500, 0.99999500]]
 * ```
 */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, options: { eps?: number; stats?: Moments } = {}): Tensor {
  const [N, F] = dims(x, 'layerNorm');
  const stats = options.stats ?? moments(x, 1);
  return normalize('layer_norm', x, weight, bias, stats.mean, stats.variance, options.eps ?? 1e-5, 1, true, N, F);
}

function dims(x: Tensor, where: string): [number, number] {
  if (x.ndim !== 2) throw new BackpropError('shape', `${where}: expected a 2-D batch [N, features], got ${shapeToString(x.shape)}`);
  return [x.shape[0]!, x.shape[1]!];
}

/**
 * The shared forward and backward: groups along `axis` (0: columns, 1: rows), affine per column.
 * `through`: the statistics are the groups' own (the gradient flows through μ and σ²).
 */
function normalize(
  op: 'batch_norm' | 'layer_norm',
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  eps: number,
  axis: 0 | 1,
  through: boolean,
  N: number,
  F: number,
): Tensor {
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p !== null && (p.ndim !== 1 || p.shape[0] !== F)) throw new BackpropError('shape', `${op}: ${name} must have shape [${F}], got ${shapeToString(p.shape)}`);
  }
  const groups = axis === 0 ? F : N;
  if (mean.length !== groups || variance.length !== groups) throw new BackpropError('shape', `${op}: expected ${groups} means and variances, got ${mean.length} and ${variance.length}`);
  const d = x.data;
  const r = new Float64Array(groups);
  for (let g = 0; g < groups; g++) r[g] = 1 / Math.sqrt(variance[g]! + eps);
  const xhat = new Float64Array(N * F);
  const out = allocate(x.dtype, N * F);
  const w = weight?.data;
  const b = bias?.data;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < F; j++) {
      const k = i * F + j;
      const g = axis === 0 ? j : i;
      const h = (d[k]! - mean[g]!) * r[g]!;
      xhat[k] = h;
      out[k] = (w === undefined ? h : h * w[j]!) + (b === undefined ? 0 : b[j]!);
    }
  }
  const y = new Tensor(out, x.shape);
  const inputs: Tensor[] = [x];
  const names = ['x'];
  if (weight !== null) inputs.push(weight), names.push('weight');
  if (bias !== null) inputs.push(bias), names.push('bias');
  return record(y, op, inputs, names, (grad) => {
    const gd = grad.data;
    const gx = allocate(x.dtype, N * F);
    const gw = weight === null ? null : allocate(weight.dtype, F);
    const gb = bias === null ? null : allocate(bias.dtype, F);
    // NOTE: ĝ = g·γ and the two group sums Σĝ, Σĝ·x̂ in float64, then one pass for ∂E/∂x.
    const sumG = new Float64Array(groups);
    const sumGX = new Float64Array(groups);
    const gwSum = new Float64Array(F);
    const gbSum = new Float64Array(F);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < F; j++) {
        const k = i * F + j;
        const g = axis === 0 ? j : i;
        const gk = gd[k]!;
        gwSum[j]! += gk * xhat[k]!;
        gbSum[j]! += gk;
        const gh = w === undefined ? gk : gk * w[j]!;
        sumG[g]! += gh;
        sumGX[g]! += gh * xhat[k]!;
      }
    }
    const n = axis === 0 ? N : F;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < F; j++) {
        const k = i * F + j;
        const g = axis === 0 ? j : i;
        const gh = w === undefined ? gd[k]! : gd[k]! * w[j]!;
        gx[k] = through ? (r[g]! / n) * (n * gh - sumG[g]! - xhat[k]! * sumGX[g]!) : gh * r[g]!;
      }
    }
    if (gw !== null) gw.set(gwSum);
    if (gb !== null) gb.set(gbSum);
    const grads: (Tensor | null)[] = [new Tensor(gx, x.shape)];
    if (gw !== null) grads.push(new Tensor(gw, [F]));
    if (gb !== null) grads.push(new Tensor(gb, [F]));
    return grads;
  });
}

/**
 * Inverted dropout with a given mask (PyTorch's `F.dropout` in training): y = x ⊙ m, where each
 * entry of `mask` [N, F] is 0 (the unit dropped) or 1/(1 − p) (kept, scaled up so the expected
 * output is x). ∂E/∂x = g ⊙ m: a dropped unit passes no gradient back.
 *
 * @example
 * ```ts
 * dropout(tensor([[1, 2, 3, 4]]), tensor([[2, 0, 2, 0]])).toArray();   // [[2, 0, 6, 0]] (p = ½)
 * ```
 */
export function dropout(x: Tensor, mask: Tensor): Tensor {
  if (mask.size !== x.size || mask.ndim !== x.ndim || mask.shape.some((s, i) => s !== x.shape[i])) {
    throw new BackpropError('shape', `dropout: the mask ${shapeToString(mask.shape)} must have the input's shape ${shapeToString(x.shape)}`);
  }
  const d = x.data;
  const m = mask.data;
  const out = allocate(x.dtype, x.size);
  for (let k = 0; k < out.length; k++) out[k] = d[k]! * m[k]!;
  return record(new Tensor(out, x.shape), 'dropout', [x], ['x'], (grad) => {
    const g = grad.data;
    const gx = allocate(x.dtype, x.size);
    for (let k = 0; k < gx.length; k++) gx[k] = g[k]! * m[k]!;
    return [new Tensor(gx, x.shape)];
  });
}
