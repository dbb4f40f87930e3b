import { practiceCliEn, type PracticeCliKey } from './practice-en.js';
import { practiceCliKo } from './practice-ko.js';

/** The practice commands' string `key` in `lang`, with `{name}` placeholders filled. */
export function practiceCliText(lang: 'en' | 'ko'): (key: PracticeCliKey, vars?: Record<string, string>) => string {
  const s = lang === 'ko' ? practiceCliKo : practiceCliEn;
  return (key, vars = {}) => s[key].replace(/\{(\w+)\}/g, (whole, k: string) => vars[k] ?? whole);
}
