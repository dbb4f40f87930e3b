import type { ActivationSpec } from './types.js';

/** The slope on the negative side (PyTorch's default). */
export const LEAKY_SLOPE = 0.01;

const f = (x: number): number => (x > 0 ? x : LEAKY_SLOPE * x);
const df = (g: number, x: number): number => (x > 0 ? g : LEAKY_SLOPE * g);

/** Leaky rectifier: z for z > 0, else 0.01·z. PyTorch `nn.LeakyReLU(0.01)`. */
export const leakyRelu = {
  name: 'leaky_relu',
  form: 'elementwise',
  f,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = f(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!);
  },
  text: { f: `z if z > 0 else ${LEAKY_SLOPE}·z`, df: `f'(z) = 1 if z > 0 else ${LEAKY_SLOPE}` },
  symbol: { text: 'lrelu', tex: '\\operatorname{lrelu}' },
  cas: {
    kind: 'piecewise',
    pos: 'x',
    neg: `${LEAKY_SLOPE} * x`,
    identity: { text: `1 if x > 0, else ${LEAKY_SLOPE}`, tex: `\\begin{cases}1 & x>0\\\\ ${LEAKY_SLOPE} & x\\le 0\\end{cases}` },
    identityAt: (x) => (x > 0 ? 1 : LEAKY_SLOPE),
  },
  onnx: (x, out) => ({ nodes: [{ op: 'LeakyRelu', inputs: [x], output: out, attributes: [{ name: 'alpha', float: LEAKY_SLOPE }] }] }),
  torch: { module: `nn.LeakyReLU(${LEAKY_SLOPE})` },
  range: {},
  init: 'he_normal',
} as const satisfies ActivationSpec;
