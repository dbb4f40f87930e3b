import type { Ledger } from '../types.js';

/**
 * The ledger as JSON (every number at full float64 precision), for the playground and for tools.
 * `JSON.parse(renderJson(l))` deep-equals `l`.
 *
 * @example
 * ```ts
 * const text = renderJson(explain(seedNetwork(), [[1, 2, 3]], [[0.5, 0.1]]));
 * JSON.parse(text).format;   // 'backprop-ledger' (version 1)
 * ```
 */
export function renderJson(ledger: Ledger, indent = 2): string {
  return `${JSON.stringify(ledger, null, indent)}\n`;
}
