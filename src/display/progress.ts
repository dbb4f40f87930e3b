import type { Lang } from '../explain/locales/index.js';
import { formatNumber } from '../tensor/format.js';
import type { BatchLogs, Callback, FitResult, TrainContext } from '../train/callbacks.js';
import type { EpochLogs } from '../train/history.js';
import { STYLE, escapeHtml } from './html.js';
import { t } from './locales/index.js';
import { jupyterDisplayFn, type DisplayFn } from './jupyter.js';
import type { MediaBundle } from './protocol.js';

/** Where training stands: what {@link progressBundle} draws. Plain data. */
export interface ProgressState {
  /** The epoch under way (1-based), or the last one when done. */
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss of this epoch's batches so far (before each step). */
  meanLoss: number | null;
  /** Running accuracy of this epoch's batches, when the engine measures it. */
  accuracy?: number;
  /** The last finished epoch's figures. */
  last: EpochLogs | null;
  /** Training loss of every finished epoch (the curve). */
  losses: number[];
  /** Seconds since training began and samples per second: they vary from run to run. */
  seconds: number;
  samplesPerSecond: number | null;
  /** Set at the end: epochs done and why training stopped. */
  done: { epochs: number; reason: string } | null;
}

/**
 * The progress of `fit` as a small panel: epoch and batch, a bar for the whole run, the figures of
 * the last finished epoch, the loss curve so far, and the time. The time sits in an element of
 * class `bp-varies` (in text, the last line, in parentheses), the only part that differs between
 * two runs with the same seed.
 *
 * @example
 * ```ts
 * progressBundle({ epoch: 3, epochs: 10, batch: 2, batches: 8, meanLoss: 0.4, last: null, losses: [0.9, 0.6], seconds: 1.5, samplesPerSecond: 900, done: null });
 * ```
 */
export function progressBundle(s: ProgressState, options: { lang?: Lang } = {}): MediaBundle {
  const lang = options.lang ?? 'en';
  const status = s.done
    ? t(lang, 'done', { epochs: s.done.epochs, reason: s.done.reason === 'completed' ? t(lang, 'completed') : s.done.reason })
    : `${t(lang, 'epochOf', { epoch: s.epoch, epochs: s.epochs })} · ${t(lang, 'batchOf', { batch: s.batch, batches: s.batches })}`;
  const figures: string[] = [];
  const last = s.last;
  if (last) {
    figures.push(`${t(lang, 'loss')} ${formatNumber(last.loss, 6)}`);
    if (last.accuracy !== undefined) figures.push(`${t(lang, 'accuracy')} ${percent(last.accuracy)}`);
    if (last.valLoss !== undefined) figures.push(`${t(lang, 'valLoss')} ${formatNumber(last.valLoss, 6)}`);
    if (last.valAccuracy !== undefined) figures.push(`${t(lang, 'valAccuracy')} ${percent(last.valAccuracy)}`);
  } else if (s.meanLoss !== null) {
    figures.push(`${t(lang, 'loss')} ${formatNumber(s.meanLoss, 6)}`);
    if (s.accuracy !== undefined) figures.push(`${t(lang, 'accuracy')} ${percent(s.accuracy)}`);
  }
  const fraction = s.done ? 1 : s.epochs === 0 ? 1 : Math.min(1, (s.epoch - 1 + s.batch / Math.max(1, s.batches)) / s.epochs);
  const time = [t(lang, 'seconds', { s: s.seconds.toFixed(1) }), ...(s.samplesPerSecond === null ? [] : [t(lang, 'rate', { n: Math.round(s.samplesPerSecond).toLocaleString('en-US') })])].join(' · ');
  const bar = `<div style="width:320px;height:8px;background:#eaeef2;border-radius:4px;margin:4px 0"><div style="width:${(100 * fraction).toFixed(1)}%;height:8px;background:${STYLE.pos};border-radius:4px"></div></div>`;
  const html = [
    `<div class="bp-progress" style="font-family:${STYLE.sans};font-size:13px">`,
    `<div style="font-weight:600">${escapeHtml(status)}</div>`,
    bar,
    figures.length ? `<div>${escapeHtml(figures.join(' · '))}</div>` : '',
    s.losses.length >= 2 ? sparkline(s.losses) : '',
    `<div style="color:${STYLE.muted};font-size:12px"><span class="bp-varies">${escapeHtml(time)}</span></div>`,
    '</div>',
  ].join('');
  const text = [status, ...(figures.length ? [figures.join(' · ')] : []), `(${time})`].join('\n');
  return { 'text/plain': text, 'text/html': html };
}

