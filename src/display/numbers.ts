import { maxOf } from '../tensor/extent.js';
import { formatNumber } from '../tensor/format.js';

/**
 * Formats numbers as numpy prints an array, so that right-aligned they line up at the decimal
 * point: integers as integers; otherwise each value with the decimals it needs (at most
 * `decimals`, numpy's default 8), padded on the right with `pad` to the longest; scientific
 * notation with a common mantissa length when a value is ≥ 1e8 or a non-zero one is below 1e-4.
 * NaN and ±∞ print as `nan`, `inf`, `-inf`. The default pad is a figure space (U+2007), as wide
 * as a digit in tabular figures.
 *
 * @example
 * ```ts
 * alignedNumbers([2.7, 3.3]);                              // ['2.7', '3.3']
 * alignedNumbers([0.9370266439430035, 0.5], 8, ' ');       // ['0.93702664', '0.5       '] (numpy's layout)
 * alignedNumbers([1, 2, 30]);                              // ['1', '2', '30']
 * alignedNumbers([0.5, 2.2117235971838106e-13]);           // ['5.0000000e-01', '2.2117236e-13']
 * ```
 */
export function alignedNumbers(values: ArrayLike<number>, decimals = 8, pad = '\u2007'): string[] {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  const special = (x: number): string | null => (Number.isFinite(x) ? null : formatNumber(x));
  const out = (f: (x: number) => string): string[] => Array.from(values, (x) => special(x) ?? f(x));
  if (finite.every((x) => Number.isInteger(x) && Math.abs(x) < 1e16)) return out((x) => (Object.is(x, -0) ? '0' : String(x)));
  // NOTE: extents in one loop (maxOf), never Math.max(...values): a long array would overflow the stack.
  const max = maxOf(finite, Math.abs);
  const minNonZero = -maxOf(finite, (x) => (x === 0 ? -Infinity : -Math.abs(x)));
  if (max >= 1e8 || minNonZero < 1e-4) {
    const mantissa = maxOf(finite, (x) => trimmedDecimals(x.toExponential(decimals - 1).split('e')[0]!));
    return out((x) => {
      const [m, e] = x.toExponential(mantissa).split('e') as [string, string];
      return `${m}e${e[0]}${e.slice(1).padStart(2, '0')}`;
    });
  }
  const d = maxOf(finite, (x) => trimmedDecimals(x.toFixed(decimals)));
  return out((x) => {
    const s = x.toFixed(decimals).replace(/\.?0+$/, '');
    const has = trimmedDecimals(s);
    return s + pad.repeat(has === 0 ? d + 1 : d - has);
  });
}

/** Decimals left after trailing zeros are dropped: '0.50000' → 1, '2.000' → 0. */
function trimmedDecimals(s: string): number {
  const dot = s.indexOf('.');
  if (dot < 0) return 0;
  return s.slice(dot + 1).replace(/0+$/, '').length;
}
