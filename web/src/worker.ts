// The training loop, off the page's thread: the page never freezes while the network learns.
import { DivergenceCheck, initKernels, type Dense, type Divergence, type Optimizer, type Sequential } from 'backprop';
import { buildData, type PlayData } from './data.js';
import { buildModel, buildOptimizer, evaluate, readWeights, trainStep } from './net.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { Settings } from './state.js';

interface Run {
  /** Stops Play when the loss turns non-finite or grows by orders of magnitude (the page keeps its last good report). */
  check: DivergenceCheck;
  model: Sequential<Dense>;
  opt: Optimizer;
  data: PlayData;
  settings: Settings;
  step: number;
  speed: number;
  awaitingAck: boolean;
  running: boolean;
  /** Steps taken since the last report. */
  sincePost: number;
  lastPost: number;
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
let run: Run | null = null;
const post = (m: FromWorker): void => ctx.postMessage(m);

ctx.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    if (m.type === 'kernels') {
      void loadKernels(m.workerUrl);
    } else if (m.type === 'start') {
      const { settings, csv, weights, optimizer, step } = m.job;
      const data = buildData(settings, csv);
      const model = buildModel(settings, data, weights);
      const check = new DivergenceCheck();
      check.start(evaluate(model, data).train);
      run = { check, model, opt: buildOptimizer(settings, model, optimizer), data, settings, step, speed: settings.speed, awaitingAck: false, running: true, sincePost: 0, lastPost: performance.now() };
      void loadKernels().then(() => setTimeout(chunk, 0));
    } else if (m.type === 'ack') {
      if (run !== null && run.awaitingAck) {
        run.awaitingAck = false;
        if (run.sincePost >= run.speed) setTimeout(chunk, 0);
      }
    } else if (m.type === 'speed') {
      if (run !== null) {
        const idle = run.sincePost >= run.speed;
        run.speed = m.speed;
        if (idle) setTimeout(chunk, 0);
      }
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};

/**
 * Trains in slices of at most ~30 ms (so messages get through), up to `speed` steps beyond the
 * last report. A report (weights, optimizer state, losses) goes out when the page has drawn the
 * previous one; meanwhile training goes on, so the page's drawing does not slow the worker.
 * Every report is a consistent snapshot: Pause keeps the last one the page received.
 */
function chunk(): void {
  const r = run;
  if (r === null || !r.running) return;
  try {
    const t0 = performance.now();
    while (r.sincePost < r.speed && performance.now() - t0 < 30) {
      const E = trainStep(r.model, r.opt, r.data, r.settings, r.step);
      r.step++;
      r.sincePost++;
      if (!Number.isFinite(E)) return diverged(r, { kind: 'non-finite', loss: E });
    }
    if (!r.awaitingAck && r.sincePost > 0 && (r.sincePost >= r.speed || performance.now() - r.lastPost > 50)) {
      const { train, test } = evaluate(r.model, r.data);
      const d = r.check.check(train);
      if (d !== null) return diverged(r, d);
      post({ type: 'progress', weights: readWeights(r.model), optimizer: r.opt.stateDict(), step: r.step, point: { step: r.step, train, test } });
      r.awaitingAck = true;
      r.sincePost = 0;
      r.lastPost = performance.now();
    }
    // NOTE: with `speed` steps done and the page still drawing, the worker idles until the ack.
    if (r.sincePost < r.speed) setTimeout(chunk, 0);
  } catch (e) {
    r.running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

/** Ends the run: the page stops Play, keeps its last (good) report and says why. */
function diverged(r: Run, divergence: Divergence): void {
  r.running = false;
  post({ type: 'diverged', step: r.step, divergence });
}
