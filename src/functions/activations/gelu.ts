import { erf } from '../../kernels/erf.js';
import type { ActivationSpec } from './types.js';

/** 1/√(2π). */
const INV_SQRT_2PI = 0.3989422804014327;

const f = (x: number): number => x * 0.5 * (1 + erf(x * Math.SQRT1_2));
const df = (g: number, x: number): number => {
  const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
  const pdf = Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
  return g * (cdf + x * pdf);
};

/** The exact GELU z·Φ(z) = z·½(1 + erf(z/√2)); f′ = Φ(z) + z·φ(z). PyTorch `nn.GELU()` (erf form). */
export const gelu = {
  name: 'gelu',
  form: 'elementwise',
  f,
  df,
  forward(z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = f(z[i]!);
  },
  backward(g, z, a, rows, cols, at = 0) {
    for (let i = at, end = at + rows * cols; i < end; i++) g[i] = df(g[i]!, z[i]!);
  },
  text: { f: 'z·Φ(z) = z·½(1 + erf(z/√2))', df: "f'(z) = Φ(z) + z·φ(z)" },
  symbol: { text: 'gelu', tex: '\\operatorname{gelu}' },
  cas: {
    kind: 'product-rule',
    f: { text: 'x·Φ(x) = x·½·(1 + erf(x/√2))', tex: 'x\\,\\Phi(x)=\\tfrac{x}{2}\\bigl(1+\\operatorname{erf}(x/\\sqrt2)\\bigr)' },
    raw: { text: 'Φ(x) + x·Φ′(x)', tex: "\\Phi(x)+x\\,\\Phi'(x)" },
    identity: { text: 'Φ(x) + x·e^(−x²/2)/√(2π)', tex: '\\Phi(x)+x\\,\\frac{e^{-x^2/2}}{\\sqrt{2\\pi}}' },
    identityAt: (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  },
  // NOTE: opset 20 has a native Gelu; below, x·(1 + Erf(x/√2))·½ from five nodes.
  onnx: (x, out, prefix, opset) =>
    opset >= 20
      ? { nodes: [{ op: 'Gelu', inputs: [x], output: out }] }
      : {
          nodes: [
            { op: 'Div', inputs: [x, 'gelu.sqrt2'], output: `${prefix}.scaled` },
            { op: 'Erf', inputs: [`${prefix}.scaled`], output: `${prefix}.erf` },
            { op: 'Add', inputs: [`${prefix}.erf`, 'gelu.one'], output: `${prefix}.cdf2` },
            { op: 'Mul', inputs: [x, `${prefix}.cdf2`], output: `${prefix}.x_cdf2` },
            { op: 'Mul', inputs: [`${prefix}.x_cdf2`, 'gelu.half'], output: out },
          ],
          constants: [
            { name: 'gelu.sqrt2', value: Math.SQRT2 },
            { name: 'gelu.one', value: 1 },
            { name: 'gelu.half', value: 0.5 },
          ],
        },
  preferredOpset: 20,
  torch: { module: 'nn.GELU()' },
  // NOTE: the minimum of x·Φ(x) is −0.16997… (at x ≈ −0.75).
  range: { low: -0.17 },
  init: 'he_normal',
} as const satisfies ActivationSpec;
