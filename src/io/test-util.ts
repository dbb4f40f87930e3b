/**
 * Test helpers for the io codecs (imported by tests only): a float64 reference forward pass written
 * straight from the activation formulas, independent of the engine, and a random model maker.
 * @module
 */
import { erf } from '../kernels/erf.js';
import { Rng } from '../tensor/rng.js';
import type { ModelFile } from './model-file.js';
import type { ActivationName } from '../nn/activations.js';
import type { LossName } from '../nn/losses.js';

/**
 * act(z) for one row `z`, written straight from each formula — the activations the library had when
 * this oracle was written; those added to the table since are held to PyTorch instead
 * (test/activation-fixtures.test.ts), and have no entry here.
 */
const FORMULAS: Partial<Record<ActivationName, (z: number[]) => number[]>> = {
  linear: (z) => z,
  sigmoid: (z) => z.map((v) => 1 / (1 + Math.exp(-v))),
  tanh: (z) => z.map(Math.tanh),
  relu: (z) => z.map((v) => (v > 0 ? v : 0)),
  leaky_relu: (z) => z.map((v) => (v > 0 ? v : 0.01 * v)),
  elu: (z) => z.map((v) => (v > 0 ? v : Math.expm1(v))),
  gelu: (z) => z.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))),
  softplus: (z) => z.map((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))),
  softmax: (z) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  },
};

/**
 * The model's output for each row of `input`, in float64: a ← act(W·a + b) layer by layer; null
 * when a layer's activation has no formula here (see {@link FORMULAS}).
 */
export function referenceForward(model: ModelFile, input: number[][]): number[][] | null {
  const layers = model.layers as { activation: ActivationName; weights: number[][]; bias: number[] }[];
  if (layers.some((l) => FORMULAS[l.activation] === undefined)) return null;
  return input.map((row) => {
    let a = row;
    for (const layer of layers) {
      const z = layer.weights.map((w, o) => w.reduce((s, v, i) => s + v * a[i]!, layer.bias[o]!));
      a = FORMULAS[layer.activation]!(z);
    }
    return a;
  });
}

/** A model of the given sizes and activations with weights uniform in [−1, 1) from `rng`. */
export function randomModel(sizes: number[], activations: ActivationName[], rng: Rng, loss: LossName = 'mse'): ModelFile {
  const u = () => rng.uniform() * 2 - 1;
  return {
    format: 'backprop-model',
    version: 1,
    dtype: 'float64',
    loss,
    layers: activations.map((activation, i) => ({
      type: 'dense',
      activation,
      weights: Array.from({ length: sizes[i + 1]! }, () => Array.from({ length: sizes[i]! }, u)),
      bias: Array.from({ length: sizes[i + 1]! }, u),
    })),
  } as ModelFile;
}

/** `rows` × `cols` numbers uniform in [−scale, scale). */
export function randomMatrix(rows: number, cols: number, rng: Rng, scale = 2): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rng.uniform() * 2 - 1) * scale));
}

/** Largest |a − b| over two equally shaped matrices (throws on a shape mismatch). */
export function maxAbsDiff(a: ArrayLike<number>[] | number[][], b: ArrayLike<number>[] | number[][]): number {
  if (a.length !== b.length) throw new Error(`row counts differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let r = 0; r < a.length; r++) {
    const x = a[r]!;
    const y = b[r]!;
    if (x.length !== y.length) throw new Error(`row ${r} lengths differ: ${x.length} vs ${y.length}`);
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  }
  return m;
}
