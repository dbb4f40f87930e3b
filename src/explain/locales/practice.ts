import { checkLang, type Lang } from './index.js';
import { practiceEn, type PracticeKey } from './practice-en.js';
import { practiceKo } from './practice-ko.js';

/** The practice strings of each language, by key. */
export const PRACTICE_LOCALES: Readonly<Record<Lang, Readonly<Record<PracticeKey, string>>>> = { en: practiceEn, ko: practiceKo };

export type { PracticeKey };

/**
 * The practice string `key` in `lang` with each `{name}` replaced by `params[name]`.
 *
 * @example
 * ```ts
 * practiceMessage('ko', 'score', { right: 2, total: 3 });   // '점수: 3문제 중 2문제 맞음'
 * ```
 */
export function practiceMessage(lang: Lang, key: PracticeKey, params: Readonly<Record<string, string | number>> = {}): string {
  return PRACTICE_LOCALES[checkLang(lang)][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/**
 * A small count in words (`two`, `두`), or its digits from eleven on.
 *
 * @example
 * ```ts
 * numberWord('en', 2);    // 'two'
 * numberWord('ko', 3);    // '세'
 * numberWord('en', 12);   // '12'
 * ```
 */
export function numberWord(lang: Lang, n: number): string {
  const words = PRACTICE_LOCALES[lang].numbers.split('|');
  return Number.isInteger(n) && n >= 0 && n < words.length ? words[n]! : String(n);
}
