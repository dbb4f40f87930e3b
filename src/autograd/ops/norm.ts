import { BackpropError } from '../../errors.js';
import { allocate, type FloatArray } from '../../tensor/dtype.js';
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
  const groups = axis === 0 ? F : N;
  const mean = new Float64Array(groups);
  const variance = new Float64Array(groups);
  momentsInto(x.data, axis, N, F, mean, variance);
  return { mean, variance, count: axis === 0 ? N : F };
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
  const r = new Float64Array(groups);
  const xhat = new Float64Array(N * F);
  const out = allocate(x.dtype, N * F);
  const w = weight?.data ?? null;
  normForward(x.data, mean, variance, eps, w, bias?.data ?? null, axis, N, F, r, xhat, out);
  const y = new Tensor(out, x.shape);
  const inputs: Tensor[] = [x];
  const names = ['x'];
  if (weight !== null) inputs.push(weight), names.push('weight');
  if (bias !== null) inputs.push(bias), names.push('bias');
  return record(y, op, inputs, names, (grad) => {
    const gx = allocate(x.dtype, N * F);
    const gw = weight === null ? null : allocate(weight.dtype, F);
    const gb = bias === null ? null : allocate(bias.dtype, F);
    normBackward(grad.data, xhat, r, w, axis, through, N, F, new Float64Array(3 * F + 2 * groups), gx, gw, gb);
    const grads: (Tensor | null)[] = [new Tensor(gx, x.shape)];
    if (gw !== null) grads.push(new Tensor(gw, [F]));
    if (gb !== null) grads.push(new Tensor(gb, [F]));
    return grads;
  });
}

/**
 * The normalisation's forward loops (the op's and the fused engine's): r = 1/√(σ² + ε) per group,
 * x̂ = (x − μ)·r and y = γ·x̂ + β, into `r`, `xhat` and `out`.
 */
export function normForward(
  x: ArrayLike<number>, mean: ArrayLike<number>, variance: ArrayLike<number>, eps: number, w: ArrayLike<number> | null, b: ArrayLike<number> | null,
  axis: 0 | 1, N: number, F: number, r: Float64Array, xhat: Float64Array, out: FloatArray,
): void {
  const groups = axis === 0 ? F : N;
  for (let g = 0; g < groups; g++) r[g] = 1 / Math.sqrt(variance[g]! + eps);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < F; j++) {
      const k = i * F + j;
      const g = axis === 0 ? j : i;
      const h = (x[k]! - mean[g]!) * r[g]!;
      xhat[k] = h;
      out[k] = (w === null ? h : h * w[j]!) + (b === null ? 0 : b[j]!);
    }
  }
}

/**
 * The normalisation's backward loops (the op's and the fused engine's): from g = ∂E/∂y, ĝ = g·γ,
 * the group sums Σĝ and Σĝ·x̂ (float64), then ∂E/∂x = (r/n)·(n·ĝ − Σĝ − x̂·Σĝ·x̂) — or ĝ·r with
 * fixed statistics (`through` false) — and ∂E/∂γ = Σ g·x̂, ∂E/∂β = Σ g per column.
 * `scratch` holds at least 3F + 2·groups float64s.
 */
export function normBackward(
  gd: ArrayLike<number>, xhat: Float64Array, r: Float64Array, w: ArrayLike<number> | null, axis: 0 | 1, through: boolean,
  N: number, F: number, scratch: Float64Array, gx: FloatArray, gw: FloatArray | null, gb: FloatArray | null,
): void {
  const groups = axis === 0 ? F : N;
  scratch.fill(0, 0, 2 * F + 2 * groups);
  const gwSum = scratch.subarray(0, F);
  const gbSum = scratch.subarray(F, 2 * F);
  const sumG = scratch.subarray(2 * F, 2 * F + groups);
  const sumGX = scratch.subarray(2 * F + groups, 2 * F + 2 * groups);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < F; j++) {
      const k = i * F + j;
      const g = axis === 0 ? j : i;
      const gk = gd[k]!;
      gwSum[j]! += gk * xhat[k]!;
      gbSum[j]! += gk;
      const gh = w === null ? gk : gk * w[j]!;
      sumG[g]! += gh;
      sumGX[g]! += gh * xhat[k]!;
    }
  }
  const n = axis === 0 ? N : F;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < F; j++) {
      const k = i * F + j;
      const g = axis === 0 ? j : i;
      const gh = w === null ? gd[k]! : gd[k]! * w[j]!;
      gx[k] = through ? (r[g]! / n) * (n * gh - sumG[g]! - xhat[k]! * sumGX[g]!) : gh * r[g]!;
    }
  }
  if (gw !== null) gw.set(gwSum);
  if (gb !== null) gb.set(gbSum);
}

/**
 * The mean and biased variance of each group into `mean` and `variance` (the loops of {@link moments}).
 */
export function momentsInto(d: ArrayLike<number>, axis: 0 | 1, N: number, F: number, mean: Float64Array, variance: Float64Array): void {
  const groups = axis === 0 ? F : N;
  const count = axis === 0 ? N : F;
  mean.fill(0, 0, groups);
  variance.fill(0, 0, groups);
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
