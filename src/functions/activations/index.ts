import { BackpropError } from '../../errors.js';
import { closestName } from '../../suggest.js';
import { elu } from './elu.js';
import { gelu } from './gelu.js';
import { leakyRelu } from './leaky-relu.js';
import { linear } from './linear.js';
import { relu } from './relu.js';
import { silu } from './silu.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { softplus } from './softplus.js';
import { tanh } from './tanh.js';
import type { ActivationSpec } from './types.js';

/*
 * The activation table: one entry per activation (one file each, beside this one), in
 * documentation order. Every part of the library — autograd ops, fused kernels, the compiled
 * step, the ledger, model files, ONNX, PyTorch export, the CLI and the playground — looks an
 * activation up here, so adding one is one file and one line below.
 */
const TABLE = {
  linear,
  sigmoid,
  tanh,
  relu,
  leaky_relu: leakyRelu,
  elu,
  gelu,
  softplus,
  silu,
  softmax,
} as const satisfies Record<string, ActivationSpec>;

/** Names of the activations a layer can apply (as written in model files and on the command line). */
export type ActivationName = keyof typeof TABLE;

/** The activation table (see above), by name. */
export const ACTIVATION_TABLE: Readonly<Record<ActivationName, ActivationSpec>> = TABLE;

/** Every activation name, in documentation order. */
export const ACTIVATIONS = Object.keys(ACTIVATION_TABLE) as readonly ActivationName[];

/** The activations a hidden layer may use (all but the output-only ones such as softmax). */
export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((n) => ACTIVATION_TABLE[n].outputOnly !== true) as readonly ActivationName[];

/** The formula of each activation and of its derivative, in plain text (help and the ledger). */
export const ACTIVATION_FORMULAS = Object.fromEntries(ACTIVATIONS.map((n) => [n, ACTIVATION_TABLE[n].text])) as Readonly<Record<ActivationName, { readonly f: string; readonly df: string }>>;

/**
 * The table entry of `name`.
 *
 * @example
 * ```ts
 * activationSpec('sigmoid').f!(0);               // 0.5
 * activationSpec('relu').torch.module;            // 'nn.ReLU()'
 * ```
 */
export function activationSpec(name: ActivationName): ActivationSpec {
  return ACTIVATION_TABLE[name];
}

/** Whether `name` is an activation of the table. */
export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && Object.hasOwn(ACTIVATION_TABLE, name);
}

/** Throws unless `name` is a known activation; `where` locates it for the message. */
export function checkActivation(name: unknown, where: string): ActivationName {
  if (isActivationName(name)) return name;
  throw new BackpropError('value', `${where}: unknown activation ${JSON.stringify(name)}; expected one of ${ACTIVATIONS.join(', ')}${suggest(name, ACTIVATIONS)}`);
}

/** ` (did you mean "x"?)` when `value` is close to one of `choices`, else an empty string. */
export function suggest(value: unknown, choices: readonly string[]): string {
  if (typeof value !== 'string') return '';
  const best = closestName(value, choices);
  return best === null ? '' : ` (did you mean "${best}"?)`;
}

export type { ActivationSpec, CasForm, Formula, OnnxForm, OnnxNodeSpec, TorchForm } from './types.js';
