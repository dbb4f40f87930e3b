import type { Lang } from '../../explain/locales/index.js';
import { en, type DisplayKey } from './en.js';
import { ko } from './ko.js';

export type { DisplayKey };

const TABLES: Readonly<Record<Lang, Readonly<Record<DisplayKey, string>>>> = { en, ko };

/**
 * The display string `key` in `lang`, with each `{name}` replaced by `params[name]`.
 *
 * @example
 * ```ts
 * t('ko', 'hidden', { n: 1 });   // '은닉층 1'
 * ```
 */
export function t(lang: Lang, key: DisplayKey, params: Readonly<Record<string, string | number>> = {}): string {
  const table = TABLES[lang] ?? en;
  return table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}
