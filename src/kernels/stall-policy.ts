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
 * How long alone: {@link SOLO_MIN} jobs (two MNIST training steps) after an isolated stall — a
 * virtual machine's CPU taken for a moment — doubling with each stall that follows, up to
 * {@link SOLO_MAX} on a machine that stays busy, and halving again after {@link CALM_JOBS} jobs on
 * the threads without one. A fixed 256 jobs turned the 3–7 isolated stalls of six W2 epochs on the
 * 2-core VM into 15–35 % of the jobs run on one thread.
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

  /** Whether the next job runs alone (counts it as run so). */
  alone(): boolean {
    if (this.left === 0) return false;
    this.left--;
    return true;
  }

  /** A job ran on the threads: the calling thread spent `ownMs` on its chunks, then waited `waitedMs` for the workers'. */
  ran(waitedMs: number, ownMs: number): void {
    if (waitedMs > SLOW_WAIT_MS + 1.5 * ownMs) {
      this.left = this.span;
      this.span = Math.min(SOLO_MAX, 2 * this.span);
      this.calm = 0;
    } else if (++this.calm >= CALM_JOBS) {
      this.span = Math.max(SOLO_MIN, this.span >> 1);
      this.calm = 0;
    }
  }
}

/** A wait beyond the calling thread's own time that counts as a stall, ms. */
export const SLOW_WAIT_MS = 1;
/** Jobs run alone after an isolated stall. */
export const SOLO_MIN = 16;
/** Most jobs run alone after one stall. */
export const SOLO_MAX = 1024;
/** Jobs on the threads without a stall after which the next stall's span halves. */
export const CALM_JOBS = 256;
