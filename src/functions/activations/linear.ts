import type { ActivationSpec } from './types.js';
import { biasReluF32 } from '../../kernels/elementwise.js';

/** f(z) = z: the identity (no activation). PyTorch: nothing after the `nn.Linear`. */
export const linear = {
  name: 'linear',
  form: 'elementwise',
  f: (x) => x,
  df: (g) => g,
  forward(z, a, rows, cols, at = 0) {
    if (a === z) return;
    for (let i = at, end = at + rows * cols; i < end; i++) a[i] = z[i]!;
  },
  backward() {
    // f′ = 1: g is already ∂E/∂z.
  },
  biasForwardKernel: (z, a, b, rows, cols) => a === z && biasReluF32(z, a, b, rows, cols, false),
  text: { f: 'f(z) = z', df: "f'(z) = 1" },
  symbol: { text: 'f', tex: 'f' },
  cas: { kind: 'smooth', f: 'x', identity: { text: '1', tex: '1' }, identityExpr: '1', identityAt: () => 1 },
  onnx: () => ({ nodes: [] }),
  torch: { module: null },
  range: {},
  init: 'glorot_uniform',
} as const satisfies ActivationSpec;
