import { BackpropError } from '../../errors.js';
import type { Ledger } from '../types.js';
import { practiceCandidates } from './candidates.js';
import type { Candidate, Diagnosis, Question } from './types.js';

/** The default relative tolerance of an answer: 0.5 %, so three significant digits, rounded or cut, pass. */
export const ANSWER_TOLERANCE = 0.005;

/** Whether `answer` is `value` within the relative tolerance (and 1e-12 absolute, for a value of 0). */
export function withinTolerance(answer: number, value: number, tolerance = ANSWER_TOLERANCE): boolean {
  return Math.abs(answer - value) <= tolerance * Math.abs(value) + 1e-12;
}

/** The relative distance used to rank matching mistakes. */
function distance(answer: number, value: number): number {
  return Math.abs(answer - value) / Math.max(Math.abs(value), 1e-12);
}

/**
 * Grades a learner's `answer` to `question` on `ledger`: right when it is the ledger's value
 * within `tolerance` (relative); otherwise the mistake of the catalogue whose value it matches
 * (the closest, with any others that match too), or `unknown` when it matches none.
 *
 * @example
 * ```ts
 * const ledger = explain(seedNetwork(), SEED.input, SEED.target);
 * diagnose(ledger, { param: 'W2[0][0]', ask: 'gradient' }, 0.0405).verdict;       // 'right'
 * diagnose(ledger, { param: 'W2[0][0]', ask: 'gradient' }, 0.0809).mistake!.id;   // 'cost-without-half'
 * diagnose(ledger, { param: 'b2[0]', ask: 'gradient' }, 0.16377596).mistake!.id; // 'bias-sum' (the notebook's bb2)
 * ```
 */
export function diagnose(ledger: Ledger, question: Question, answer: number, tolerance = ANSWER_TOLERANCE): Diagnosis {
  if (!Number.isFinite(answer)) throw new BackpropError('argument', `practice: the answer must be a finite number, got ${answer}`);
  if (!(tolerance >= 0 && tolerance < 1)) throw new BackpropError('value', `practice: the tolerance must be in [0, 1), got ${tolerance}`);
  const c = practiceCandidates(ledger, question);
  const base = { question, answer, right: c.right, compared: c.mistakes.length, tolerance };
  if (withinTolerance(answer, c.right, tolerance)) return { ...base, verdict: 'right', mistake: null, alsoMatches: [] };
  const matching: Candidate[] = c.mistakes.filter((m) => withinTolerance(answer, m.value, tolerance)).sort((a, b) => distance(answer, a.value) - distance(answer, b.value));
  if (matching.length === 0) return { ...base, verdict: 'unknown', mistake: null, alsoMatches: [] };
  return { ...base, verdict: 'mistake', mistake: matching[0]!, alsoMatches: matching.slice(1) };
}

/**
 * Whether the question can be graded without doubt: every mistake's value, the right value and
 * `avoid` (e.g. the value before an update) lie more than `gap` (relative) apart, so no answer
 * matches two of them. The exercise generator draws networks until this holds.
 *
 * @example
 * ```ts
 * distinguishable(practiceCandidates(ledger, question).mistakes.map((m) => m.value), 0.0405);   // true or false
 * ```
 */
export function distinguishable(values: readonly number[], right: number, avoid: readonly number[] = [], gap = 4 * ANSWER_TOLERANCE): boolean {
  const all = [right, ...values, ...avoid];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!;
      const b = all[j]!;
      if (Math.abs(a - b) <= gap * Math.max(Math.abs(a), Math.abs(b)) + 1e-9) return false;
    }
  }
  return true;
}
