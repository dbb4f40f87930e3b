import { erf } from '../kernels/erf.js';
import type { FloatArray } from '../kernels/types.js';
import { ACT, activateInto, type ActCode } from './activation-kernels.js';
import { outputOf, type FusedLayer } from './layer.js';

/**
 * The small-network path: forward and backward of a whole dense stack in a few flat loops per
 * layer — matmul, bias and activation in one pass over each output entry; weight gradient, bias
 * gradient, δ of the layer below (with its activation derivative) and, optionally, the plain SGD
 * update in one pass per layer. No kernel dispatch, no intermediate passes: for a network like
 * the seed 3-2-2 a step is a few hundred floating-point operations, and call and loop overhead is
 * all there is to save.
 *
 * Every entry uses the general path's expressions in the same order (sums from 0 in order of the
 * inner index, the bias added to the stored product, each value stored before the next operation
 * reads it), so the results are bit-identical to it in both dtypes (tested). It is used when every
 * product is one the general path would compute with plain loops too: see {@link isSmall}.
 */

/** Whether the small path may run `rows` rows: every product below `wasmMin` multiply-adds and every inner dimension ≤ 256. */
export function isSmall(maxLayerWork: number, maxDim: number, rows: number, wasmMin: number): boolean {
  return rows * maxLayerWork < wasmMin && maxDim <= 256 && rows <= 256;
}

/**
 * Forward through every layer: z = x·Wᵀ + b and a = f(z). With `logitsLast`, the last layer
 * stops at z (the loss is computed from the logits).
 */
export function smallForward(layers: readonly FusedLayer[], x: FloatArray, rows: number, logitsLast: boolean, f32: boolean): void {
  let input = x;
  const last = layers.length - 1;
  for (let l = 0; l <= last; l++) {
    const L = layers[l]!;
    const k = L.inputs;
    const u = L.units;
    const w = L.w;
    const b = L.b;
    const z = L.z;
    const a = L.a;
    const act: ActCode = logitsLast && l === last ? ACT.linear : L.act;
    const elementwise = act !== ACT.softmax;
    let iz = 0;
    for (let r = 0; r < rows; r++) {
      const ix = r * k;
      for (let j = 0; j < u; j++, iz++) {
        const iw = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += input[ix + p]! * w[iw + p]!;
        // NOTE: Math.fround rounds where a float32 buffer would (the product, then the sum with b).
        const q = f32 ? Math.fround(Math.fround(s) + b[j]!) : s + b[j]!;
        z[iz] = q;
        if (act === ACT.sigmoid) {
          // NOTE: the common case inline (same expression as activate).
          if (q >= 0) a[iz] = 1 / (1 + Math.exp(-q));
          else {
            const e = Math.exp(q);
            a[iz] = e / (1 + e);
          }
        } else if (elementwise && act !== ACT.linear) a[iz] = activate(act, q);
      }
    }
    if (!elementwise) activateInto(act, z, a, rows, u);
    input = act === ACT.linear ? z : a;
  }
}

/**
 * Backward from δ of the last layer (already in its `delta` buffer, at z): for each layer from the
 * top: δ_below = (δ·W) ⊙ f′_below, then ∂E/∂W = δᵀ·input and ∂E/∂b = Σ_rows δ — with `update`
 * each weight updated, w ← w − lr·∂E/∂w (as `w + (−lr)·g`, the SGD optimizer's expression), in
 * the same pass. Each parameter's `.grad` is its gradient buffer afterwards.
 */
export function smallBackward(layers: readonly FusedLayer[], x: FloatArray, rows: number, update: boolean, lr: number, scratch: Float64Array, f32: boolean): void {
  if (rows === 1) {
    backwardOneRow(layers, x, update, lr, scratch, f32);
    return;
  }
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l]!;
    const below = l > 0 ? layers[l - 1]! : null;
    const input = below === null ? x : outputOf(below);
    const k = L.inputs;
    const u = L.units;
    const d = L.delta;
    const w = L.w;
    const b = L.b;
    const gw = L.gradW.data;
    const gb = L.gradB.data;
    if (below !== null) {
      // δ of the layer below first: it needs W before the update.
      const pd = below.delta;
      const pz = below.z;
      const pa = below.a;
      const act = below.act;
      let i = 0;
      for (let r = 0; r < rows; r++) {
        const id = r * u;
        for (let p = 0; p < k; p++, i++) {
          let s = 0;
          for (let j = 0; j < u; j++) s += d[id + j]! * w[j * k + p]!;
          pd[i] = s;
          pd[i] = derivative(act, pd[i]!, pz[i]!, pa[i]!);
        }
      }
    }
    const step = -lr;
    for (let j = 0; j < u; j++) {
      const iw = j * k;
      for (let p = 0; p < k; p++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += d[r * u + j]! * input[r * k + p]!;
        gw[iw + p] = s;
      }
      if (update) for (let p = 0; p < k; p++) w[iw + p] = w[iw + p]! + step * gw[iw + p]!;
      gb[j] = 0 + d[j]!;
      for (let r = 1; r < rows; r++) gb[j] = gb[j]! + d[r * u + j]!;
      if (update) b[j] = b[j]! + step * gb[j]!;
    }
    if (L.weight.grad !== L.gradW) L.weight.grad = L.gradW;
    if (L.bias.grad !== L.gradB) L.bias.grad = L.gradB;
  }
}

