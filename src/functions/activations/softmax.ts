import type { ActivationSpec } from './types.js';

/**
 * softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ) over each row (the maximum subtracted first), for output layers;
 * ∂yᵢ/∂zⱼ = yᵢ(δᵢⱼ − yⱼ). PyTorch `nn.Softmax(dim=-1)`.
 */
export const softmax = {
  name: 'softmax',
  form: 'rowwise',
  forward(z, a, rows, cols, at = 0) {
    for (let r = 0; r < rows; r++) {
      const base = at + r * cols;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) if (z[base + j]! > m) m = z[base + j]!;
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(z[base + j]! - m);
        a[base + j] = e;
        s += e;
      }
      for (let j = 0; j < cols; j++) a[base + j] = a[base + j]! / s;
    }
  },
  backward(g, _z, a, rows, cols, at = 0) {
    for (let r = 0; r < rows; r++) {
      const base = at + r * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += g[base + j]! * a[base + j]!;
      for (let j = 0; j < cols; j++) g[base + j] = a[base + j]! * (g[base + j]! - dot);
    }
  },
  text: { f: 'e^(zᵢ)/Σⱼ e^(zⱼ)', df: '∂yᵢ/∂zⱼ = yᵢ(δᵢⱼ − yⱼ)' },
  symbol: { text: 'softmax', tex: '\\operatorname{softmax}' },
  cas: { kind: 'jacobian' },
  onnx: (x, out) => ({ nodes: [{ op: 'Softmax', inputs: [x], output: out, attributes: [{ name: 'axis', int: -1 }] }] }),
  torch: { module: 'nn.Softmax(dim=-1)' },
  range: { low: 0, high: 1 },
  init: 'glorot_uniform',
  outputOnly: true,
} as const satisfies ActivationSpec;
