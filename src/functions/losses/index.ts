import { BackpropError } from '../../errors.js';
import { suggest } from '../activations/index.js';
import { bce } from './bce.js';
import { crossEntropy } from './cross-entropy.js';
import { mse } from './mse.js';
import { sse } from './sse.js';
import type { LogitForm, LossSpec } from './types.js';

/*
 * The loss table: one entry per loss (one file each, beside this one). The autograd ops, the
 * fused kernels, the ledger, target validation and PyTorch export all read it.
 */
const TABLE = {
  sse,
  mse,
  cross_entropy: crossEntropy,
  bce,
} as const satisfies Record<string, LossSpec>;

/** Names of the losses (as written in model files and on the command line). */
export type LossName = keyof typeof TABLE;

/** The loss table (see above), by name. */
export const LOSS_TABLE: Readonly<Record<LossName, LossSpec>> = TABLE;

/** Every loss name. */
export const LOSSES = Object.keys(LOSS_TABLE) as readonly LossName[];

/** Each loss's formula in plain text. */
export const LOSS_FORMULAS = Object.fromEntries(LOSSES.map((n) => [n, LOSS_TABLE[n].formula.text])) as Readonly<Record<LossName, string>>;

/**
 * The table entry of a loss.
 *
 * @example
 * ```ts
 * lossSpec('sse').formula.text;      // 'E = ½·Σ(y − t)²'
 * lossSpec('mse').torch('y', 't');   // 'F.mse_loss(y, t)'
 * ```
 */
export function lossSpec(name: LossName): LossSpec {
  return LOSS_TABLE[name];
}

/** Whether `name` is a loss of the table. */
export function isLossName(name: unknown): name is LossName {
  return typeof name === 'string' && Object.hasOwn(LOSS_TABLE, name);
}

/** Throws unless `name` is a known loss. */
export function checkLoss(name: unknown, where: string): LossName {
  if (isLossName(name)) return name;
  throw new BackpropError('value', `${where}: unknown loss ${JSON.stringify(name)}; expected one of ${LOSSES.join(', ')}${suggest(name, LOSSES)}`);
}

/**
 * The loss's form on the logits when the output activation is the one it folds into (softmax with
 * cross_entropy, sigmoid with bce), else null: the one place the "loss on the logits" rule lives.
 *
 * @example
 * ```ts
 * logitForm('cross_entropy', 'softmax')?.op;   // 'softmax_cross_entropy'
 * logitForm('sse', 'sigmoid');                  // null
 * ```
 */
export function logitForm(loss: LossName, outputActivation: string): LogitForm | null {
  const form = LOSS_TABLE[loss].onLogits;
  return form !== undefined && form.activation === outputActivation ? form : null;
}

/** The divisor of a batch of `rows` samples and `cols` outputs under the loss's reduction (1, N or N·K). */
export function lossCount(loss: LossName, rows: number, cols: number): number {
  const r = LOSS_TABLE[loss].reduction;
  return r === 'sum' ? 1 : r === 'rows' ? rows : rows * cols;
}

export type { LogitForm, LossReduction, LossSpec, SquaredError, TargetRule } from './types.js';
