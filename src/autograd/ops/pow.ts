import { Tensor } from '../../tensor/tensor.js';
import { asTensor, binaryKernel, unbroadcast } from '../broadcast.js';
import { record } from '../record.js';
import { log } from './unary.js';

/**
 * a ** b elementwise with broadcasting.
 * ∂/∂a = b·a^(b−1); ∂/∂b = a^b·ln a (only computed when b requires grad; NaN for a < 0 as in PyTorch).
 *
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2);   // [4, 9]
 * ```
 */
export function pow(a: Tensor, b: Tensor | number): Tensor {
  const y = asTensor(b, a);
  const out = binaryKernel('pow', a, y, 'pow');
  return record(out, 'pow', [a, y], ['a', 'b'], (g) => {
    let ga: Tensor | null = null;
    if (a.requiresGrad) {
      const bm1 = binaryKernel('sub', y, asTensor(1, y), 'pow');
      const local = binaryKernel('mul', y, binaryKernel('pow', a, bm1, 'pow'), 'pow');
      ga = unbroadcast(binaryKernel('mul', g, local, 'pow'), a.shape);
    }
    let gb: Tensor | null = null;
    if (y.requiresGrad) gb = unbroadcast(binaryKernel('mul', g, binaryKernel('mul', out, log(a), 'pow'), 'pow'), y.shape);
    return [ga, gb];
  });
}
