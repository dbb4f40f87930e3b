import { biasReluF32, reluBackwardF32 } from '../../kernels/elementwise.js';
import type { ActivationSpec } from './types.js';

// NOTE: 0·x and 0·g (not 0) keep the sign of zero and NaN as the graph's ops always did.
const f = (x: number): number => (x > 0 ? x : 0 * x);
const df = (g: number, x: number): number => (x > 0 ? g : 0 * g);

/** The rectifier max(0, z), relu′ = 1 for z > 0, else 0 (also at 0, as PyTorch). PyTorch `nn.ReLU`. */
export const relu = {
  name: 'relu',
  form: 'elementwise',
  f,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = f(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    if (at === 0 && reluBackwardF32(g, z, rows * cols)) return;
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!);
  },
  biasForwardKernel: (z, a, b, rows, cols) => biasReluF32(z, a, b, rows, cols, true),
  text: { f: 'max(0, z)', df: "relu'(z) = 1 if z > 0 else 0" },
  symbol: { text: 'relu', tex: '\\operatorname{relu}' },
  cas: {
    kind: 'piecewise',
    pos: 'x',
    neg: '0',
    identity: { text: '1 if x > 0, else 0', tex: '\\begin{cases}1 & x>0\\\\ 0 & x\\le 0\\end{cases}' },
    identityAt: (x) => (x > 0 ? 1 : 0),
  },
  onnx: (x, out) => ({ nodes: [{ op: 'Relu', inputs: [x], output: out }] }),
  torch: { module: 'nn.ReLU()' },
  range: { low: 0 },
  init: 'he_normal',
} as const satisfies ActivationSpec;
