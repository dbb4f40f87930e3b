/**
 * The smallest and largest finite values of `values` (null when there is none), in one loop.
 * Never `Math.min(...values)`: spreading an array passes one argument per element, and a long
 * history (130,000 epochs) exceeds the engine's argument limit ("Maximum call stack size exceeded").
 *
 * @example
 * ```ts
 * finiteExtent([3, NaN, 1, Infinity, 2]);   // { lo: 1, hi: 3 }
 * ```
 */
export function finiteExtent(values: ArrayLike<number>): { lo: number; hi: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? { lo, hi } : null;
}

/**
 * The largest of `values` mapped by `f` (`-Infinity` for none), in one loop (see {@link finiteExtent} on spreading).
 *
 * @example
 * ```ts
 * maxOf(['a', 'bcd'], (s) => s.length);   // 3
 * ```
 */
export function maxOf<T>(values: Iterable<T>, f: (v: T) => number): number {
  let m = -Infinity;
  for (const v of values) {
    const x = f(v);
    if (x > m) m = x;
  }
  return m;
}

/**
 * The index of the largest value (the first one on ties; NaN is never largest), -1 for none.
 *
 * @example
 * ```ts
 * argmax([0.1, 0.7, 0.2]);   // 1
 * ```
 */
export function argmax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 ? !Number.isNaN(values[i]!) : values[i]! > values[best]!) best = i;
  return best;
}
