import { formatNumber, modelLoss, noGrad, type Dense, type Optimizer, type Sequential } from 'backprop';
import { buildData, type PlayData } from './data.js';
import { modelFileText, readModelFile } from './model-file.js';
import { buildModel, buildOptimizer, evaluate, readWeights, stepBatch, writeWeights } from './net.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { SEED_SETTINGS, SYNTHETIC_DEFAULTS, type AppState, type LayerWeights, type Settings } from './state.js';
import type { Ledger, MessageKey as LedgerKey } from 'backprop/explain';
import { ledgerFor, loadExplain } from './explainer.js';
import { runBackward, runForward, type Trace } from './trace.js';
import { tr } from './i18n.js';
import { decodeState, encodeState } from './url.js';
import { MAX_HISTORY, thinHistory } from './history.js';

/** Where the hand-stepping is: what the last button did. */
export type Phase = 'none' | 'forward' | 'backward' | 'updated' | 'playing';

/** The last Update: every parameter before and after, its gradient, and the batch cost before and after. */
export interface UpdateRecord {
  before: LayerWeights[];
  after: LayerWeights[];
  grads: LayerWeights[];
  costBefore: number;
  costAfter: number;
  lr: number;
  optimizer: string;
}

/** Settings whose change gives a fresh network (the rest keep the trained weights). */
const RESETTING: readonly (keyof Settings)[] = ['dataset', 'noise', 'trainRatio', 'hidden', 'activation', 'loss', 'seed'];
/** Milliseconds per layer while the deltas flow backwards. */
export const FLOW_MS = 450;

/**
 * The controller: owns the plain {@link AppState} and the objects derived from it (data, model,
 * optimizer, the traced pass), performs the actions the buttons ask for, and asks the view to
 * redraw. The views never touch the model.
 */
export class App {
  state: AppState;
  data!: PlayData;
  model!: Sequential<Dense>;
  opt!: Optimizer;
  trace: Trace | null = null;
  phase: Phase = 'none';
  lastUpdate: UpdateRecord | null = null;
  /** Bumped on every weight change (caches of heatmaps key on it). */
  version = 0;
  stepsPerSec: number | null = null;
  /** During Backward: the lowest dense layer (from 1) whose δ is shown, and the layer whose weights carry the flow. */
  deltaFrom = Infinity;
  flowing = 0;
  notice = '';
  /** The library's ledger for the selected parameter of the current pass (`key` = pass and parameter). */
  ledger: { key: string; value: Ledger | null } | null = null;
  /** The ledger module's strings, once loaded. */
  ledgerText: ((key: LedgerKey, vars?: Record<string, string | number>) => string) | null = null;
  private traceId = 0;
  private worker: Worker | null = null;
  private flowTimer: ReturnType<typeof setTimeout> | null = null;
  /** Identity of the running Backward animation (a new one, or any other action, cancels it). */
  private flowId: object | null = null;
  private lastHash = '';
  private lastUrlWrite = 0;
  private rate: { t: number; step: number } | null = null;

  /** `redraw(after)` draws on the next frame, then calls `after` (once the new state is on screen). */
  constructor(hash: string, private readonly redraw: (after?: () => void) => void, private readonly reducedMotion: boolean) {
    this.state = decodeState(hash);
    this.rebuild();
  }

  get playing(): boolean {
    return this.worker !== null;
  }

