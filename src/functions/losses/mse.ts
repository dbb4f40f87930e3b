import type { LossSpec, SquaredError } from './types.js';

const squaredError: SquaredError = {
  grad: (e, m) => (2 * e) / m,
  total: (s, m) => s / m,
};

/** Mean squared error E = (1/M)·Σ(y − t)² over every number (PyTorch `MSELoss`); ∂E/∂y = 2(y − t)/M. */
export const mse = {
  name: 'mse',
  lossAndGrad(y, t, g, rows, cols) {
    const m = rows * cols;
    let s = 0;
    for (let i = 0; i < m; i++) {
      const e = y[i]! - t[i]!;
      s += e * e;
      g[i] = squaredError.grad(e, m);
    }
    return squaredError.total(s, m);
  },
  squaredError,
  reduction: 'all',
  formula: { text: 'E = (1/M)·Σ(y − t)²', tex: 'E=\\frac1M\\sum (y-t)^2' },
  convention: 'the mean of the squared errors over all M = N·K numbers; PyTorch: MSELoss()',
  torch: (y, t) => `F.mse_loss(${y}, ${t})`,
  cas: { expr: '(y - t)^2', identity: { text: '2·(y − t)', tex: '2\\,(y-t)' }, identityAt: (y, t) => 2 * (y - t) },
  targets: 'any',
} as const satisfies LossSpec;