/** The loss per epoch as a small line (320 × 48), lowest at the bottom. */
function sparkline(v: readonly number[]): string {
  const W = 320;
  const H = 48;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) if (Number.isFinite(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const span = hi > lo ? hi - lo : 1;
  const pts = v.map((x, i) => `${((i / (v.length - 1)) * (W - 4) + 2).toFixed(1)},${(H - 3 - ((x - lo) / span) * (H - 6)).toFixed(1)}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="loss"><rect width="${W}" height="${H}" fill="#f6f8fa"/><polyline points="${pts.join(' ')}" fill="none" stroke="${STYLE.pos}" stroke-width="1.5"/></svg>`;
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

let counter = 0;

/**
 * A {@link Callback} for `fit` that shows its progress in one display updated in place
 * ({@link progressBundle}) instead of printing a line per epoch: at the start, at most every
 * `interval` ms while training, and at the end. `display` says how to show it; without one it
 * uses the notebook's (Deno's `Deno.jupyter.display`), and outside a notebook it prints the
 * text form with `console.log` at most once a second and at the end.
 *
 * @example
 * ```ts
 * await fit(model, train, { loss: 'cross_entropy', epochs: 100, callbacks: [liveProgress({ lang: 'ko' })] });
 * ```
 */
export function liveProgress(options: { lang?: Lang; display?: DisplayFn; interval?: number } = {}): Callback {
  return new LiveProgress(options.display ?? null, options.lang ?? 'en', options.interval);
}

class LiveProgress implements Callback {
  private readonly id = `bp-progress-${++counter}-${Date.now().toString(36)}`;
  private state: ProgressState = { epoch: 0, epochs: 0, batch: 0, batches: 0, meanLoss: null, last: null, losses: [], seconds: 0, samplesPerSecond: null, done: null };
  private started = 0;
  private shownAt = -Infinity;
  private samples = 0;
  private shown = false;
  private readonly show: DisplayFn;
  private readonly interval: number;

  constructor(display: DisplayFn | null, private readonly lang: Lang, interval?: number) {
    const notebook = display ?? jupyterDisplayFn();
    this.show = notebook ?? ((bundle) => console.log(bundle['text/plain']));
    this.interval = interval ?? (notebook ? 250 : 1000);
  }

  async onTrainBegin(ctx: TrainContext): Promise<void> {
    this.started = performance.now();
    this.state = { ...this.state, epoch: ctx.initialEpoch + 1, epochs: ctx.epochs, batches: ctx.batches };
    await this.draw(true);
  }

  async onBatchEnd(b: BatchLogs): Promise<void> {
    this.samples += b.rows;
    this.state = { ...this.state, epoch: b.epoch, batch: b.batch, batches: b.batches, meanLoss: b.meanLoss, ...(b.accuracy !== undefined && { accuracy: b.accuracy }) };
    await this.draw(false);
  }

  async onEpochEnd(logs: EpochLogs): Promise<void> {
    this.state = { ...this.state, last: logs, losses: [...this.state.losses, logs.loss] };
    await this.draw(false);
  }

  async onTrainEnd(result: FitResult): Promise<void> {
    this.state = { ...this.state, epoch: result.epochs, done: { epochs: result.epochs, reason: result.stopReason } };
    await this.draw(true);
  }

  private async draw(force: boolean): Promise<void> {
    const now = performance.now();
    if (!force && now - this.shownAt < this.interval) return;
    this.shownAt = now;
    const seconds = (now - this.started) / 1000;
    this.state = { ...this.state, seconds, samplesPerSecond: seconds > 0 && this.samples > 0 ? this.samples / seconds : null };
    await this.show(progressBundle(this.state, { lang: this.lang }), { id: this.id, update: this.shown });
    this.shown = true;
  }
}