  /** Derives data, model and optimizer from the state (after a load or a setting change). */
  rebuild(): void {
    const s = this.state;
    if (s.settings.dataset === 'csv' && s.csv === null) {
      // NOTE: a link made with a CSV too large to travel in it: the settings arrive, the data does not.
      this.notice = tr(s.settings.lang, 'csvMissing');
      s.settings = { ...SEED_SETTINGS, hidden: [...SEED_SETTINGS.hidden], lang: s.settings.lang };
      Object.assign(s, { weights: null, optimizer: null, step: 0, history: [] });
    }
    try {
      this.data = buildData(s.settings, s.csv);
      // NOTE: the menu shows the cost function in use (a CSV of three classes takes cross_entropy, not bce).
      s.settings.loss = this.data.loss;
    } catch (e) {
      this.notice = e instanceof Error ? e.message : String(e);
      s.settings = { ...SEED_SETTINGS, lang: s.settings.lang };
      s.weights = null;
      this.data = buildData(s.settings, null);
    }
    this.model = buildModel(s.settings, this.data, s.weights);
    const fresh = s.weights === null || JSON.stringify(readWeights(this.model)) !== JSON.stringify(s.weights);
    if (fresh) {
      s.optimizer = null;
      if (s.weights !== null) Object.assign(s, { step: 0, history: [] });
    }
    s.weights = readWeights(this.model);
    this.opt = buildOptimizer(s.settings, this.model, s.optimizer);
    this.trace = null;
    this.phase = 'none';
    this.lastUpdate = null;
    this.version++;
    if (s.history.length === 0) s.history.push({ step: s.step, ...evaluate(this.model, this.data) });
  }

  /** Writes the state into the address bar (replacing, not adding, a history entry). */
  writeUrl(force = true): void {
    const now = performance.now();
    if (!force && now - this.lastUrlWrite < 500) return;
    this.lastUrlWrite = now;
    this.lastHash = encodeState(this.state);
    history.replaceState(null, '', this.lastHash);
  }

  /** A hash typed or pasted by the learner (not one this page wrote) is loaded. */
  hashChanged(hash: string): void {
    if (hash === this.lastHash) return;
    this.stop();
    this.state = decodeState(hash);
    this.rebuild();
    this.redraw();
  }

  change<K extends keyof Settings>(key: K, value: Settings[K]): void {
    this.stop();
    const s = this.state.settings;
    if (key === 'dataset' && value !== s.dataset) {
      const to = value as Settings['dataset'];
      if (to === 'seed') Object.assign(s, { ...SEED_SETTINGS, hidden: [...SEED_SETTINGS.hidden], lang: s.lang, seed: s.seed });
      else if (s.dataset === 'seed') Object.assign(s, { ...SYNTHETIC_DEFAULTS, hidden: [...SYNTHETIC_DEFAULTS.hidden] });
    }
    s[key] = value;
    if (RESETTING.includes(key)) this.resetNetwork();
    else {
      if (key === 'optimizer') this.state.optimizer = null;
      else this.state.optimizer = this.opt.stateDict();
      this.opt = buildOptimizer(s, this.model, this.state.optimizer);
    }
    this.writeUrl();
    this.redraw();
  }

  /** Fresh weights from the seed (or the notebook's), step 0, empty curve. */
  resetNetwork(): void {
    Object.assign(this.state, { weights: null, optimizer: null, step: 0, history: [] });
    this.rebuild();
  }

  reset(): void {
    this.stop();
    this.resetNetwork();
    this.writeUrl();
    this.redraw();
  }

  forward(): void {
    this.stop();
    this.stopFlow();
    const { x, t } = stepBatch(this.data, this.state.settings, this.state.step);
    this.trace = runForward(this.model, this.data.loss, x, t);
    this.traceId++;
    this.phase = 'forward';
    this.deltaFrom = Infinity;
    this.redraw();
  }

  /** Backward through the traced pass; the deltas appear layer by layer from the output down. */
  backward(animate = true): void {
    this.stop();
    if (this.phase !== 'forward' || this.trace === null) this.forward();
    runBackward(this.model, this.trace!);
    this.phase = 'backward';
    const L = this.model.layers.length;
    if (!animate || this.reducedMotion) {
      this.deltaFrom = 1;
      this.flowing = 0;
      this.redraw();
      return;
    }
    this.stopFlow();
    let layer = L;
    // NOTE: each stage stays FLOW_MS on screen from the frame that shows it (a busy page draws late).
    const flow = this.flowId = {};
    const tick = (): void => {
      if (this.flowId !== flow) return;
      this.deltaFrom = layer;
      this.flowing = layer;
      layer--;
      this.redraw(() => {
        if (this.flowId !== flow) return;
        this.flowTimer = setTimeout(layer >= 1 ? tick : done, FLOW_MS);
      });
    };
    const done = (): void => {
      if (this.flowId !== flow) return;
      this.flowing = 0;
      this.deltaFrom = 1;
      this.flowTimer = null;
      this.redraw();
    };
    tick();
  }

