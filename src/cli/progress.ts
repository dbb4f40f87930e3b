import { formatNumber } from '../tensor/format.js';
import type { BatchLogs, Callback, TrainContext } from '../train/callbacks.js';
import type { EpochLogs } from '../train/history.js';
import type { CliIo } from './io.js';

/**
 * The training progress of `backprop train` as a {@link Callback}. On a terminal (`io.isTTY`) a bar
 * redrawn in place during each epoch — epoch, batch, running loss and accuracy, samples/s, ETA —
 * and one permanent line per epoch; elsewhere (CI logs, pipes) only the epoch lines.
 *
 * Epoch line: `epoch  3  loss 0.1234  accuracy 96.5 %  val_loss 0.2  val_accuracy 95 %  lr 0.001  0.8 s`.
 */
export class Progress implements Callback {
  private epochStart = 0;
  private trainStart = 0;
  private lastDraw = -Infinity;
  private drawn = false;
  private doneEpochs = 0;
  private epochWidth = 1;

  constructor(
    private readonly io: CliIo,
    /** Minimum milliseconds between redraws of the bar. */
    private readonly interval = 100,
  ) {}

  onTrainBegin(ctx: TrainContext): void {
    this.trainStart = this.io.now();
    this.epochWidth = String(ctx.epochs).length;
  }

  onEpochBegin(): void {
    this.epochStart = this.io.now();
  }

  onBatchEnd(b: BatchLogs, ctx: TrainContext): void {
    if (!this.io.isTTY) return;
    const now = this.io.now();
    if (now - this.lastDraw < this.interval && b.batch !== b.batches) return;
    this.lastDraw = now;
    const seen = Math.min(ctx.rows, b.batch * Math.ceil(ctx.rows / b.batches));
    const elapsed = Math.max(1e-3, (now - this.epochStart) / 1000);
    const rate = seen / elapsed;
    const remaining = ctx.rows - seen + (ctx.epochs - b.epoch) * ctx.rows;
    const text = [
      `epoch ${String(b.epoch).padStart(this.epochWidth)}/${ctx.epochs}`,
      bar(b.batch / b.batches, 12),
      `${b.batch}/${b.batches}`,
      `loss ${formatNumber(b.meanLoss, 4)}`,
      ...(b.accuracy !== undefined ? [`acc ${percent(b.accuracy)}`] : []),
      `${Math.round(rate).toLocaleString('en-US')} samples/s`,
      `ETA ${duration(remaining / rate)}`,
    ].join(' ');
    const columns = this.io.columns > 0 ? this.io.columns : 80;
    this.io.stdout(`\r\x1b[2K${text.slice(0, Math.max(20, columns - 1))}`);
    this.drawn = true;
  }

  onEpochEnd(logs: EpochLogs): void {
    this.clear();
    this.doneEpochs++;
    this.io.stdout(epochLine(logs, this.epochWidth) + '\n');
  }

  /** Removes the bar (call before printing anything else, e.g. after an error). */
  clear(): void {
    if (this.drawn) this.io.stdout('\r\x1b[2K');
    this.drawn = false;
  }

  /** Seconds since training began. */
  elapsed(): number {
    return (this.io.now() - this.trainStart) / 1000;
  }
}

/** One epoch's figures on one line (the format `backprop train` prints after each epoch). */
export function epochLine(logs: EpochLogs, epochWidth = 1): string {
  const parts = [`epoch ${String(logs.epoch).padStart(epochWidth)}`, `loss ${formatNumber(logs.loss)}`];
  if (logs.accuracy !== undefined) parts.push(`accuracy ${percent(logs.accuracy)}`);
  if (logs.r2 !== undefined) parts.push(`r2 ${formatNumber(logs.r2, 4)}`);
  if (logs.valLoss !== undefined) parts.push(`val_loss ${formatNumber(logs.valLoss, 6)}`);
  if (logs.valAccuracy !== undefined) parts.push(`val_accuracy ${percent(logs.valAccuracy)}`);
  if (logs.valR2 !== undefined) parts.push(`val_r2 ${formatNumber(logs.valR2, 4)}`);
  return parts.join('  ');
}

/** `96.25 %`. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

function bar(fraction: number, width: number): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'='.repeat(Math.max(0, full - 1))}${full > 0 ? (full === width ? '=' : '>') : ''}${' '.repeat(width - full)}]`;
}

/** `1:05` or `1:02:03` from seconds. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}
