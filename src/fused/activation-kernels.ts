import { BackpropError } from '../errors.js';
import { erf } from '../kernels/erf.js';
import type { FloatArray } from '../kernels/types.js';
import type { ActivationName } from '../nn/activations.js';
import { biasReluF32, reluBackwardF32 } from '../kernels/elementwise.js';

/**
 * Activations as small integer codes, so the fused loops switch on a number once per layer (not
 * per element) and never look a name up.
 */
export const ACT = {
  linear: 0,
  sigmoid: 1,
  tanh: 2,
  relu: 3,
  leaky_relu: 4,
  elu: 5,
  gelu: 6,
  softplus: 7,
  softmax: 8,
} as const satisfies Record<ActivationName, number>;

/** The code of an activation (see {@link ACT}). */
export type ActCode = (typeof ACT)[ActivationName];

/** The code of `name`; throws for a name the fused path does not know. */
export function actCode(name: ActivationName): ActCode {
  const code = (ACT as Record<string, ActCode | undefined>)[name];
  if (code === undefined) throw new BackpropError('unsupported', `fused: activation ${JSON.stringify(name)} has no fused kernel`);
  return code;
}

/** The slope of leaky_relu on the negative side, as the autograd op's default. */
const LEAKY_SLOPE = 0.01;
/** α of elu. */
const ELU_ALPHA = 1;
/** 1/√(2π). */
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * In place on one layer's buffer: z[r, j] += b[j] (the bias), then a = f(z), for `rows` rows of
 * `cols` entries. `a` may be the same array as `z` only for `linear`.
 *
 * Every entry is computed with exactly the expression of the autograd op (src/autograd/ops), in
 * the same order, so float64 results are bit-identical to the graph's, and float32 results round
 * at the same places (each stored value rounds to float32, sums run in float64 as there).
 *
 * Shape: z and a [rows, cols] (row-major, at least rows·cols long), b [cols].
 *
 * @example
 * ```ts
 * biasActivate(ACT.sigmoid, z, a, bias, 1, 2); // a = σ(z + b)
 * ```
 */
export function biasActivate(code: ActCode, z: FloatArray, a: FloatArray, b: FloatArray, rows: number, cols: number): void {
  // float32 relu / linear in the kernels' memory: the same loop in WASM SIMD (same bits).
  if ((code === ACT.relu || (code === ACT.linear && a === z)) && biasReluF32(z, a, b, rows, cols, code === ACT.relu)) return;
  let i = 0;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++, i++) z[i] = z[i]! + b[j]!;
  activateInto(code, z, a, rows, cols);
}

/** a = f(z) for `rows`·`cols` entries (softmax per row of `cols`); see {@link biasActivate}. */
export function activateInto(code: ActCode, z: FloatArray, a: FloatArray, rows: number, cols: number): void {
  const n = rows * cols;
  switch (code) {
    case ACT.linear:
      if (a !== z) for (let i = 0; i < n; i++) a[i] = z[i]!;
      return;
    case ACT.sigmoid:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        if (x >= 0) a[i] = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          a[i] = e / (1 + e);
        }
      }
      return;
    case ACT.tanh:
      for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]!);
      return;
    case ACT.relu:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        a[i] = x > 0 ? x : 0 * x;
      }
      return;
    case ACT.leaky_relu:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        a[i] = x > 0 ? x : LEAKY_SLOPE * x;
      }
      return;
    case ACT.elu:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        a[i] = x > 0 ? x : ELU_ALPHA * Math.expm1(x);
      }
      return;
    case ACT.gelu:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        a[i] = x * 0.5 * (1 + erf(x * Math.SQRT1_2));
      }
      return;
    case ACT.softplus:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        a[i] = (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
      }
      return;
    case ACT.softmax:
      for (let r = 0; r < rows; r++) {
        const base = r * cols;
        let m = -Infinity;
        for (let j = 0; j < cols; j++) if (z[base + j]! > m) m = z[base + j]!;
        let s = 0;
        for (let j = 0; j < cols; j++) {
          const e = Math.exp(z[base + j]! - m);
          a[base + j] = e;
          s += e;
        }
        for (let j = 0; j < cols; j++) a[base + j] = a[base + j]! / s;
      }
      return;
  }
}

/**
 * In place: g ← g ⊙ f′, the gradient at a layer's net input z from the gradient g at its output
 * a = f(z), using the saved z and a exactly as the autograd op's backward does:
 * sigmoid g·a(1 − a); tanh g·(1 − a²); relu / leaky_relu g or slope·g (slope at z ≤ 0);
 * elu g·(a + α) for z ≤ 0; gelu g·(Φ(z) + z·φ(z)); softplus g·σ(z);
 * softmax aᵢ·(gᵢ − Σⱼ gⱼaⱼ) per row.
 *
 * Shape: g, z, a [rows, cols].
 *
 * @example
 * ```ts
 * activationBackward(ACT.relu, delta, z, a, 64, 128); // delta *= relu'(z)
 * ```
 */
export function activationBackward(code: ActCode, g: FloatArray, z: FloatArray, a: FloatArray, rows: number, cols: number): void {
  const n = rows * cols;
  switch (code) {
    case ACT.linear:
      return;
    case ACT.sigmoid:
      for (let i = 0; i < n; i++) {
        const o = a[i]!;
        g[i] = g[i]! * (o * (1 - o));
      }
      return;
    case ACT.tanh:
      for (let i = 0; i < n; i++) {
        const o = a[i]!;
        g[i] = g[i]! * (1 - o * o);
      }
      return;
    case ACT.relu:
      if (reluBackwardF32(g, z, n)) return;
      for (let i = 0; i < n; i++) if (!(z[i]! > 0)) g[i] = 0 * g[i]!;
      return;
    case ACT.leaky_relu:
      for (let i = 0; i < n; i++) if (!(z[i]! > 0)) g[i] = LEAKY_SLOPE * g[i]!;
      return;
    case ACT.elu:
      for (let i = 0; i < n; i++) if (!(z[i]! > 0)) g[i] = g[i]! * (a[i]! + ELU_ALPHA);
      return;
    case ACT.gelu:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
        const pdf = Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
        g[i] = g[i]! * (cdf + x * pdf);
      }
      return;
    case ACT.softplus:
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        let s: number;
        if (x >= 0) s = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          s = e / (1 + e);
        }
        g[i] = g[i]! * s;
      }
      return;
    case ACT.softmax:
      for (let r = 0; r < rows; r++) {
        const base = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += g[base + j]! * a[base + j]!;
        for (let j = 0; j < cols; j++) g[base + j] = a[base + j]! * (g[base + j]! - dot);
      }
      return;
  }
}
