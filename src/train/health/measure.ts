import { ACTIVATION_TABLE, type ActivationName } from '../../functions/activations/index.js';
import { sumOfSquares } from '../../kernels/elementwise.js';
import type { Sequential } from '../../nn/sequential.js';
import { forwardTrace } from '../../nn/trace.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { StepTrace } from '../engine.js';

/**
 * Counts of values in `counts.length` equal bins over [lo, hi] (the last bin closed). A constant
 * array has lo = hi and every count in the first bin.
 */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

/**
 * One layer's health at one check: its outputs' spread, its dead and saturated units, and how big
 * its gradient and its last update are next to its weights.
 *
 * - `dead`: the share of units whose f′(z) is 0 on every row of the batch (a ReLU whose z < 0 for
 *   every sample: no gradient reaches its weights) — for activations without an upper and lower
 *   bound;
 * - `saturated`: the share of units whose f′(z) is below 5 % of its peak on every row (a sigmoid
 *   past ±3, a tanh past ±2.2) — for bounded activations (sigmoid, tanh);
 * - `gradRatio` = ‖∂E/∂θ‖ / ‖θ‖ and `updateRatio` = ‖Δθ‖ / ‖θ‖ over the layer's parameters θ
 *   (weights and biases), Δθ the optimizer's last step (≈ 1e-3 in a healthy run of a large network).
 *
 * Hidden layers only for `dead` and `saturated` (0 at the output, whose units the loss may want
 * saturated); null where the layer has no parameters or the step kept no values.
 */
export interface LayerHealth {
  /** Position in the Sequential. */
  index: number;
  kind: string;
  /** `Layer.describe()`, e.g. `dense 784→128, relu`. */
  describe: string;
  /** The activation the layer ends with (`Layer.endsWith`). */
  activation: ActivationName | null;
  units: number;
  /** Mean and standard deviation of the layer's outputs over the batch. */
  actMean: number | null;
  actStd: number | null;
  dead: number;
  saturated: number;
  /** The dead or saturated units (indices), for a diagram to grey. */
  stuckUnits: number[];
  gradNorm: number | null;
  weightNorm: number | null;
  gradRatio: number | null;
  updateRatio: number | null;
  /** Histograms of the parameters, the outputs and the parameters' gradients (when asked for). */
  histograms?: { weights: Histogram | null; activations: Histogram | null; gradients: Histogram | null };
}

/** Below this share of f′'s peak a unit counts as saturated on a row. */
export const SATURATION = 0.05;

const peaks = new Map<ActivationName, number>();

/** The largest f′ of an activation (numerically, on a fine grid): 0.25 for sigmoid, 1 for tanh. */
function peakSlope(name: ActivationName): number {
  let p = peaks.get(name);
  if (p === undefined) {
    const spec = ACTIVATION_TABLE[name];
    p = 0;
    for (let x = -8; x <= 8; x += 1 / 64) p = Math.max(p, Math.abs(spec.df!(1, x, spec.f!(x))));
    peaks.set(name, p);
  }
  return p;
}

/** Which test a layer's units get: `saturated` for a bounded activation, `dead` for one with a flat zero part, else none. */
function unitTest(name: ActivationName | null): 'dead' | 'saturated' | null {
  if (name === null || name === 'linear') return null;
  const spec = ACTIVATION_TABLE[name];
  if (spec.form !== 'elementwise' || spec.df === undefined) return null;
  return spec.range.low !== undefined && spec.range.high !== undefined ? 'saturated' : 'dead';
}

/**
 * The units of a [rows, units] net input z (with outputs a) that are stuck on every row: f′(z) = 0
 * (`dead`) or f′(z) < 5 % of its peak (`saturated`).
 */
