import { BackpropError } from '../errors.js';
import { suggest } from '../nn/activations.js';
import type { Tensor } from '../tensor/tensor.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer, OptimizerName } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** Every optimizer name. */
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'rmsprop', 'adam', 'adamw'];

/** Settings accepted by {@link createOptimizer}; each optimizer reads the ones it knows. */
export interface OptimizerSettings {
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  alpha?: number;
  eps?: number;
  centered?: boolean;
  beta1?: number;
  beta2?: number;
}

/**
 * A plain registry: name → constructor.
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer('adam', model.parameters(), { lr: 0.01 });   // an Adam
 * ```
 */
export function createOptimizer(name: OptimizerName, params: readonly Tensor[], settings: OptimizerSettings = {}): Optimizer {
  const s = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as OptimizerSettings;
  switch (name) {
    case 'sgd':
      return new SGD(params, s);
    case 'rmsprop':
      return new RMSprop(params, s);
    case 'adam':
      return new Adam(params, s);
    case 'adamw':
      return new AdamW(params, s);
    default:
      throw new BackpropError('value', `unknown optimizer ${JSON.stringify(name)}; expected one of ${OPTIMIZERS.join(', ')}${suggest(name, OPTIMIZERS)}`);
  }
}
