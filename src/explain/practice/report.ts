import { renderBlocksText } from '../render/text.js';
import type { Ledger } from '../types.js';
import { feedbackBlocks, mistakeName, mistakeWhy, paramName, questionWhat, type PracticeRenderOptions } from './blocks.js';
import { paramOf } from './read.js';
import type { Diagnosis, MistakeId, Question } from './types.js';

/** A graded answer as plain JSON, its words in one language (what `--json` prints). */
export interface DiagnosisReport {
  question: Question;
  /** The parameter as the learner reads it (`w41`), and what was asked (`∂E/∂w41`). */
  name: string;
  what: string;
  answer: number;
  right: number;
  verdict: Diagnosis['verdict'];
  mistake: { id: MistakeId; value: number; name: string; why: string; inGradient: boolean } | null;
  alsoMatches: { id: MistakeId; value: number; name: string }[];
  /** The whole feedback as terminal text. */
  feedback: string;
}

/**
 * A diagnosis as plain JSON with its words in `options.lang`.
 *
 * @example
 * ```ts
 * const ledger = explain(seedNetwork(), SEED.input, SEED.target);
 * diagnosisReport(ledger, diagnose(ledger, { param: 'b2[0]', ask: 'gradient' }, 0.16377596)).mistake!.name;
 * // 'the sum of the two neurons’ bias gradients'
 * ```
 */
export function diagnosisReport(ledger: Ledger, d: Diagnosis, options: PracticeRenderOptions = {}): DiagnosisReport {
  const lang = options.lang ?? 'en';
  const digits = options.digits ?? 8;
  const m = d.mistake;
  return {
    question: d.question,
    name: paramName(ledger, paramOf(ledger, d.question.param)),
    what: questionWhat(ledger, d.question, lang),
    answer: d.answer,
    right: d.right,
    verdict: d.verdict,
    mistake: m === null ? null : { id: m.id, value: m.value, name: mistakeName(m, lang, digits), why: mistakeWhy(m, lang, digits), inGradient: m.inGradient === true },
    alsoMatches: d.alsoMatches.map((c) => ({ id: c.id, value: c.value, name: mistakeName(c, lang, digits) })),
    feedback: renderBlocksText(feedbackBlocks(ledger, d, options)),
  };
}
