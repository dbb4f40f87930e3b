import type { HistoryPoint } from './state.js';

/** Most loss-curve points the page keeps. */
export const MAX_HISTORY = 600;

/**
 * A loss curve of at most {@link MAX_HISTORY} points: every other old point is dropped until it
 * fits (the newest point always stays), so the curve keeps its shape at any length.
 *
 * @example
 * ```ts
 * thinHistory(points).length <= MAX_HISTORY;   // true
 * ```
 */
export function thinHistory(h: readonly HistoryPoint[]): HistoryPoint[] {
  let kept = h.slice();
  while (kept.length > MAX_HISTORY) kept = kept.filter((_, i) => i % 2 === 0 || i === kept.length - 1);
  return kept;
}
