import { Tensor } from '../../tensor/tensor.js';
import { asTensor, binaryKernel, unbroadcast } from '../broadcast.js';
import { record } from '../record.js';

/**
 * a + b, elementwise with broadcasting. ∂/∂a = 1, ∂/∂b = 1 (summed over broadcast axes).
 *
 * @example
 * ```ts
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray();   // [[11, 22], [13, 24]] (the row broadcasts)
 * ```
 */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = pair(a, b);
  const out = binaryKernel('add', x, y, 'add');
  return record(out, 'add', [x, y], ['a', 'b'], (g) => [unbroadcast(g, x.shape), unbroadcast(g, y.shape)]);
}

/**
 * a − b, elementwise with broadcasting. ∂/∂a = 1, ∂/∂b = −1.
 *
 * @example
 * ```ts
 * sub(tensor([[1, 2], [3, 4]]), 1).toArray();   // [[0, 1], [2, 3]]
 * ```
 */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = pair(a, b);
  const out = binaryKernel('sub', x, y, 'sub');
  return record(out, 'sub', [x, y], ['a', 'b'], (g) => [unbroadcast(g, x.shape), unbroadcast(neg(g), y.shape)]);
}

/**
 * a · b, elementwise with broadcasting. ∂/∂a = b, ∂/∂b = a.
 *
 * @example
 * ```ts
 * mul(tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 4]])).toArray();   // [[1, 4], [9, 16]] (elementwise)
 * ```
 */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = pair(a, b);
  const out = binaryKernel('mul', x, y, 'mul');
  return record(out, 'mul', [x, y], ['a', 'b'], (g) => [
    x.requiresGrad ? unbroadcast(binaryKernel('mul', g, y, 'mul'), x.shape) : null,
    y.requiresGrad ? unbroadcast(binaryKernel('mul', g, x, 'mul'), y.shape) : null,
  ]);
}

/**
 * a / b, elementwise with broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b².
 *
 * @example
 * ```ts
 * div(tensor([[1, 2], [3, 4]]), 2).toArray();   // [[0.5, 1], [1.5, 2]]
 * ```
 */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  const [x, y] = pair(a, b);
  const out = binaryKernel('div', x, y, 'div');
  return record(out, 'div', [x, y], ['a', 'b'], (g) => [
    x.requiresGrad ? unbroadcast(binaryKernel('div', g, y, 'div'), x.shape) : null,
    y.requiresGrad ? unbroadcast(neg(binaryKernel('div', binaryKernel('mul', g, out, 'div'), y, 'div')), y.shape) : null,
  ]);
}

/**
 * −a.
 *
 * @example
 * ```ts
 * neg(tensor([[1, -2]])).toArray();   // [[−1, 2]]
 * ```
 */
export function neg(a: Tensor): Tensor {
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) o[i] = -d[i]!;
  const out = new Tensor(o, a.shape);
  return record(out, 'neg', [a], ['a'], (g) => [neg(g)]);
}

function pair(a: Tensor | number, b: Tensor | number): [Tensor, Tensor] {
  if (a instanceof Tensor) return [a, asTensor(b, a)];
  if (b instanceof Tensor) return [asTensor(a, b), b];
  return [new Tensor(Float64Array.of(a), []), new Tensor(Float64Array.of(b), [])];
}
