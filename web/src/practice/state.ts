import type { Lang } from '../state.js';

/** The levels offered (the library's 1–5). */
export const PRACTICE_LEVELS = [1, 2, 3, 4, 5] as const;
export type PracticeLevel = (typeof PRACTICE_LEVELS)[number];

/**
 * The practice page's whole state: plain data that round-trips through the URL hash, so a link
 * opens the same exercise (a teacher shares one) — with the answer and the score when given.
 */
export interface PracticeState {
  level: PracticeLevel;
  /** The exercise's seed: `makeExercise(level, seed)` draws it again. */
  seed: number;
  lang: Lang;
  /** The answer given to this exercise, or null while it is open. */
  answer: number | null;
  /** Answers graded so far and how many were right. */
  score: { right: number; total: number };
}

export function initialPractice(): PracticeState {
  return { level: 1, seed: 1, lang: 'en', answer: null, score: { right: 0, total: 0 } };
}

/** `#level=3&seed=42&lang=ko&score=2-3&answer=0.0405` */
export function encodePractice(s: PracticeState): string {
  const p = new URLSearchParams();
  p.set('level', String(s.level));
  p.set('seed', String(s.seed));
  p.set('lang', s.lang);
  p.set('score', `${s.score.right}-${s.score.total}`);
  if (s.answer !== null) p.set('answer', String(s.answer));
  return `#${p.toString()}`;
}

/** Reads a hash made by {@link encodePractice}; a missing or bad field keeps its default. */
export function decodePractice(hash: string): PracticeState {
  const s = initialPractice();
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const int = (key: string, lo: number, hi: number): number | null => {
    const raw = p.get(key);
    const v = Number(raw);
    return raw !== null && raw.trim() !== '' && Number.isInteger(v) && v >= lo && v <= hi ? v : null;
  };
  s.level = (int('level', 1, 5) ?? s.level) as PracticeLevel;
  s.seed = int('seed', 0, 0xffffffff) ?? s.seed;
  s.lang = p.get('lang') === 'ko' ? 'ko' : 'en';
  const score = /^(\d{1,6})-(\d{1,6})$/.exec(p.get('score') ?? '');
  if (score !== null && +score[1]! <= +score[2]!) s.score = { right: +score[1]!, total: +score[2]! };
  const answer = Number(p.get('answer'));
  if (p.get('answer') !== null && p.get('answer')!.trim() !== '' && Number.isFinite(answer)) s.answer = answer;
  return s;
}