  private stopFlow(): void {
    this.flowId = null;
    if (this.flowTimer !== null) clearTimeout(this.flowTimer);
    this.flowTimer = null;
    this.flowing = 0;
  }

  /** One optimizer update from the gradients of the traced pass; records before/after for the ledger. */
  update(): void {
    this.stop();
    if (this.phase !== 'backward' || this.trace === null) {
      this.forward();
      this.backward(false);
    }
    this.stopFlow();
    this.deltaFrom = 1;
    const trace = this.trace!;
    const before = readWeights(this.model);
    const grads = this.model.layers.map((l) => ({ W: l.weight.grad!.to2D(), b: Array.from(l.bias.grad!.data) }));
    this.opt.step();
    const after = readWeights(this.model);
    const costAfter = noGrad(() => modelLoss(this.model, this.data.loss, trace.x, trace.t).item());
    const s = this.state;
    s.step++;
    s.weights = after;
    s.optimizer = this.opt.stateDict();
    s.history.push({ step: s.step, ...evaluate(this.model, this.data) });
    thin(s.history);
    const opt = s.settings.l2 > 0 ? `${s.settings.optimizer}, L2 λ = ${s.settings.l2}` : s.settings.optimizer;
    this.lastUpdate = { before, after, grads, costBefore: trace.cost, costAfter, lr: s.settings.lr, optimizer: opt };
    this.phase = 'updated';
    this.version++;
    this.writeUrl();
    this.redraw();
  }

  /** Forward, Backward and Update at once. */
  step(): void {
    this.stop();
    this.forward();
    this.backward(false);
    this.update();
  }

  /**
   * Asks the library's `explain()` for the ledger of parameter `id` on the traced pass (with the
   * weights the pass used, also after an Update); redraws when it arrives.
   */
  requestLedger(id: string): void {
    const trace = this.trace;
    if (trace === null || !trace.backwardDone) return;
    const key = `${this.traceId}|${id}`;
    if (this.ledger?.key === key) return;
    this.ledger = { key, value: null };
    const weights = this.phase === 'updated' && this.lastUpdate !== null ? this.lastUpdate.before : this.state.weights!;
    const lang = (): 'en' | 'ko' => this.state.settings.lang;
    Promise.all([ledgerFor(this.state.settings, this.data, weights, trace.x, trace.t, id), loadExplain()]).then(
      ([ledger, mod]) => {
        this.ledgerText = (k, vars) => mod.message(lang(), k, vars);
        if (this.ledger?.key !== key) return;
        this.ledger.value = ledger;
        this.redraw();
      },
      (e: unknown) => {
        this.notice = e instanceof Error ? e.message : String(e);
        this.redraw();
      },
    );
  }

  /** Steps per frame while playing (applies to a running worker at once). */
  setSpeed(speed: number): void {
    this.state.settings.speed = speed;
    this.worker?.postMessage({ type: 'speed', speed } satisfies ToWorker);
    this.writeUrl();
    this.redraw();
  }

  setLang(lang: Settings['lang']): void {
    this.state.settings.lang = lang;
    this.writeUrl();
    this.redraw();
  }

  /** Set when a selection should bring the ledger into view (read and cleared by the page). */
  revealLedger = false;

  select(id: string | null): void {
    this.state.selected = id;
    this.revealLedger = id !== null;
    this.writeUrl();
    this.redraw();
  }

