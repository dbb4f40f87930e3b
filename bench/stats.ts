// Timing helpers shared by the benchmark workers: repeated runs, median and range.

/** A measured figure: the median of the repetitions, their range, and the repetitions themselves. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  reps: number;
  /** Every repetition, in the order measured (the orchestrator pools them across rounds). */
  values?: number[];
}

/** The median (mean of the middle two for an even count), min and max of `values`. */
export function summarize(values: readonly number[]): Figure {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { median, min: s[0]!, max: s[n - 1]!, reps: n, values: [...values] };
}

/** Seconds elapsed while running `fn` once (high-resolution wall clock). */
export async function seconds(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/**
 * Time per call of a fast function: `warmup` untimed calls, then `reps` repetitions each of
 * `inner` calls back to back; returns the per-call times of the repetitions, in seconds.
 */
export function timePerCall(fn: () => void, inner: number, reps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    out.push((performance.now() - t0) / 1000 / inner);
  }
  return out;
}

/** One line of worker output: what was measured, by whom, and the figure. */
export interface Measurement {
  peer: string;
  workload: string;
  unit: string;
  figure: Figure;
  /** Anything else worth recording (accuracy, epochs, versions, notes). */
  extra?: Record<string, unknown>;
}

/** Prints a measurement as one JSON line prefixed with `@@`, the orchestrator's marker. */
export function emit(m: Measurement): void {
  process.stdout.write(`@@${JSON.stringify(m)}\n`);
}

/** `--name value` from argv, or the default. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

/** Whether `--flag` is on the command line. */
export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
