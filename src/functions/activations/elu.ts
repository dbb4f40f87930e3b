import type { ActivationSpec } from './types.js';

/** α of the ELU (PyTorch's default). */
export const ELU_ALPHA = 1;

const f = (x: number): number => (x > 0 ? x : ELU_ALPHA * Math.expm1(x));
const df = (g: number, x: number, y: number): number => (x > 0 ? g : g * (y + ELU_ALPHA));

/** Exponential linear unit: z for z > 0, else e^z − 1; f′ = f + 1 there. PyTorch `nn.ELU(alpha=1.0)`. */
export const elu = {
  name: 'elu',
  form: 'elementwise',
  f,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = f(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!, a[i]!);
  },
  text: { f: 'z if z > 0 else e^z − 1', df: "f'(z) = 1 if z > 0 else e^z" },
  symbol: { text: 'elu', tex: '\\operatorname{elu}' },
  cas: {
    kind: 'piecewise',
    pos: 'x',
    neg: 'e^x - 1',
    identity: { text: '1 if x > 0, else f(x) + 1 = e^x', tex: '\\begin{cases}1 & x>0\\\\ f(x)+1=e^{x} & x\\le 0\\end{cases}' },
    identityAt: (x) => (x > 0 ? 1 : Math.exp(x)),
  },
  onnx: (x, out) => ({ nodes: [{ op: 'Elu', inputs: [x], output: out, attributes: [{ name: 'alpha', float: ELU_ALPHA }] }] }),
  torch: { module: 'nn.ELU(alpha=1.0)' },
  range: { low: -ELU_ALPHA },
  init: 'he_normal',
} as const satisfies ActivationSpec;