  /** Sets one weight or bias to a typed or dragged value. */
  edit(id: string, value: number): void {
    this.stop();
    const m = /^(W|b)(\d+)\[(\d+)\](?:\[(\d+)\])?$/.exec(id);
    if (m === null || !Number.isFinite(value)) return;
    const layer = this.model.layers[+m[2]! - 1];
    if (layer === undefined) return;
    if (m[1] === 'W') layer.weight.data[+m[3]! * layer.inputs + +m[4]!] = value;
    else layer.bias.data[+m[3]!] = value;
    this.state.weights = readWeights(this.model);
    this.state.selected = id;
    this.trace = null;
    this.phase = 'none';
    this.lastUpdate = null;
    this.version++;
    this.writeUrl();
    this.redraw();
  }

  /** Play: training continues in the worker from exactly this state; Pause brings it back. */
  togglePlay(makeWorker: () => Worker): void {
    if (this.playing) {
      this.stop();
      return;
    }
    this.stopFlow();
    const s = this.state;
    const worker = makeWorker();
    this.worker = worker;
    this.rate = null;
    worker.onmessage = (ev: MessageEvent<FromWorker>) => this.fromWorker(worker, ev.data);
    const job: ToWorker = { type: 'start', job: { settings: s.settings, csv: s.csv, weights: s.weights!, optimizer: this.opt.stateDict(), step: s.step } };
    worker.postMessage(job);
    this.phase = 'playing';
    this.trace = null;
    this.lastUpdate = null;
    this.redraw();
  }

  private fromWorker(worker: Worker, m: FromWorker): void {
    if (worker !== this.worker) return;
    if (m.type === 'error') {
      this.notice = m.message;
      this.stop();
      return;
    }
    if (m.type === 'diverged') {
      const lang = this.state.settings.lang;
      const d = m.divergence;
      const what = d.kind === 'non-finite' ? tr(lang, 'lossNonFinite', { v: String(d.loss) }) : tr(lang, 'lossGrew', { from: formatNumber(d.from, 4), to: formatNumber(d.to, 4) });
      this.notice = tr(lang, 'diverged', { step: String(m.step), what, lr: String(this.state.settings.lr) });
      this.stop();
      return;
    }
    const s = this.state;
    writeWeights(this.model, m.weights);
    s.weights = m.weights;
    s.optimizer = m.optimizer;
    const now = performance.now();
    if (this.rate !== null && m.step > this.rate.step) {
      const sps = ((m.step - this.rate.step) * 1000) / Math.max(1, now - this.rate.t);
      this.stepsPerSec = this.stepsPerSec === null ? sps : 0.7 * this.stepsPerSec + 0.3 * sps;
    }
    this.rate = { t: now, step: m.step };
    s.step = m.step;
    s.history.push(m.point);
    thin(s.history);
    this.version++;
    this.writeUrl(false);
    this.redraw();
    requestAnimationFrame(() => worker.postMessage({ type: 'ack' } satisfies ToWorker));
  }

  /**
   * Pauses training. The worker waits for the page after every chunk, so the page already holds
   * its latest weights and optimizer state: the worker is simply ended and nothing is lost.
   */
  stop(): void {
    const w = this.worker;
    if (w === null) return;
    this.worker = null;
    w.terminate();
    this.opt = buildOptimizer(this.state.settings, this.model, this.state.optimizer);
    this.phase = 'none';
    this.writeUrl();
    this.redraw();
  }

  /** The model file (the CLI's format) of the current network. */
  modelFileText(): string {
    return modelFileText(this.model, this.data);
  }

  /** Loads a model file that fits the data (see {@link readModelFile}); throws a BackpropError otherwise. */
  importModel(text: string): void {
    this.stop();
    const { settings, weights } = readModelFile(text, this.state.settings, this.data);
    Object.assign(this.state, { settings, weights, optimizer: null, step: 0, history: [] });
    this.rebuild();
    this.writeUrl();
    this.redraw();
  }
}

/** Keeps the loss curve under {@link MAX_HISTORY} points, in place (see {@link thinHistory}). */
function thin(h: AppState['history']): void {
  if (h.length <= MAX_HISTORY) return;
  const kept = thinHistory(h);
  h.length = 0;
  for (const p of kept) h.push(p);
}