export function stuckUnits(activation: ActivationName, test: 'dead' | 'saturated', z: FloatArray, a: FloatArray, rows: number, units: number): number[] {
  const spec = ACTIVATION_TABLE[activation];
  const df = spec.df!;
  const limit = test === 'dead' ? 0 : SATURATION * peakSlope(activation);
  const out: number[] = [];
  for (let j = 0; j < units; j++) {
    let stuck = true;
    for (let r = 0; r < rows && stuck; r++) {
      const i = r * units + j;
      const s = Math.abs(df(1, z[i]!, a[i]!));
      // NOTE: a NaN slope is not "stuck" (the divergence check reports it).
      stuck = test === 'dead' ? s === 0 : s < limit;
    }
    if (stuck) out.push(j);
  }
  return out;
}

/** Mean and standard deviation (population) of an array. */
export function meanStd(a: ArrayLike<number>, n = a.length): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]!;
  const mean = n > 0 ? s / n : 0;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i]! - mean) ** 2;
  return { mean, std: n > 0 ? Math.sqrt(v / n) : 0 };
}

/**
 * A histogram of several arrays together, `bins` equal bins from the smallest to the largest
 * finite value (non-finite values are left out).
 *
 * @example
 * ```ts
 * histogram([Float64Array.of(0, 1, 1, 2)], 2);   // { lo: 0, hi: 2, counts: [1, 3] }
 * ```
 */
export function histogram(arrays: readonly ArrayLike<number>[], bins: number): Histogram | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v - v !== 0) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(lo <= hi)) return null;
  const counts = new Array<number>(bins).fill(0);
  const scale = hi > lo ? bins / (hi - lo) : 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!(v >= lo && v <= hi)) continue; // NaN and ±∞ fail this test
      const k = Math.min(bins - 1, Math.floor((v - lo) * scale));
      counts[k]!++;
    }
  }
  return { lo, hi, counts };
}

/** √Σ over arrays of Σ x² (float64 sums; the WebAssembly kernel for float32 in the kernels' memory). */
function norm(arrays: readonly FloatArray[]): number {
  let s = 0;
  for (const a of arrays) s += sumOfSquares(a);
  return Math.sqrt(s);
}

/** ‖a − b‖ over pairs of arrays of equal length. */
function distance(a: readonly FloatArray[], b: readonly FloatArray[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    for (let i = 0; i < x.length; i++) {
      const d = x[i]! - y[i]!;
      s += d * d;
    }
  }
  return Math.sqrt(s);
}

/** Options of {@link measureLayers}. */
export interface MeasureOptions {
  /** Each layer's parameters before the last update (as {@link snapshotParameters} copies them), for `updateRatio`. */
  before?: readonly (readonly FloatArray[])[] | null;
  /** Bins of the histograms; 0 (default) for none. */
  bins?: number;
}

/**
 * Copies of each layer's parameters (layer by layer), to measure the next update against.
 *
 * @example
 * ```ts
 * const before = snapshotParameters(model);
 * optimizer.step();
 * measureLayers(model, trainer.lastTrace(), { before })[0].updateRatio;   // ‖ΔW₁‖/‖W₁‖
 * ```
 */
export function snapshotParameters(model: Sequential, into?: FloatArray[][]): FloatArray[][] {
  return model.layers.map((l, i) => l.parameters().map((p, k) => {
    const kept = into?.[i]?.[k];
    if (kept !== undefined && kept.length === p.data.length) {
      kept.set(p.data);
      return kept;
    }
    return p.data.slice();
  }));
}

/**
 * Each layer's {@link LayerHealth} from a step's values (`trace`: each layer's z, a and δ, as
 * `Trainer.lastTrace()` or {@link forwardTrace} give them), the parameters' current `.grad` and,
 * when `options.before` holds the parameters before the last update, the update ratio. Works for
 * any layer kind: the statistics read the layer's outputs and parameters, whatever they are.
 *
 * Cost: one pass over every parameter and gradient, and two over each layer's outputs (about
 * 0.3 ms for MNIST's 784-128-64-10 at batch 64, histograms included).
 *
 * @example
 * ```ts
 * const trainer = await Trainer.create(model, data, { loss: 'cross_entropy' });
 * trainer.step();
 * measureLayers(model, trainer.lastTrace(), { bins: 20 })[0].dead;   // share of dead ReLUs in layer 0
 * ```
 */
