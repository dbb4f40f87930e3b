import { BackpropError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';
import { classificationDataset } from './dataset.js';
import type { Dataset, TargetEncoding } from './dataset.js';

/**
 * Options of the synthetic 2-D sets.
 *
 * `noise` uses TensorFlow Playground's scale, where the slider runs from 0 to 0.5 (its "Noise 0 … 50");
 * what it does depends on the set (see each function). For {@link moons} it is the standard
 * deviation of scikit-learn's `make_moons`.
 */
export interface SyntheticOptions {
  /** The seeded generator; the same seed gives the same points, bit for bit. */
  rng: Rng;
  /** Number of points (default 500, the Playground's). */
  size?: number;
  /** Noise level ≥ 0 (default 0). */
  noise?: number;
  /** How the two classes are written in `y` (default `'onehot'`, two columns). */
  targets?: TargetEncoding;
}

/** The names accepted by {@link synthetic}. */
export const SYNTHETIC_NAMES = ['circle', 'xor', 'gauss', 'spiral', 'moons'] as const;
/** One of {@link SYNTHETIC_NAMES}. */
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

/**
 * Class names of every synthetic set: class 0 is the Playground's label −1 (orange), class 1 its
 * label +1 (blue). For moons, class 0 is the upper moon and class 1 the lower one (scikit-learn's 0 and 1).
 */
export const SYNTHETIC_CLASSES: readonly string[] = ['negative', 'positive'];

/** Playground's radius of the circle set: points lie in the disc of radius 5. */
const R = 5;

/**
 * Circle (Playground "circle"): class 1 points uniform in radius over [0, 2.5) (half the points),
 * class 0 points uniform in radius over [3.5, 5) (the other half), uniform angle.
 * With noise, a point keeps its position but takes the label of its position shifted by
 * `(u·5·noise, v·5·noise)` with u, v uniform in [−1, 1): labels near the boundary flip.
 *
 * Shape: `x` size×2, `y` size×2 (one-hot; see `targets`).
 * @example
 * ```ts
 * const ds = circle({ size: 200, noise: 0.1, rng: new Rng(1) });
 * ```
 */
export function circle(options: SyntheticOptions): Dataset {
  const { rng, size, noise } = read('circle', options);
  const xy = new Float64Array(size * 2);
  const labels = new Int32Array(size);
  const inner = Math.ceil(size / 2);
  for (let i = 0; i < size; i++) {
    const r = i < inner ? rng.uniformRange(0, R / 2) : rng.uniformRange(R * 0.7, R);
    const angle = rng.uniformRange(0, 2 * Math.PI);
    const px = r * Math.sin(angle);
    const py = r * Math.cos(angle);
    const nx = px + rng.uniformRange(-R, R) * noise;
    const ny = py + rng.uniformRange(-R, R) * noise;
    xy[2 * i] = px;
    xy[2 * i + 1] = py;
    labels[i] = Math.hypot(nx, ny) < R / 2 ? 1 : 0;
  }
  return finish('circle', xy, labels, options, rng);
}

/**
 * XOR (Playground "exclusive or"): x and y uniform in [−5, 5), each pushed 0.3 away from its axis;
 * class 1 when x·y ≥ 0 (first and third quadrants), else class 0. With noise, the label is taken at
 * the position shifted by `(u·5·noise, v·5·noise)`, u, v uniform in [−1, 1). The classes are balanced
 * only on average.
 *
 * Shape: `x` size×2, `y` size×2.
 * @example
 * ```ts
 * const ds = xor({ size: 200, rng: new Rng(1), targets: 'binary' }); // y: one column of 0/1
 * ```
 */
export function xor(options: SyntheticOptions): Dataset {
  const { rng, size, noise } = read('xor', options);
  const pad = 0.3;
  const xy = new Float64Array(size * 2);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    let px = rng.uniformRange(-5, 5);
    px += px > 0 ? pad : -pad;
    let py = rng.uniformRange(-5, 5);
    py += py > 0 ? pad : -pad;
    const nx = px + rng.uniformRange(-5, 5) * noise;
    const ny = py + rng.uniformRange(-5, 5) * noise;
    xy[2 * i] = px;
    xy[2 * i + 1] = py;
    labels[i] = nx * ny >= 0 ? 1 : 0;
  }
  return finish('xor', xy, labels, options, rng);
}

/**
 * Two Gaussians (Playground "gaussian"): class 1 around (2, 2), class 0 around (−2, −2), half the
 * points each, independent coordinates with variance `0.5 + 7·noise` (0.5 at noise 0, 4 at noise 0.5,
 * the Playground's linear scale).
 *
 * Shape: `x` size×2, `y` size×2.
 * @example
 * ```ts
 * const ds = gauss({ size: 500, noise: 0.25, rng: new Rng(7) });
 * ```
 */
export function gauss(options: SyntheticOptions): Dataset {
  const { rng, size, noise } = read('gauss', options);
  const std = Math.sqrt(0.5 + 7 * noise);
  const xy = new Float64Array(size * 2);
  const labels = new Int32Array(size);
  const first = Math.ceil(size / 2);
  for (let i = 0; i < size; i++) {
    const c = i < first ? 2 : -2;
    xy[2 * i] = rng.normal(c, std);
    xy[2 * i + 1] = rng.normal(c, std);
    labels[i] = i < first ? 1 : 0;
  }
  return finish('gauss', xy, labels, options, rng);
}

