import type { LossSpec, SquaredError } from './types.js';

const squaredError: SquaredError = {
  grad: (e, _m) => e,
  total: (s, _m) => 0.5 * s,
};

/** The seed notebook's cost: E = ½·Σ(y − t)² over every number, not averaged; ∂E/∂y = y − t. */
export const sse = {
  name: 'sse',
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
  reduction: 'sum',
  formula: { text: 'E = ½·Σ(y − t)²', tex: 'E=\\tfrac12\\sum (y-t)^2' },
  convention: '½ × the sum of squared errors (the seed notebook\'s cost); PyTorch: 0.5 * MSELoss(reduction="sum")',
  torch: (y, t) => `0.5 * F.mse_loss(${y}, ${t}, reduction="sum")`,
  cas: { expr: '1/2 * (y - t)^2', identity: { text: 'y − t', tex: 'y-t' }, identityAt: (y, t) => y - t },
  targets: 'any',
} as const satisfies LossSpec;