export function measureLayers(model: Sequential, trace: StepTrace | null, options: MeasureOptions = {}): LayerHealth[] {
  const bins = options.bins ?? 0;
  const out = model.outputLayerIndex();
  return model.layers.map((layer, index) => {
    const params = layer.parameters();
    const values = trace?.find((t) => t.index === index) ?? null;
    const activation = layer.endsWith;
    const h: LayerHealth = {
      index, kind: layer.kind, describe: layer.describe(), activation, units: layer.outputSize,
      actMean: null, actStd: null, dead: 0, saturated: 0, stuckUnits: [],
      gradNorm: null, weightNorm: null, gradRatio: null, updateRatio: null,
    };
    let a: Tensor | null = null;
    if (values !== null) {
      a = values.a;
      const rows = a.shape[0]!;
      const units = a.shape[1] ?? 1;
      const ms = meanStd(a.data, rows * units);
      h.actMean = ms.mean;
      h.actStd = ms.std;
      const test = index === out ? null : unitTest(activation);
      if (test !== null && rows > 0) {
        h.stuckUnits = stuckUnits(activation!, test, values.z.data, a.data, rows, units);
        h[test] = h.stuckUnits.length / units;
      }
    }
    const grads = params.flatMap((p) => (p.grad === null ? [] : [p.grad.data]));
    if (params.length > 0) {
      const w = params.map((p) => p.data);
      h.weightNorm = norm(w);
      h.gradNorm = grads.length === params.length ? norm(grads) : null;
      h.gradRatio = h.gradNorm === null ? null : ratio(h.gradNorm, h.weightNorm);
      const before = options.before?.[index];
      if (before && before.length === w.length) h.updateRatio = ratio(distance(w, before), h.weightNorm);
    }
    if (bins > 0) {
      h.histograms = {
        weights: params.length > 0 ? histogram(params.map((p) => p.data), bins) : null,
        activations: a === null ? null : histogram([a.data], bins),
        gradients: grads.length > 0 ? histogram(grads, bins) : null,
      };
    }
    return h;
  });
}

/**
 * Judges again, on the rows `x` (more than a batch), the layers whose share of dead or saturated
 * units reached `threshold` on the batch: a unit counts only when it is stuck on every one of these
 * rows too. A small batch can miss the few samples a unit answers to; the training rows do not.
 * Updates `layers` in place.
 *
 * @example
 * ```ts
 * confirmStuck(model, measureLayers(model, trainer.lastTrace()), sampleRows(data, 256), 0.5);
 * ```
 */
export function confirmStuck(model: Sequential, layers: LayerHealth[], x: Tensor, threshold: number): void {
  const flagged = layers.filter((l) => Math.max(l.dead, l.saturated) >= threshold);
  if (flagged.length === 0) return;
  // NOTE: in eval mode: a look in training mode moved batch norm's running statistics and drew
  // dropout masks from the layers' generators — the monitor changed the run it watched.
  const trace = model.withMode(false, () => forwardTrace(model, x));
  const rows = x.shape[0]!;
  for (const l of flagged) {
    const t = trace[l.index]!;
    const z = t.values.z ?? t.output;
    const test = l.dead > 0 ? 'dead' : 'saturated';
    l.stuckUnits = stuckUnits(l.activation!, test, z.data, t.output.data, rows, l.units);
    l[test] = l.stuckUnits.length / l.units;
  }
}

/** n / d, 0 when both are 0, and Infinity when only d is. */
function ratio(n: number, d: number): number {
  return d > 0 ? n / d : n === 0 ? 0 : Infinity;
}
