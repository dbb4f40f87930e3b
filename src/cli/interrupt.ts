import type { BatchLogs, Callback, FitResult, TrainContext } from '../train/callbacks.js';
import { shown } from './escape.js';
import type { CliIo } from './io.js';

/** The stop reason fit reports after an {@link Interrupt}. */
export const INTERRUPTED = 'interrupted';

/** Milliseconds of training between two turns of the event loop (where a signal is noticed). */
const YIELD_MS = 40;

/**
 * Ctrl-C (SIGINT) and SIGTERM during `backprop train`, as a fit {@link Callback}. The first signal
 * asks fit to stop after the step in progress (a step is never cut in half), so the command can
 * save what was asked and say where; it also gives the signals their default action back, so a
 * second Ctrl-C ends the process at once. Where the io has no signals (tests), nothing happens
 * until {@link trigger} is called.
 *
 * A signal is only noticed when the event loop turns, and fit's loop awaits its callbacks without
 * turning it; so every ~40 ms of training this callback waits for one turn (`setImmediate`), which
 * costs microseconds.
 *
 * @example
 * ```ts
 * const interrupt = new Interrupt(io);
 * try { await fit(model, data, { loss, callbacks: [interrupt] }); } finally { interrupt.dispose(); }
 * if (interrupt.signal) … // saved what was asked; exit 130
 * ```
 */
export class Interrupt implements Callback {
  /** The signal received, or null. */
  signal: 'SIGINT' | 'SIGTERM' | null = null;
  /** Where training was when it stopped: after this batch of this epoch (null: not inside an epoch). */
  at: { epoch: number; batch: number; batches: number } | null = null;
  private off: (() => void) | null;
  private lastTurn: number;

  constructor(private readonly io: CliIo) {
    this.off = io.onInterrupt?.((s) => this.trigger(s)) ?? null;
    this.lastTurn = io.now();
  }

  /** Records the first signal and restores the default action for the next one. */
  trigger(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.signal !== null) return;
    this.signal = signal;
    this.dispose();
  }

  /** Stops listening for signals (the default action returns). */
  dispose(): void {
    this.off?.();
    this.off = null;
  }

  /** The exit status of a run stopped by the signal: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
  get exitStatus(): number {
    return this.signal === 'SIGTERM' ? 143 : 130;
  }

  async onEpochBegin(_epoch: number, ctx: TrainContext): Promise<void> {
    await this.turn(ctx);
  }

  async onBatchEnd(logs: BatchLogs, ctx: TrainContext): Promise<void> {
    this.at = logs.batch === logs.batches ? null : { epoch: logs.epoch, batch: logs.batch, batches: logs.batches };
    await this.turn(ctx);
  }

  private async turn(ctx: TrainContext): Promise<void> {
    if (this.off !== null && this.io.now() - this.lastTurn >= YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastTurn = this.io.now();
    }
    if (this.signal !== null) ctx.stop(INTERRUPTED);
  }
}

/**
 * The one line train prints after an interrupt: the signal, where training stopped, and where
 * what was asked is now.
 *
 * @example
 * ```ts
 * // interrupted (SIGINT) in epoch 4 after batch 12 of 47: model.json holds the weights of that step; ckpt holds epoch 3 (resume with --resume ckpt)
 * ```
 */
export function interruptedLine(
  interrupt: Interrupt,
  result: FitResult,
  files: { out: string; plot?: string | undefined; checkpoint?: { dir: string; epoch: number } | undefined },
): string {
  const at = interrupt.at;
  const where = at ? `in epoch ${at.epoch} after batch ${at.batch} of ${at.batches}` : `after epoch ${result.epochs}`;
  const restored = result.weightsFromEpoch !== result.epochs;
  const weights = restored ? `the best weights (epoch ${result.weightsFromEpoch})` : at ? 'the weights of that step' : `the weights of epoch ${result.epochs}`;
  const parts = [`interrupted (${interrupt.signal ?? 'SIGINT'}) ${where}: ${files.out === '-' ? 'standard output got' : `${shown(files.out)} holds`} ${weights}`];
  if (files.plot !== undefined) parts.push(`${files.plot === '-' ? 'standard output' : shown(files.plot)} the curves so far`);
  if (files.checkpoint) {
    const { dir, epoch } = files.checkpoint;
    parts.push(epoch > 0 ? `${shown(dir)} holds epoch ${epoch} (continue with --resume ${shown(dir)})` : `${shown(dir)} holds no checkpoint yet`);
  }
  return parts.join('; ');
}