/**
 * A whole step for one row with the squared-error losses (sse, mse) on an elementwise output
 * activation — the seed network's case — in one function: forward, loss, δ of the output layer,
 * and the single-row backward (with the SGD update when `update`). The same expressions as the
 * separate kernels, so the same numbers bit for bit. Returns E (float64; the caller rounds it for
 * float32 models). `mse` false means sse.
 */
export function oneRowSquaredErrorStep(
  layers: readonly FusedLayer[],
  x: FloatArray,
  t: FloatArray,
  mse: boolean,
  update: boolean,
  lr: number,
  scratch: Float64Array,
  f32: boolean,
): number {
  smallForward(layers, x, 1, false, f32);
  const L = layers[layers.length - 1]!;
  const u = L.units;
  const act = L.act;
  const z = L.z;
  const y = act === ACT.linear ? z : L.a;
  const d = L.delta;
  let s = 0;
  for (let i = 0; i < u; i++) {
    const e = y[i]! - t[i]!;
    s += e * e;
    const g0 = mse ? (2 * e) / u : e;
    const g = f32 ? Math.fround(g0) : g0;
    const o = y[i]!;
    d[i] = act === ACT.sigmoid ? g * (o * (1 - o)) : derivative(act, g, z[i]!, o);
  }
  backwardOneRow(layers, x, update, lr, scratch, f32);
  return mse ? s / u : 0.5 * s;
}

/**
 * {@link smallBackward} for a single row, one pass over each weight matrix: for each unit j, its
 * bias gradient, its weight gradients (one product each, from 0), its contribution δⱼ·Wⱼₚ to the
 * δ of the layer below (summed over j in order in a float64 scratch, as the matmul does) and, with
 * `update`, its weights' SGD update right after their last read.
 */
function backwardOneRow(layers: readonly FusedLayer[], x: FloatArray, update: boolean, lr: number, scratch: Float64Array, f32: boolean): void {
  const step = -lr;
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l]!;
    const below = l > 0 ? layers[l - 1]! : null;
    const input = below === null ? x : outputOf(below);
    const k = L.inputs;
    const u = L.units;
    const d = L.delta;
    const w = L.w;
    const b = L.b;
    const gw = L.gradW.data;
    const gb = L.gradB.data;
    if (below !== null) for (let p = 0; p < k; p++) scratch[p] = 0;
    for (let j = 0; j < u; j++) {
      const iw = j * k;
      const dj = d[j]!;
      const gbj = f32 ? Math.fround(0 + dj) : 0 + dj;
      gb[j] = gbj;
      for (let p = 0; p < k; p++) {
        const wi = w[iw + p]!;
        if (below !== null) scratch[p] = scratch[p]! + dj * wi;
        const g = f32 ? Math.fround(0 + dj * input[p]!) : 0 + dj * input[p]!;
        gw[iw + p] = g;
        if (update) w[iw + p] = wi + step * g;
      }
      if (update) b[j] = b[j]! + step * gbj;
    }
    if (below !== null) {
      const pd = below.delta;
      const pz = below.z;
      const pa = below.a;
      const act = below.act;
      for (let p = 0; p < k; p++) {
        const g = f32 ? Math.fround(scratch[p]!) : scratch[p]!;
        const o = pa[p]!;
        // NOTE: sigmoid inline, the rest through derivative() (same expressions).
        pd[p] = act === ACT.sigmoid ? g * (o * (1 - o)) : derivative(act, g, pz[p]!, o);
      }
    }
    if (L.weight.grad !== L.gradW) L.weight.grad = L.gradW;
    if (L.bias.grad !== L.gradB) L.bias.grad = L.gradB;
  }
}

/** f(x) for the elementwise activations (the expressions of activateInto). */
export function activate(act: ActCode, x: number): number {
  switch (act) {
    case ACT.sigmoid:
      if (x >= 0) return 1 / (1 + Math.exp(-x));
      else {
        const e = Math.exp(x);
        return e / (1 + e);
      }
    case ACT.tanh:
      return Math.tanh(x);
    case ACT.relu:
      return x > 0 ? x : 0 * x;
    case ACT.leaky_relu:
      return x > 0 ? x : 0.01 * x;
    case ACT.elu:
      return x > 0 ? x : 1 * Math.expm1(x);
    case ACT.gelu:
      return x * 0.5 * (1 + erf(x * Math.SQRT1_2));
    case ACT.softplus:
      return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
    default:
      return x;
  }
}

/** g·f′ at net input x with output o, for the activations of hidden layers (activationBackward's expressions). */
export function derivative(act: ActCode, g: number, x: number, o: number): number {
  switch (act) {
    case ACT.sigmoid:
      return g * (o * (1 - o));
    case ACT.tanh:
      return g * (1 - o * o);
    case ACT.relu:
      return x > 0 ? g : 0 * g;
    case ACT.leaky_relu:
      return x > 0 ? g : 0.01 * g;
    case ACT.elu:
      return x > 0 ? g : g * (o + 1);
    case ACT.gelu: {
      const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
      const pdf = Math.exp(-0.5 * x * x) * 0.3989422804014327;
      return g * (cdf + x * pdf);
    }
    case ACT.softplus: {
      let s: number;
      if (x >= 0) s = 1 / (1 + Math.exp(-x));
      else {
        const e = Math.exp(x);
        s = e / (1 + e);
      }
      return g * s;
    }
    default:
      return g;
  }
}
