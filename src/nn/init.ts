import { BackpropError } from '../errors.js';
import { ACTIVATION_TABLE, type ActivationName } from '../functions/activations/index.js';
import type { DType } from '../tensor/dtype.js';
import { allocate } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** Names of the weight initializers. */
export type InitializerName = 'zeros' | 'uniform' | 'normal' | 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal';

/** Every initializer name. */
export const INITIALIZERS: readonly InitializerName[] = ['zeros', 'uniform', 'normal', 'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal'];

/**
 * A weight matrix of shape [fanOut, fanIn] drawn from `rng`:
 * - `zeros`;
 * - `uniform`: U(−1/√fanIn, 1/√fanIn) (PyTorch Linear's default range);
 * - `normal`: N(0, 0.05²);
 * - `glorot_uniform`: U(−a, a), a = √(6/(fanIn + fanOut)); `glorot_normal`: N(0, 2/(fanIn + fanOut));
 * - `he_uniform`: U(−a, a), a = √(6/fanIn); `he_normal`: N(0, 2/fanIn) — for ReLU layers.
 *
 * @example
 * ```ts
 * const W = initialize('he_normal', 128, 784, new Rng(0));   // shape [128, 784]
 * ```
 */
export function initialize(name: InitializerName, fanOut: number, fanIn: number, rng: Rng, dtype: DType = 'float64'): Tensor {
  const data = allocate(dtype, fanOut * fanIn);
  const uniform = (a: number): void => {
    for (let i = 0; i < data.length; i++) data[i] = rng.uniformRange(-a, a);
  };
  const normal = (std: number): void => {
    for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, std);
  };
  switch (name) {
    case 'zeros':
      break;
    case 'uniform':
      uniform(1 / Math.sqrt(fanIn));
      break;
    case 'normal':
      normal(0.05);
      break;
    case 'glorot_uniform':
      uniform(Math.sqrt(6 / (fanIn + fanOut)));
      break;
    case 'glorot_normal':
      normal(Math.sqrt(2 / (fanIn + fanOut)));
      break;
    case 'he_uniform':
      uniform(Math.sqrt(6 / fanIn));
      break;
    case 'he_normal':
      normal(Math.sqrt(2 / fanIn));
      break;
    default:
      throw new BackpropError('value', `initialize: unknown initializer ${JSON.stringify(name)}; expected one of ${INITIALIZERS.join(', ')}`);
  }
  return new Tensor(data, [fanOut, fanIn]);
}

/** The initializer that suits an activation (its table entry's): He for the ReLU family, Glorot otherwise. */
export function defaultInitializer(activation: ActivationName): InitializerName {
  return ACTIVATION_TABLE[activation].init;
}
