import type { ActivationSpec } from './types.js';

const f = (x: number): number => Math.tanh(x);
const df = (g: number, _x: number, y: number): number => g * (1 - y * y);

/** The hyperbolic tangent, tanh′ = 1 − tanh². PyTorch `nn.Tanh`. */
export const tanh = {
  name: 'tanh',
  form: 'elementwise',
  f,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = f(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!, a[i]!);
  },
  text: { f: 'tanh(z)', df: "tanh'(z) = 1 − tanh²(z)" },
  symbol: { text: 'tanh', tex: '\\tanh' },
  cas: { kind: 'smooth', f: 'tanh(x)', identity: { text: '1 − tanh²(x)', tex: '1-\\tanh^2(x)' }, identityExpr: '1 - tanh(x)^2', identityAt: (x) => 1 - Math.tanh(x) ** 2 },
  onnx: (x, out) => ({ nodes: [{ op: 'Tanh', inputs: [x], output: out }] }),
  torch: { module: 'nn.Tanh()' },
  range: { low: -1, high: 1 },
  init: 'glorot_uniform',
} as const satisfies ActivationSpec;
