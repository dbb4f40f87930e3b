/**
 * The error function erf(x) = (2/√π)·∫₀ˣ e^(−t²) dt, accurate to a few units in the last place of
 * float64 (JavaScript has no Math.erf). Needed by the exact GELU, x·½·(1 + erf(x/√2)).
 *
 * For |x| < 2.5 a series with only positive terms (no cancellation):
 *   erf(x) = (2/√π)·e^(−x²)·Σₙ (2x²)ⁿ·x / (1·3·5···(2n+1)).
 * Beyond, 1 − erfc(x) with erfc from its continued fraction, evaluated backwards (stable):
 *   erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))).
 *
 * @example
 * ```ts
 * erf(1);   // 0.8427007929497149
 * ```
 */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = x < 0 ? -x : x;
  if (ax < 2.5) {
    const x2 = ax * ax;
    const twoX2 = 2 * x2;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  const r = 1 - erfcContinuedFraction(ax);
  return x < 0 ? -r : r;
}

/** erfc(x) = 1 − erf(x) for x ≥ 2.5, by the continued fraction (see {@link erf}). */
function erfcContinuedFraction(x: number): number {
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / (SQRT_PI * f);
}

const SQRT_PI = 1.7724538509055159;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
