import { sigmoidOf } from './sigmoid.js';
import type { ActivationSpec } from './types.js';

/** ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^(−|x|)). */
export function softplusOf(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

const df = (g: number, x: number): number => g * sigmoidOf(x);

/** softplus(z) = ln(1 + e^z), a smooth relu; f′ = σ(z). PyTorch `nn.Softplus()`. */
export const softplus = {
  name: 'softplus',
  form: 'elementwise',
  f: softplusOf,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = softplusOf(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!);
  },
  text: { f: 'ln(1 + e^z)', df: "f'(z) = σ(z)" },
  symbol: { text: 'softplus', tex: '\\operatorname{softplus}' },
  cas: {
    kind: 'smooth',
    f: 'log(1 + e^x)',
    identity: { text: 'σ(x) = 1/(1 + e^(−x))', tex: '\\sigma(x)=\\frac{1}{1+e^{-x}}' },
    identityExpr: '1 / (1 + e^(-x))',
    identityAt: (x) => 1 / (1 + Math.exp(-x)),
  },
  onnx: (x, out) => ({ nodes: [{ op: 'Softplus', inputs: [x], output: out }] }),
  torch: { module: 'nn.Softplus()', note: 'PyTorch switches to x above 20; the difference is < 2.1e-9' },
  range: { low: 0 },
  init: 'glorot_uniform',
} as const satisfies ActivationSpec;
