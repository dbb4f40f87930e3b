import { BackpropError } from '../errors.js';
import { closestName } from '../suggest.js';
import * as ops from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';

/** Names of the activations a dense layer can apply (as written in model files). */
export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'elu' | 'gelu' | 'softplus' | 'softmax';

/** Every activation name, in documentation order. */
export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'gelu', 'softplus', 'softmax'];

/** The formula of each activation and of its derivative, in plain text (used by help and the ledger). */
export const ACTIVATION_FORMULAS: Readonly<Record<ActivationName, { f: string; df: string }>> = {
  linear: { f: 'f(z) = z', df: "f'(z) = 1" },
  sigmoid: { f: 'σ(z) = 1/(1 + e^(−z))', df: "σ'(z) = σ(z)(1 − σ(z))" },
  tanh: { f: 'tanh(z)', df: "tanh'(z) = 1 − tanh²(z)" },
  relu: { f: 'max(0, z)', df: "relu'(z) = 1 if z > 0 else 0" },
  leaky_relu: { f: 'z if z > 0 else 0.01·z', df: "f'(z) = 1 if z > 0 else 0.01" },
  elu: { f: 'z if z > 0 else e^z − 1', df: "f'(z) = 1 if z > 0 else e^z" },
  gelu: { f: 'z·Φ(z) = z·½(1 + erf(z/√2))', df: "f'(z) = Φ(z) + z·φ(z)" },
  softplus: { f: 'ln(1 + e^z)', df: "f'(z) = σ(z)" },
  softmax: { f: 'e^(zᵢ)/Σⱼ e^(zⱼ)', df: '∂yᵢ/∂zⱼ = yᵢ(δᵢⱼ − yⱼ)' },
};

/**
 * Applies the named activation elementwise (softmax: over the last axis), recording the graph.
 *
 * @example
 * ```ts
 * activate('sigmoid', tensor([[0]])).toArray();   // [[0.5]]
 * ```
 */
export function activate(name: ActivationName, z: Tensor): Tensor {
  switch (name) {
    case 'linear':
      return z;
    case 'sigmoid':
      return ops.sigmoid(z);
    case 'tanh':
      return ops.tanh(z);
    case 'relu':
      return ops.relu(z);
    case 'leaky_relu':
      return ops.leakyRelu(z, 0.01);
    case 'elu':
      return ops.elu(z, 1);
    case 'gelu':
      return ops.gelu(z);
    case 'softplus':
      return ops.softplus(z);
    case 'softmax':
      return ops.softmax(z);
  }
}

/** Throws unless `name` is a known activation; `where` locates it for the message. */
export function checkActivation(name: unknown, where: string): ActivationName {
  if (typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name)) return name as ActivationName;
  throw new BackpropError('value', `${where}: unknown activation ${JSON.stringify(name)}; expected one of ${ACTIVATIONS.join(', ')}${suggest(name, ACTIVATIONS)}`);
}

/** ` (did you mean "x"?)` when `value` is close to one of `choices`, else an empty string. */
export function suggest(value: unknown, choices: readonly string[]): string {
  if (typeof value !== 'string') return '';
  const best = closestName(value, choices);
  return best === null ? '' : ` (did you mean "${best}"?)`;
}
