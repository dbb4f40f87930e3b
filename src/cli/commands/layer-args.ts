import { BackpropError } from '../../errors.js';
import type { MlpBlockOptions } from '../../nn/sequential.js';
import type { Penalty } from '../../nn/penalty.js';
import type { FlagSpec, ParsedArgs } from '../args.js';

/**
 * Flags of `train` that put batch norm, layer norm or dropout around each hidden layer of a
 * `--layers` network, and the L1/L2 penalties (any network).
 */
export const LAYER_FLAGS: Record<string, FlagSpec> = {
  'batch-norm': { type: 'boolean', help: 'batch norm after each hidden dense layer of --layers, before its activation' },
  'layer-norm': { type: 'boolean', help: 'layer norm there instead' },
  dropout: { type: 'number', value: 'P', min: 0, help: 'dropout with probability P after each hidden activation of --layers (0 ≤ P < 1)' },
  l1: { type: 'number', value: 'X', min: 0, help: 'L1 penalty X·Σ|w| on the dense weights, added to the loss' },
  l2: { type: 'number', value: 'X', min: 0, help: 'L2 penalty (X/2)·Σw² on the dense weights, added to the loss (not weight decay)' },
};

/** What the flags put around each hidden layer of `--layers` (an error without `--layers`). */
export function blockOptions(f: ParsedArgs['flags'], command: string): MlpBlockOptions {
  const given = (['batch-norm', 'layer-norm', 'dropout'] as const).filter((k) => f[k] !== undefined);
  if (given.length === 0) return {};
  if (f.layers === undefined) throw new BackpropError('argument', `${command}: --${given[0]} describes a new network and needs --layers`);
  if (f['batch-norm'] === true && f['layer-norm'] === true) throw new BackpropError('argument', `${command}: give --batch-norm or --layer-norm, not both`);
  const p = f.dropout as number | undefined;
  if (p !== undefined && !(p < 1)) throw new BackpropError('argument', `${command}: --dropout must be a probability below 1, got ${p}`);
  return { ...(f['batch-norm'] === true && { batchNorm: true }), ...(f['layer-norm'] === true && { layerNorm: true }), ...(p !== undefined && p > 0 && { dropout: p }) };
}

/** The L1/L2 penalty of the flags, or undefined. */
export function penaltyFlags(f: ParsedArgs['flags']): Penalty | undefined {
  const l1 = f.l1 as number | undefined;
  const l2 = f.l2 as number | undefined;
  return l1 === undefined && l2 === undefined ? undefined : { ...(l1 !== undefined && { l1 }), ...(l2 !== undefined && { l2 }) };
}

/** `, batch norm, dropout 0.2, L2 0.0001` for the training header (empty for a plain network). */
export function describeExtras(f: ParsedArgs['flags']): string {
  const parts = [f['batch-norm'] === true && 'batch norm', f['layer-norm'] === true && 'layer norm', f.dropout !== undefined && Number(f.dropout) > 0 && `dropout ${f.dropout}`, f.l1 !== undefined && `L1 ${f.l1}`, f.l2 !== undefined && `L2 ${f.l2}`].filter(Boolean);
  return parts.length === 0 ? '' : `, ${parts.join(', ')}`;
}
