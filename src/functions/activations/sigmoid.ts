import type { ActivationSpec } from './types.js';

/** σ(x) = 1/(1 + e^(−x)), written so that e^x never overflows: e^x/(1 + e^x) for x < 0. */
export function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const df = (g: number, _x: number, y: number): number => g * (y * (1 - y));

/** The logistic sigmoid σ(z) = 1/(1 + e^(−z)), σ′ = σ(1 − σ). PyTorch `nn.Sigmoid`. */
export const sigmoid = {
  name: 'sigmoid',
  form: 'elementwise',
  f: sigmoidOf,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = sigmoidOf(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!, a[i]!);
  },
  text: { f: 'σ(z) = 1/(1 + e^(−z))', df: "σ'(z) = σ(z)(1 − σ(z))" },
  symbol: { text: 'σ', tex: '\\sigma' },
  cas: {
    kind: 'smooth',
    f: '1 / (1 + e^(-x))',
    identity: { text: 'σ(x)·(1 − σ(x))', tex: '\\sigma(x)\\,\\bigl(1-\\sigma(x)\\bigr)' },
    identityExpr: '1 / (1 + e^(-x)) * (1 - 1 / (1 + e^(-x)))',
    alt: 'e^(-x) / (1 + e^(-x))^2',
    identityAt: (x) => (1 / (1 + Math.exp(-x))) * (1 - 1 / (1 + Math.exp(-x))),
  },
  onnx: (x, out) => ({ nodes: [{ op: 'Sigmoid', inputs: [x], output: out }] }),
  torch: { module: 'nn.Sigmoid()' },
  range: { low: 0, high: 1 },
  init: 'glorot_uniform',
} as const satisfies ActivationSpec;
