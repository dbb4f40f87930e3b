import { BackpropError } from '../../errors.js';
import { en, type MessageKey } from './en.js';
import { ko } from './ko.js';

/** Languages the ledger can be rendered in. */
export type Lang = 'en' | 'ko';

/** Every language, in documentation order. */
export const LANGS: readonly Lang[] = ['en', 'ko'];

/** The strings of each language, by key. */
export const LOCALES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { en, ko };

export type { MessageKey };

/**
 * The string `key` in `lang` with each `{name}` replaced by `params[name]`.
 *
 * @example
 * ```ts
 * message('ko', 'node', { id: 4 });   // '노드 4'
 * ```
 */
export function message(lang: Lang, key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  const table = LOCALES[lang];
  if (table === undefined) throw new BackpropError('argument', `explain: unknown language ${JSON.stringify(lang)}; expected one of ${LANGS.join(', ')}`);
  return table[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/**
 * Throws unless `lang` is a known language.
 *
 * @example
 * ```ts
 * checkLang('ko');   // 'ko'
 * checkLang('fr');   // throws BackpropError: --lang: expected one of en, ko, got "fr"
 * ```
 */
export function checkLang(lang: unknown): Lang {
  if (lang === 'en' || lang === 'ko') return lang;
  throw new BackpropError('argument', `--lang: expected one of ${LANGS.join(', ')}, got ${JSON.stringify(lang)}`);
}
