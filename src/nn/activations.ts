import { ACTIVATION_TABLE, type ActivationName } from '../functions/activations/index.js';
import { activation } from '../autograd/ops/activations.js';
import type { Tensor } from '../tensor/tensor.js';

export {
  ACTIVATION_TABLE, ACTIVATIONS, ACTIVATION_FORMULAS, HIDDEN_ACTIVATIONS, activationSpec, checkActivation, isActivationName, suggest,
  type ActivationName, type ActivationSpec,
} from '../functions/activations/index.js';

/**
 * Applies the named activation (elementwise; softmax over the last axis), recording the graph.
 * `linear` returns `z` itself.
 *
 * @example
 * ```ts
 * activate('sigmoid', tensor([[0]])).toArray();   // [[0.5]]
 * ```
 */
export function activate(name: ActivationName, z: Tensor): Tensor {
  return name === 'linear' ? z : activation(ACTIVATION_TABLE[name], z);
}
