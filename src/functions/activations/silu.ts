import { sigmoidOf } from './sigmoid.js';
import type { ActivationSpec } from './types.js';

const f = (x: number): number => x * sigmoidOf(x);
// NOTE: PyTorch's silu_backward form, σ(x)·(1 + x·(1 − σ(x))).
const df = (g: number, x: number): number => {
  const s = sigmoidOf(x);
  return g * (s * (1 + x * (1 - s)));
};

/** SiLU (swish) z·σ(z); f′ = σ(z)·(1 + z·(1 − σ(z))). PyTorch `nn.SiLU`. */
export const silu = {
  name: 'silu',
  form: 'elementwise',
  f,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = f(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!);
  },
  text: { f: 'z·σ(z)', df: "f'(z) = σ(z)·(1 + z·(1 − σ(z)))" },
  symbol: { text: 'silu', tex: '\\operatorname{silu}' },
  cas: {
    kind: 'smooth',
    f: 'x / (1 + e^(-x))',
    identity: { text: 'σ(x)·(1 + x·(1 − σ(x)))', tex: '\\sigma(x)\\,\\bigl(1+x\\,(1-\\sigma(x))\\bigr)' },
    identityExpr: '1 / (1 + e^(-x)) * (1 + x * (1 - 1 / (1 + e^(-x))))',
    identityAt: (x) => {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 + x * (1 - s));
    },
  },
  onnx: (x, out, prefix) => ({
    nodes: [
      { op: 'Sigmoid', inputs: [x], output: `${prefix}.sigmoid` },
      { op: 'Mul', inputs: [x, `${prefix}.sigmoid`], output: out },
    ],
  }),
  torch: { module: 'nn.SiLU()' },
  // NOTE: the minimum of x·σ(x) is −0.27846… (at x ≈ −1.2785).
  range: { low: -0.279 },
  init: 'he_normal',
} as const satisfies ActivationSpec;
