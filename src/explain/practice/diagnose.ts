import { BackpropError } from '../../errors.js';
import type { Ledger } from '../types.js';
import { practiceCandidates } from './candidates.js';
import { paramOf } from './read.js';
import type { Candidate, Diagnosis, Question } from './types.js';

/** The default relative tolerance of an answer: 0.5 %, so three significant digits, rounded or cut, pass. */
export const ANSWER_TOLERANCE = 0.005;

/** Whether `answer` is `value` within the relative tolerance (and 1e-12 absolute, for a value of 0). */
export function withinTolerance(answer: number, value: number, tolerance = ANSWER_TOLERANCE): boolean {
  return Math.abs(answer - value) <= tolerance * Math.abs(value) + 1e-12;
}

/**
 * Where answers are compared: the gradient itself, or, for an updated weight, the gradient the
 * answer implies, (w − answer)/η — so the tolerance applies to the step the learner worked out, not
 * to the digits of w they copied.
 */
export function gradientSpace(ledger: Ledger, question: Question): (v: number) => number {
  if (question.ask === 'gradient') return (v) => v;
  const w = paramOf(ledger, question.param).value;
  const lr = ledger.update.lr;
  return (v) => (w - v) / lr;
}

/** The relative distance used to rank matching mistakes. */
function distance(answer: number, value: number): number {
  return Math.abs(answer - value) / Math.max(Math.abs(value), 1e-12);
}

/**
 * Grades a learner's `answer` to `question` on `ledger`: right when it is the ledger's value
 * within `tolerance` (relative; for an updated weight, relative to the step η·∂E/∂w); otherwise
 * the mistake of the catalogue whose value it matches (the closest, with any others that match
 * too), or `unknown` when it matches none.
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
  const g = gradientSpace(ledger, question);
  const a = g(answer);
  const base = { question, answer, right: c.right, compared: c.mistakes.length, tolerance };
  if (withinTolerance(a, g(c.right), tolerance)) return { ...base, verdict: 'right', mistake: null, alsoMatches: [] };
  const matching: Candidate[] = c.mistakes.filter((m) => withinTolerance(a, g(m.value), tolerance)).sort((x, y) => distance(a, g(x.value)) - distance(a, g(y.value)));
  if (matching.length === 0) return { ...base, verdict: 'unknown', mistake: null, alsoMatches: [] };
  return { ...base, verdict: 'mistake', mistake: matching[0]!, alsoMatches: matching.slice(1) };
}

/**
 * Whether a question can be graded without doubt: the right value and every mistake's value (in
 * {@link gradientSpace}) lie more than `gap` (relative) apart, so no answer matches two of them.
 * The exercise generator draws networks until this holds.
 */
export function distinguishable(values: readonly number[], right: number, gap = 4 * ANSWER_TOLERANCE): boolean {
  const all = [right, ...values];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!;
      const b = all[j]!;
      if (Math.abs(a - b) <= gap * Math.max(Math.abs(a), Math.abs(b)) + 1e-9) return false;
    }
  }
  return true;
}
