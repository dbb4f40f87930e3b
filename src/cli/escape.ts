/**
 * Characters a terminal would act on instead of showing: C0 controls (ESC, CR, BS, BEL, …), DEL,
 * C1 controls (U+0080–U+009F; U+009B is a one-character CSI to some terminals), the line and
 * paragraph separators, and the bidirectional overrides and isolates that reorder what follows
 * them ("Trojan Source").
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * A string from a file, a flag or a model, made safe to print on a terminal: every control
 * character (see above) is shown as an escape (`\e`, `\r`, `\n`, `\t`, `\x07`, `\u202e`), so a class
 * name holding `"\r\x1b[2Kcat"` prints as `\r\e[2Kcat` and cannot erase or rewrite what the line
 * says. Other text — Korean, `∂`, `→`, emoji — is kept as is. Apply it to every untrusted string
 * before it reaches a terminal: class and column names, paths, flag values, tensor names.
 *
 * @example
 * ```ts
 * shown('setosa');                  // 'setosa'
 * shown('dog\r\u001b[2Kcat');       // 'dog\\r\\e[2Kcat'
 * shown('abc\u202edef');            // 'abc\\u202edef'
 * ```
 */
export function shown(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (c) => NAMED[c] ?? escapeCode(c.charCodeAt(0)));
}

/**
 * {@link shown} for text of several lines (a table, a diagnosis): each line escaped, the line
 * breaks between them kept.
 *
 * @example
 * ```ts
 * shownLines('column a\u001b[2K\nnext');   // 'column a\\e[2K\nnext'
 * ```
 */
export function shownLines(text: string): string {
  return text.split('\n').map(shown).join('\n');
}

function escapeCode(code: number): string {
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `JSON.stringify(value)` whose text is also safe on a terminal: the characters JSON leaves raw
 * (DEL, C1 controls, the separators U+2028/2029, bidirectional controls) are written as `\uXXXX`
 * escapes, which every JSON reader decodes back to the same string.
 *
 * @example
 * ```ts
 * jsonLine({ classes: ['a\u009bb'] });   // '{"classes":["a\\u009bb"]}'
 * ```
 */
export function jsonLine(value: unknown): string {
  const text = JSON.stringify(value);
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}
