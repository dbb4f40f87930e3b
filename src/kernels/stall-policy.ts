/**
 * When a {@link ThreadPool} runs its jobs on the calling thread alone: after a worker stalled a job.
 *
 * A job stalled when the calling thread, out of chunks, waited for a worker's last chunk longer
 * than {@link SLOW_WAIT_MS} beyond 1.5× the time it spent on its own chunks — a worker still in
 * its last chunk needs about one chunk's time, at most that much; only a wait well past it means
 * the worker lost its CPU mid-chunk to another thread or process. (An absolute 1 ms alone took a
 * 512³ product's multi-ms chunks for stalls and ran W3 on one thread: 91 → 50 GFLOP/s.) On a
 * machine busier than its cores a job would otherwise wait a scheduler time slice (several ms)
 * for a worker, ten times the work of a training step: two threads only pay where they get two
 * cores. Running alone gives the same numbers, since tasks split outputs, never sums.
 *
 * When and how long alone: not after an isolated stall — a virtual machine's CPU taken for a
 * moment costs that one wait, while running alone costs every job ~40 % (one core) — but after a
 * stall that follows another within {@link CLOSE_JOBS} jobs (a machine busier than its cores):
 * then {@link SOLO_MIN} jobs, doubling with each such stall up to {@link SOLO_MAX}, halving again
 * after {@link CALM_JOBS} jobs on the threads without one. A fixed 256 jobs after any stall ran
 * 15–35 % of six W2 epochs' jobs on one thread on the 2-core VM (3–7 isolated stalls), and even
 * the doubling spells, counted from isolated stalls, up to half.
 *
 * @example
 * ```ts
 * const stalls = new StallPolicy();
 * if (stalls.alone()) runHere(); else { run(); stalls.ran(waitedMs, ownMs); }
 * ```
 */
export class StallPolicy {
  /** Jobs left to run alone. */
  private left = 0;
  /** Jobs to run alone after the next stall. */
  private span = SOLO_MIN;
  /** Jobs on the threads since the last stall or change of `span`. */
  private calm = 0;
  /** Jobs on the threads since the last stall (a large number before the first). */
  private since = Number.MAX_SAFE_INTEGER;

  /** Whether the next job runs alone (counts it as run so). */
  alone(): boolean {
    if (this.left === 0) return false;
    this.left--;
    return true;
  }

  /** A job ran on the threads: the calling thread spent `ownMs` on its chunks, then waited `waitedMs` for the workers'. */
  ran(waitedMs: number, ownMs: number): void {
    if (waitedMs > SLOW_WAIT_MS + 1.5 * ownMs) {
      if (this.since < CLOSE_JOBS) {
        this.left = this.span;
        this.span = Math.min(SOLO_MAX, 2 * this.span);
      }
      this.since = 0;
      this.calm = 0;
      return;
    }
    this.since++;
    if (++this.calm >= CALM_JOBS) {
      this.span = Math.max(SOLO_MIN, this.span >> 1);
      this.calm = 0;
    }
  }
}

/** A wait beyond the calling thread's own time that counts as a stall, ms. */
export const SLOW_WAIT_MS = 1;
/** A stall this many jobs or fewer after the previous one sends the next jobs to the calling thread alone. */
export const CLOSE_JOBS = 64;
/** Jobs run alone after the first such stall. */
export const SOLO_MIN = 16;
/** Most jobs run alone after one stall. */
export const SOLO_MAX = 1024;
/** Jobs on the threads without a stall after which the next stall's span halves. */
export const CALM_JOBS = 256;
