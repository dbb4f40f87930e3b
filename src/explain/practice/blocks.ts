import { formatNumber } from '../../tensor/format.js';
import { numberWord, practiceMessage, type PracticeKey } from '../locales/practice.js';
import type { Lang } from '../locales/index.js';
import { ledgerBlocks } from '../render/blocks.js';
import { Notation, same, type Block } from '../render/notation.js';
import type { Ledger, LedgerParam } from '../types.js';
import { ANSWER_TOLERANCE } from './diagnose.js';
import type { Exercise } from './exercise.js';
import { ledgerLines } from './lines.js';
import { layerWeights, paramOf } from './read.js';
import type { Candidate, Diagnosis, Question } from './types.js';

/** Options of the practice renderings. */
export interface PracticeRenderOptions {
  /** `en` (default) or `ko`. */
  lang?: Lang;
  /** Significant digits of the numbers shown; default 8. */
  digits?: number;
}

/**
 * The name a learner reads: the notebook's `w41` when the ledger uses it, else the matrix name.
 *
 * @example
 * ```ts
 * const ledger = explain(seedNetwork(), SEED.input, SEED.target);
 * paramName(ledger, ledger.params.find((p) => p.id === 'W2[0][0]')!);   // 'w41'
 * ```
 */
export function paramName(ledger: Ledger, p: LedgerParam): string {
  return ledger.network.naming === 'notebook' && p.notebook !== null ? p.notebook : p.id;
}

/**
 * What the question asks for, in words: `∂E/∂w41` or `w41 after the update`.
 *
 * @example
 * ```ts
 * questionWhat(ledger, { param: 'W2[0][0]', ask: 'updated' }, 'ko');   // '수정 후의 w41'
 * ```
 */
export function questionWhat(ledger: Ledger, question: Question, lang: Lang = 'en'): string {
  const name = paramName(ledger, paramOf(ledger, question.param));
  return practiceMessage(lang, question.ask === 'gradient' ? 'whatGradient' : 'whatUpdated', { name });
}

/**
 * The exercise as blocks for the ledger's renderers: the network and its naming, every weight,
 * the forward pass and the cost worked out (the ledger's own sections), then the question (unless
 * `question` is false: a page that shows the question elsewhere).
 *
 * @example
 * ```ts
 * const ex = makeExercise(1, 7);
 * console.log(renderBlocksText(exerciseBlocks(ex, exerciseLedger(ex), { lang: 'ko' })));
 * ```
 */
export function exerciseBlocks(ex: Exercise, ledger: Ledger, options: PracticeRenderOptions & { question?: boolean } = {}): Block[] {
  const lang = options.lang ?? 'en';
  const tr = (key: PracticeKey, params?: Record<string, string | number>): string => practiceMessage(lang, key, params);
  const nt = new Notation(ledger, options.digits ?? 8);
  const out: Block[] = [{ kind: 'heading', level: 1, text: tr('exerciseTitle', { level: ex.level, levelName: tr(`level.${ex.level}`), seed: ex.seed }) }];
  out.push(...ledgerBlocks(ledger, { lang, digits: options.digits, sections: ['header'], sectionHeadings: false }));
  out.push({ kind: 'para', text: tr('weights') });
  out.push({
    kind: 'math',
    lines: [
      { lhs: same('x'), rhs: nt.matrix(ledger.input) },
      { lhs: same('t'), rhs: nt.matrix(ledger.target) },
      ...layerWeights(ledger).flatMap((ly) => [
        { lhs: { text: `W${ly.layer}`, tex: `W^{(${ly.layer})}` }, rhs: nt.matrix(ly.weight) },
        { lhs: { text: `b${ly.layer}`, tex: `b^{(${ly.layer})}` }, rhs: nt.matrix([ly.bias]) },
      ]),
    ],
  });
  out.push(...ledgerBlocks(ledger, { lang, digits: options.digits, sections: ['forward', 'cost'] }));
  if (options.question === false) return out;
  out.push({ kind: 'heading', level: 2, text: tr('question') });
  out.push(...questionBlocks(ledger, ex.question, options));
  return out;
}

/**
 * The question alone: which parameter, where it sits, what to compute, how close is close enough.
 *
 * @example
 * ```ts
 * renderBlocksText(questionBlocks(ledger, { param: 'W2[0][0]', ask: 'gradient' }));
 * // 'w41 = W2[0][0] = 0.7 is the weight from node 4 to node 6.\nCompute ∂E/∂w41, …'
 * ```
 */
