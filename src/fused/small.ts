import { ACTIVATION_TABLE } from '../functions/activations/index.js';
import type { SquaredError } from '../functions/losses/index.js';
import type { FloatArray } from '../kernels/types.js';
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
    const act = logitsLast && l === last ? ACTIVATION_TABLE.linear : L.act;
    // NOTE: f per entry for elementwise activations (the table's own expression); row-wise ones after the row.
    const f = act.f;
    const plain = act === ACTIVATION_TABLE.linear;
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
        if (f !== undefined && !plain) a[iz] = f(q);
      }
    }
    if (f === undefined) act.forward(z, a, rows, u);
    input = plain ? z : a;
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
      const df = below.act.df!;
      let i = 0;
      for (let r = 0; r < rows; r++) {
        const id = r * u;
        for (let p = 0; p < k; p++, i++) {
          let s = 0;
          for (let j = 0; j < u; j++) s += d[id + j]! * w[j * k + p]!;
          pd[i] = s;
          pd[i] = df(pd[i]!, pz[i]!, pa[i]!);
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
 * float32 models). `loss` is the loss table's squared-error form (sse or mse).
 */
export function oneRowSquaredErrorStep(
  layers: readonly FusedLayer[],
  x: FloatArray,
  t: FloatArray,
  loss: SquaredError,
  update: boolean,
  lr: number,
  scratch: Float64Array,
  f32: boolean,
): number {
  smallForward(layers, x, 1, false, f32);
  const L = layers[layers.length - 1]!;
  const u = L.units;
  const df = L.act.df!;
  const z = L.z;
  const y = outputOf(L);
  const d = L.delta;
  let s = 0;
  for (let i = 0; i < u; i++) {
    const e = y[i]! - t[i]!;
    s += e * e;
    const g0 = loss.grad(e, u);
    const g = f32 ? Math.fround(g0) : g0;
    d[i] = df(g, z[i]!, y[i]!);
  }
  backwardOneRow(layers, x, update, lr, scratch, f32);
  return loss.total(s, u);
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
      const df = below.act.df!;
      for (let p = 0; p < k; p++) {
        const g = f32 ? Math.fround(scratch[p]!) : scratch[p]!;
        pd[p] = df(g, pz[p]!, pa[p]!);
      }
    }
    if (L.weight.grad !== L.gradW) L.weight.grad = L.gradW;
    if (L.bias.grad !== L.gradB) L.bias.grad = L.gradB;
  }
}
