import { parseParamName, selects } from '../names.js';
import type { Ledger } from '../types.js';
import { diagnose } from './diagnose.js';
import type { Ask, Diagnosis } from './types.js';

/**
 * Grades a hand calculation on any network: `name` is a parameter as the ledger accepts it
 * (`W2[0][0]`, `w41`, `b2[1]`, `0.weight[0][0]`) or as the seed notebook names its gradient
 * (`bw41`, `bb2`). A name that covers several parameters (`b2`: every bias of layer 2, as the
 * notebook thought of one) is graded against each, and the best verdict is returned: right for
 * one of them, else the closest mistake, else unknown (for the first).
 *
 * @example
 * ```ts
 * const ledger = explain(seedNetwork(), SEED.input, SEED.target);
 * checkAnswer(ledger, 'w41', 'gradient', 0.0809).mistake!.id;   // 'cost-without-half'
 * checkAnswer(ledger, 'bb2', 'gradient', 0.16377596).mistake!.id;   // 'bias-sum'
 * ```
 */
export function checkAnswer(ledger: Ledger, name: string, ask: Ask, answer: number, tolerance?: number): Diagnosis {
  const trimmed = name.trim();
  const plain = /^b(w\d+(_\d+)?|b\d+)$/.test(trimmed) ? trimmed.slice(1) : trimmed;
  const sel = parseParamName(plain, ledger.network.sizes);
  // NOTE: a weight or bias name selects dense parameters only (a norm layer's γ and β have names of their own).
  const ids = ledger.params.filter((p) => (p.kind === 'weight' || p.kind === 'bias') && selects(sel, p.kind, p.layer, p.row, p.col)).map((p) => p.id);
  const all = ids.map((param) => diagnose(ledger, { param, ask }, answer, tolerance));
  const rank = (d: Diagnosis): number => (d.verdict === 'right' ? 0 : d.verdict === 'mistake' ? 1 + Math.abs(answer - d.mistake!.value) / Math.max(Math.abs(d.mistake!.value), 1e-12) : 3);
  return all.reduce((best, d) => (rank(d) < rank(best) ? d : best));
}