export function questionBlocks(ledger: Ledger, question: Question, options: PracticeRenderOptions = {}): Block[] {
  const lang = options.lang ?? 'en';
  const tr = (key: PracticeKey, params?: Record<string, string | number>): string => practiceMessage(lang, key, params);
  const p = paramOf(ledger, question.param);
  const name = paramName(ledger, p);
  const value = formatNumber(p.value, options.digits ?? 8);
  const where = p.kind === 'weight' ? tr('paramWeight', { name, matrix: p.id, value, from: p.from!, to: p.to }) : tr('paramBias', { name, value, to: p.to });
  const ask = question.ask === 'gradient' ? tr('askGradient', { name }) : tr('askUpdated', { name, lr: formatNumber(ledger.update.lr) });
  return [
    { kind: 'para', text: where },
    { kind: 'para', text: ask },
    { kind: 'para', text: question.ask === 'gradient' ? tr('tolerance', { pct: ANSWER_TOLERANCE * 100 }) : tr('toleranceUpdated', { name, pct: ANSWER_TOLERANCE * 100 }) },
  ];
}

/**
 * A mistake's name in `lang`, with its figures.
 *
 * @example
 * ```ts
 * const d = diagnose(ledger, { param: 'b2[0]', ask: 'gradient' }, 0.16377596);
 * mistakeName(d.mistake!);         // 'the sum of the two neurons’ bias gradients'
 * mistakeName(d.mistake!, 'ko');   // '두 뉴런의 편향 기울기를 더한 값'
 * ```
 */
export function mistakeName(m: Candidate, lang: Lang = 'en', digits = 8): string {
  return practiceMessage(lang, `${m.id}.name`, figures(m, lang, digits));
}

/**
 * A mistake's explanation in `lang`, with its figures.
 *
 * @example
 * ```ts
 * mistakeWhy(diagnose(ledger, { param: 'W2[0][0]', ask: 'gradient' }, 0.0809).mistake!);
 * // 'The cost is E = ½·Σ(y − t)², so ∂E/∂y = y − t: the ½ cancels the 2 of the square. …'
 * ```
 */
export function mistakeWhy(m: Candidate, lang: Lang = 'en', digits = 8): string {
  const key: PracticeKey = m.variant === 'fused' ? 'activation-derivative-left-out.whyFused' : `${m.id}.why`;
  return practiceMessage(lang, key, figures(m, lang, digits));
}

function figures(m: Candidate, lang: Lang, digits: number): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(m.detail)) out[k] = typeof v === 'number' && !Number.isInteger(v) ? formatNumber(v, digits) : v;
  if (typeof m.detail.count === 'number') out.neurons = numberWord(lang, m.detail.count);
  return out;
}

/**
 * The feedback on a graded answer: right (with the value); a mistake (its name, why it is one,
 * the right value and the ledger lines it contradicts, with their numbers); or no known mistake,
 * said plainly, followed by the whole ledger.
 *
 * @example
 * ```ts
 * const ledger = explain(seedNetwork(), SEED.input, SEED.target);
 * const d = diagnose(ledger, { param: 'b2[0]', ask: 'gradient' }, 0.16377596);
 * renderBlocksText(feedbackBlocks(ledger, d));   // "Not quite: 0.16377596 is what you get with this mistake — the sum of the two neurons’ bias gradients. …"
 * ```
 */
export function feedbackBlocks(ledger: Ledger, d: Diagnosis, options: PracticeRenderOptions = {}): Block[] {
  const lang = options.lang ?? 'en';
  const digits = options.digits ?? 8;
  const tr = (key: PracticeKey, params?: Record<string, string | number>): string => practiceMessage(lang, key, params);
  const n = (x: number): string => formatNumber(x, digits);
  const p = paramOf(ledger, d.question.param);
  const what = questionWhat(ledger, d.question, lang);
  const answer = String(d.answer);
  if (d.verdict === 'right') return [{ kind: 'para', text: tr('verdictRight', { what, right: n(d.right), answer }) }];
  if (d.verdict === 'unknown' || d.mistake === null) {
    return [{ kind: 'para', text: tr('verdictUnknown', { answer, count: d.compared, what, right: n(d.right) }) }, ...ledgerBlocks(ledger, { lang, digits })];
  }
  const m = d.mistake;
  const out: Block[] = [
    { kind: 'para', text: tr('verdictMistake', { answer, mistake: mistakeName(m, lang, digits) }) },
    { kind: 'para', text: mistakeWhy(m, lang, digits) },
  ];
  if (m.inGradient === true && typeof m.detail.grad === 'number') out.push({ kind: 'para', text: tr('inGradient', { name: paramName(ledger, p), grad: n(m.detail.grad), rightGrad: n(p.grad) }) });
  out.push({ kind: 'para', text: tr('rightValue', { what, right: n(d.right) }) });
  if (d.alsoMatches.length > 0) out.push({ kind: 'para', text: tr('alsoMatches', { list: d.alsoMatches.map((c) => mistakeName(c, lang, digits)).join('; ') }) });
  out.push({ kind: 'para', text: tr('whereWrong') });
  out.push({ kind: 'math', lines: ledgerLines(ledger, p, m.lines, new Notation(ledger, digits)) });
  return out;
}
