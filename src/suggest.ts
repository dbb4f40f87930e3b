/**
 * The choice closest to a mistyped name (Levenshtein distance, ignoring case), or `null` when
 * none is close enough: at most 2 edits, or a third of the name's length for long names, and
 * fewer edits than letters (`fr` is not a typo of `en`: every letter would change).
 * Used by every "did you mean …?" in the library and the CLI.
 */
export function closestName(value: string, choices: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = Infinity;
  for (const c of choices) {
    const d = editDistance(value.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best !== null && bestDist <= Math.max(2, Math.floor(value.length / 3)) && bestDist < Math.min(value.length, best.length) ? best : null;
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
