// The training loop, off the page's thread: the page never freezes while the network learns.
import { DivergenceCheck, initKernels, TrainingDivergedError } from 'backprop';
import { buildData } from './data.js';
import { PLAY_CHECK_EVERY, PlayHealth } from './health.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { TrainingRun } from './run.js';

interface Loop {
  /** Null while the kernels load (the run is built after them, so its engine can use them). */
  run: TrainingRun | null;
  /** Stops Play when the loss over the training rows grows by orders of magnitude (the page keeps its last good report); a non-finite step is the Trainer's TrainingDivergedError. */
  check: DivergenceCheck;
  speed: number;
  awaitingAck: boolean;
  running: boolean;
  /** Steps taken since the last report. */
  sincePost: number;
  lastPost: number;
  /** The training-health checks of the run (every PLAY_CHECK_EVERY steps and at each epoch's end); null until the run is built. */
  health: PlayHealth | null;
}

/** The parts of the worker's global scope used here (the DOM and WebWorker libs clash in one program). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
}

const ctx = self as unknown as WorkerScope;
// The WebAssembly kernels, loaded before the first step: on a cross-origin-isolated page with
// their worker threads (shared memory; the page names their script first), elsewhere on this thread alone.
let kernels: Promise<unknown> | null = null;
const loadKernels = (workerUrl?: string): Promise<unknown> => (kernels ??= initKernels(workerUrl === undefined ? {} : { workerUrl }).catch(() => undefined));
let loop: Loop | null = null;
const post = (m: FromWorker): void => ctx.postMessage(m);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

ctx.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    if (m.type === 'kernels') {
      void loadKernels(m.workerUrl);
    } else if (m.type === 'start') {
      const { settings, csv, weights, layers, optimizer, step, position } = m.job;
      const started: Loop = loop = { run: null, speed: settings.speed, awaitingAck: false, running: true, sincePost: 0, lastPost: performance.now(), health: null, check: new DivergenceCheck() };
      void loadKernels().then(() => {
        if (loop !== started) return;
        try {
          started.run = new TrainingRun(settings, buildData(settings, csv), weights, optimizer, step, position, layers);
          started.health = new PlayHealth(started.run, PLAY_CHECK_EVERY);
          started.check.start(started.run.point().train);
        } catch (e) {
          started.running = false;
          post({ type: 'error', message: messageOf(e) });
          return;
        }
        setTimeout(chunk, 0);
      });
    } else if (m.type === 'ack') {
      if (loop !== null && loop.awaitingAck) {
        loop.awaitingAck = false;
        if (loop.sincePost >= loop.speed) setTimeout(chunk, 0);
      }
    } else if (m.type === 'speed') {
      if (loop !== null) {
        const idle = loop.sincePost >= loop.speed;
        loop.speed = m.speed;
        if (idle) setTimeout(chunk, 0);
      }
    }
  } catch (e) {
    post({ type: 'error', message: messageOf(e) });
  }
};

/**
 * Trains in slices of at most ~30 ms (so messages get through), up to `speed` steps beyond the
 * last report. A report (weights, optimizer state, losses) goes out when the page has drawn the
 * previous one; meanwhile training goes on, so the page's drawing does not slow the worker.
 * Every report is a consistent snapshot: Pause keeps the last one the page received.
 */
function chunk(): void {
  const l = loop;
  if (l === null || l.run === null || !l.running) return;
  const run = l.run;
  try {
    const t0 = performance.now();
    while (l.sincePost < l.speed && performance.now() - t0 < 30) {
      const logs = run.step();
      l.health?.afterStep(run, logs);
      l.sincePost++;
    }
    if (!l.awaitingAck && l.sincePost > 0 && (l.sincePost >= l.speed || performance.now() - l.lastPost > 50)) {
      const point = run.point();
      const divergence = l.check.check(point.train);
      if (divergence !== null) {
        l.running = false;
        post({ type: 'divergence', step: run.steps, divergence });
        return;
      }
      post({ type: 'progress', ...run.snapshot(), point, health: l.health?.view() ?? null });
      l.awaitingAck = true;
      l.sincePost = 0;
      l.lastPost = performance.now();
    }
    // NOTE: with `speed` steps done and the page still drawing, the worker idles until the ack.
    if (l.sincePost < l.speed) setTimeout(chunk, 0);
  } catch (e) {
    l.running = false;
    post(e instanceof TrainingDivergedError ? { type: 'diverged', step: run.steps + 1, message: e.message } : { type: 'error', message: messageOf(e) });
  }
}