/**
 * Spiral (Playground "spiral"): two interleaved arms of n = size/2 points each. Point i of an arm has
 * s = i/n, radius 5·s and angle t = 3.5π·s + δ (δ = 0 for class 1, π for class 0), at
 * `(r·sin t, r·cos t)`; each coordinate is then shifted by `u·noise`, u uniform in [−1, 1).
 * The points are evenly spaced along each arm, as in the Playground.
 *
 * Shape: `x` size×2, `y` size×2.
 * @example
 * ```ts
 * const ds = spiral({ size: 500, noise: 0.1, rng: new Rng(3) });
 * ```
 */
export function spiral(options: SyntheticOptions): Dataset {
  const { rng, size, noise } = read('spiral', options);
  const xy = new Float64Array(size * 2);
  const labels = new Int32Array(size);
  const first = Math.ceil(size / 2);
  for (let i = 0; i < size; i++) {
    const positive = i < first;
    const n = positive ? first : size - first;
    const s = (positive ? i : i - first) / n;
    const r = 5 * s;
    const t = 3.5 * Math.PI * s + (positive ? 0 : Math.PI);
    xy[2 * i] = r * Math.sin(t) + rng.uniformRange(-1, 1) * noise;
    xy[2 * i + 1] = r * Math.cos(t) + rng.uniformRange(-1, 1) * noise;
    labels[i] = positive ? 1 : 0;
  }
  return finish('spiral', xy, labels, options, rng);
}

/**
 * Two moons (scikit-learn's `make_moons`, not in the Playground), centred and scaled by 2.5 to fill the
 * same view as the other sets. Class 0: the upper half circle (cos t, sin t), class 1: the lower one
 * (1 − cos t, 0.5 − sin t), t evenly spaced over [0, π]; then Gaussian noise of standard deviation
 * `noise` is added to each coordinate (in scikit-learn's units, before scaling); finally every point is
 * mapped to `2.5·(p − (0.5, 0.25))`. Half the points each (class 1 gets the extra one when size is odd).
 *
 * Shape: `x` size×2, `y` size×2.
 * @example
 * ```ts
 * const ds = moons({ size: 300, noise: 0.1, rng: new Rng(0) });
 * ```
 */
export function moons(options: SyntheticOptions): Dataset {
  const { rng, size, noise } = read('moons', options);
  const xy = new Float64Array(size * 2);
  const labels = new Int32Array(size);
  const upper = Math.floor(size / 2);
  const lower = size - upper;
  for (let i = 0; i < size; i++) {
    const isUpper = i < upper;
    const k = isUpper ? i : i - upper;
    const n = isUpper ? upper : lower;
    const t = n > 1 ? (Math.PI * k) / (n - 1) : 0;
    const px = isUpper ? Math.cos(t) : 1 - Math.cos(t);
    const py = isUpper ? Math.sin(t) : 0.5 - Math.sin(t);
    const gx = noise > 0 ? rng.normal(0, noise) : 0;
    const gy = noise > 0 ? rng.normal(0, noise) : 0;
    xy[2 * i] = 2.5 * (px + gx - 0.5);
    xy[2 * i + 1] = 2.5 * (py + gy - 0.25);
    labels[i] = isUpper ? 0 : 1;
  }
  return finish('moons', xy, labels, options, rng);
}

/**
 * A synthetic set by name — what the CLI's `--data circle|xor|gauss|spiral|moons` uses.
 *
 * @example
 * ```ts
 * synthetic('spiral', { size: 400, noise: 0.05, rng: new Rng(1) });
 * ```
 */
export function synthetic(name: SyntheticName, options: SyntheticOptions): Dataset {
  switch (name) {
    case 'circle': return circle(options);
    case 'xor': return xor(options);
    case 'gauss': return gauss(options);
    case 'spiral': return spiral(options);
    case 'moons': return moons(options);
    default:
      throw new BackpropError('data', `synthetic: unknown set ${JSON.stringify(name)}, expected one of ${SYNTHETIC_NAMES.join(', ')}`);
  }
}

function read(name: string, options: SyntheticOptions): { rng: Rng; size: number; noise: number } {
  const { rng, size = 500, noise = 0 } = options ?? {};
  if (!rng || typeof rng.uniform !== 'function') throw new BackpropError('data', `${name}: expected options.rng, a seeded Rng, got ${String(rng)}`);
  if (!Number.isInteger(size) || size < 2) throw new BackpropError('data', `${name}: expected size to be an integer ≥ 2, got ${size}`);
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) {
    throw new BackpropError('data', `${name}: expected noise to be a number ≥ 0 (the Playground uses 0 … 0.5), got ${noise}`);
  }
  return { rng, size, noise };
}

/** Shuffles the rows with the same rng (so any prefix mixes both classes) and encodes the labels. */
function finish(name: string, xy: Float64Array, labels: Int32Array, options: SyntheticOptions, rng: Rng): Dataset {
  const n = labels.length;
  const order = rng.permutation(n);
  const x = new Float64Array(2 * n);
  const l = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    x[2 * k] = xy[2 * i]!;
    x[2 * k + 1] = xy[2 * i + 1]!;
    l[k] = labels[i]!;
  }
  return classificationDataset(x, 2, l, SYNTHETIC_CLASSES, options.targets ?? 'onehot', { featureNames: ['x1', 'x2'], name });
}
