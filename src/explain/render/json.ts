import type { Ledger } from '../types.js';

/**
 * The ledger as JSON (every number at full float64 precision), for the playground and for tools.
 * `JSON.parse(renderJson(l))` deep-equals `l`.
 */
export function renderJson(ledger: Ledger, indent = 2): string {
  return `${JSON.stringify(ledger, null, indent)}\n`;
}
