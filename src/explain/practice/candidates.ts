import { BackpropError } from '../../errors.js';
import type { Ledger } from '../types.js';
import { MISTAKES, mistakeContext } from './catalogue.js';
import { paramOf } from './read.js';
import type { Candidate, Candidates, Question } from './types.js';

/** Two numbers that are the same up to rounding (a mistake that does not change the number here, e.g. relu′ = 1). */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-15;
}

/**
 * The right value of `question` on `ledger` and the value of every mistake of the catalogue that
 * applies to it and changes the number. The right value is the ledger's own: ∂E/∂p is the
 * parameter's `.grad` from the engine's backward pass, the updated value is the engine's SGD
 * step (`after`). For an `updated` question each gradient mistake also gives an update made with
 * the wrong gradient (w − η·g′); the gradient's reversed sign is then the update's reversed sign,
 * so it is listed once, as `update-sign-reversed`.
 *
 * @example
 * ```ts
 * const c = practiceCandidates(explain(seedNetwork(), SEED.input, SEED.target), { param: 'b2[0]', ask: 'gradient' });
 * c.right;                                              // 0.043199327 (δ6)
 * c.mistakes.find((m) => m.id === 'bias-sum')!.value;   // 0.16377596: the notebook's bb2
 * ```
 */
export function practiceCandidates(ledger: Ledger, question: Question): Candidates {
  const p = paramOf(ledger, question.param);
  const c = mistakeContext(ledger, p);
  const lr = ledger.update.lr;
  const gradient: Candidate[] = MISTAKES.flatMap((m) => (m.stage === 'gradient' ? m.values(c).map((v) => ({ id: m.id, ...v })) : []));
  let mistakes: Candidate[];
  let right: number;
  if (question.ask === 'gradient') {
    right = p.grad;
    mistakes = gradient;
  } else {
    if (!(lr > 0)) throw new BackpropError('value', 'practice: an updated-weight question needs a learning rate η > 0');
    right = p.after;
    const update = { grad: p.grad, value: p.value, lr };
    const steps: Candidate[] = MISTAKES.flatMap((m) => (m.stage === 'update' ? m.values(c, update).map((v) => ({ id: m.id, ...v })) : []));
    const composed = gradient
      .filter((g) => g.id !== 'error-sign-reversed')
      .map((g): Candidate => ({ ...g, value: p.value - lr * g.value, detail: { ...g.detail, grad: g.value }, lines: [...g.lines, { kind: 'update' }], inGradient: true }));
    mistakes = [...steps, ...composed];
  }
  return { question, right, grad: p.grad, mistakes: mistakes.filter((m) => Number.isFinite(m.value) && !sameNumber(m.value, right)) };
}
