import { BackpropError, formatNumber, modelLoss, noGrad, recordForward, TrainingDivergedError, type BatchLogs, type RecordedPass } from 'backprop';
import { buildData, type PlayData } from './data.js';
import { modelFileText, readModelFile } from './model-file.js';
import { denseLayers, lastMasks, lossPoint, paramAt, readLayerState, readWeights, withMasks, writeLayerState, writeWeights, type PlayModel } from './net.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { TrainingRun } from './run.js';
import { SEED_SETTINGS, SYNTHETIC_DEFAULTS, type AppState, type LayerWeights, type Settings } from './state.js';
import type { Ledger, MessageKey as LedgerKey } from 'backprop/explain';
import { ledgerFor, loadExplain } from './explainer.js';
import { tr } from './i18n.js';
import { decodeState, encodeState } from './url.js';
import { PlayHealth, type HealthView } from './health.js';
import { withPreset } from './presets.js';
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
const RESETTING: readonly (keyof Settings)[] = ['dataset', 'noise', 'trainRatio', 'hidden', 'activation', 'loss', 'seed', 'batchNorm', 'dropout'];
/** Milliseconds per layer while the deltas flow backwards. */
export const FLOW_MS = 450;

/**
 * The controller: owns the plain {@link AppState} and the objects derived from it (the data and
 * the training run — network, optimizer, the library's Trainer — and the recorded pass), performs
 * the actions the buttons ask for, and asks the view to redraw. The views never touch the model.
 */
export class App {
  state: AppState;
  run!: TrainingRun;
  /** The pass Forward recorded (the library's `recordForward`), stepped through by Backward. */
  pass: RecordedPass | null = null;
  /**
   * A copy of the network as the recorded pass found it (weights, batch norm's running statistics,
   * dropout's generators): the ledger explains the step on it, with the masks the step drew.
   */
  passModel: PlayModel | null = null;
  /** The dropout masks of the recorded pass (layer index → mask, 1 = kept). */
  passMasks: ReadonlyMap<number, Uint8Array> = new Map();
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
  private passId = 0;
  private explain: Awaited<ReturnType<typeof loadExplain>> | null = null;
  private ledgerHtmlCache: { ledger: Ledger; lang: string; html: string } | null = null;
  private worker: Worker | null = null;
  private flowTimer: ReturnType<typeof setTimeout> | null = null;
  /** Identity of the running Backward animation (a new one, or any other action, cancels it). */
  private flowId: object | null = null;
  private lastHash = '';
  private lastUrlWrite = 0;
  private rate: { t: number; step: number } | null = null;
  /** The training-health checks' latest view (from the worker while playing, else from the steps made here). */
  health: HealthView | null = null;
  private pageHealth: PlayHealth | null = null;

  /** `redraw(after)` draws on the next frame, then calls `after` (once the new state is on screen). */
  constructor(hash: string, private readonly redraw: (after?: () => void) => void, private readonly reducedMotion: boolean) {
    this.state = decodeState(hash);
    this.rebuild();
  }

  get playing(): boolean {
    return this.worker !== null;
  }

  /** The data of the run. */
  get data(): PlayData {
    return this.run.data;
  }

  /** The network of the run. */
  get model(): PlayModel {
    return this.run.model;
  }

  /** Derives the data and the training run from the state (after a load or a setting change). */
  rebuild(): void {
    const s = this.state;
    if (s.settings.dataset === 'csv' && s.csv === null) {
      // NOTE: a link made with a CSV too large to travel in it: the settings arrive, the data does not.
      this.notice = tr(s.settings.lang, 'csvMissing');
      s.settings = { ...SEED_SETTINGS, hidden: [...SEED_SETTINGS.hidden], lang: s.settings.lang };
      Object.assign(s, { weights: null, layers: null, optimizer: null, step: 0, position: null, history: [] });
    }
    try {
      const data = buildData(s.settings, s.csv);
      // NOTE: the menu shows the cost function in use (a CSV of three classes takes cross_entropy, not bce).
      s.settings.loss = data.loss;
      this.run = new TrainingRun(s.settings, data, s.weights, s.optimizer, s.step, s.position, s.layers);
    } catch (e) {
      this.notice = e instanceof Error ? e.message : String(e);
      s.settings = { ...SEED_SETTINGS, hidden: [...SEED_SETTINGS.hidden], lang: s.settings.lang };
      Object.assign(s, { weights: null, layers: null, optimizer: null, step: 0, position: null, history: [] });
      this.run = new TrainingRun(s.settings, buildData(s.settings, null), null, null, 0);
    }
    // NOTE: weights or other layers' numbers that do not fit this network (a hand-edited link) give a fresh one.
    const fresh = s.weights === null || JSON.stringify(readWeights(this.model)) !== JSON.stringify(s.weights)
      || (s.layers !== null && JSON.stringify(readLayerState(this.model)) !== JSON.stringify(s.layers));
    if (fresh) {
      s.optimizer = null;
      if (s.weights !== null) Object.assign(s, { step: 0, history: [] });
      this.run.retrain(s.settings, null, s.step);
    }
    s.weights = readWeights(this.model);
    s.layers = readLayerState(this.model);
    s.position = this.run.trainer.position();
    this.pass = null;
    this.phase = 'none';
    this.lastUpdate = null;
    this.health = null;
    this.pageHealth = null;
    this.version++;
    if (s.history.length === 0) s.history.push(lossPoint(this.model, this.data, s.step));
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
    if (key === 'dataset' && value !== s.dataset) Object.assign(s, withPreset(s, value as Settings['dataset']));
    s[key] = value;
    if (RESETTING.includes(key)) this.resetNetwork();
    else {
      // NOTE: the network keeps its weights; the optimizer (its buffers kept unless it is another one) and the batches follow the new settings.
      this.state.optimizer = key === 'optimizer' ? null : this.run.optimizer.stateDict();
      this.run.retrain(s, this.state.optimizer, this.state.step, this.state.position);
      this.state.position = this.run.trainer.position();
      // NOTE: another batch size means other rows for the next step than the recorded pass shows.
      if (key === 'batch' && this.pass !== null) Object.assign(this, { pass: null, phase: 'none', lastUpdate: null });
    }
    this.writeUrl();
    this.redraw();
  }

  /** Fresh weights from the seed (or the notebook's), step 0, empty curve. */
  resetNetwork(): void {
    Object.assign(this.state, { weights: null, layers: null, optimizer: null, step: 0, position: null, history: [] });
    this.rebuild();
  }

  reset(): void {
    this.stop();
    this.resetNetwork();
    this.writeUrl();
    this.redraw();
  }

  /**
   * Forward on the rows the next training step takes (the Trainer's next batch), with every z and a
   * kept — in training mode, as the step: batch norm with the batch's statistics, dropout with the
   * mask the step will draw (the running statistics and generators are put back, so Update's step
   * starts from the same state and draws the same masks).
   */
  forward(): void {
    this.stop();
    this.stopFlow();
    const { x, t } = this.run.nextBatch();
    const model = this.model;
    this.passModel = model.clone();
    try {
      this.pass = model.preservingState(() => recordForward(model.train(), this.data.loss, x, t));
    } catch (e) {
      // NOTE: what the library refuses (batch norm on a batch of one row) is said on the page, with its message.
      if (!(e instanceof BackpropError)) throw e;
      Object.assign(this, { pass: null, passModel: null, phase: 'none', notice: e.message });
      this.redraw();
      return;
    }
    this.passMasks = lastMasks(model);
    this.passId++;
    this.phase = 'forward';
    this.deltaFrom = Infinity;
    this.redraw();
  }

  /** Backward through the recorded pass; the deltas appear layer by layer from the output down. */
  backward(animate = true): void {
    this.stop();
    if (this.phase !== 'forward' || this.pass === null) this.forward();
    if (this.pass === null) return;
    this.pass.backward();
    this.phase = 'backward';
    const L = denseLayers(this.model).length;
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

  /**
   * The training step on the recorded pass's rows — the library's `Trainer.step()`, the step Play
   * takes — recording every parameter before and after, its gradient, and the batch's cost before
   * and after for the ledger. A step that makes the numbers NaN or infinite is refused with the
   * library's diagnosis, and the weights stay; so is one the library refuses (batch norm on a
   * batch of one row), with its message.
   */
  update(): void {
    this.stop();
    if (this.phase !== 'backward' || this.pass === null) {
      this.forward();
      this.backward(false);
    }
    if (this.pass === null) return;
    this.stopFlow();
    this.deltaFrom = 1;
    const pass = this.pass!;
    const before = readWeights(this.model);
    let logs: BatchLogs;
    try {
      logs = this.run.step();
    } catch (e) {
      if (!(e instanceof BackpropError)) throw e;
      // NOTE: the step is not taken: the last good weights, optimizer buffers and position come back.
      this.notice = e instanceof TrainingDivergedError ? tr(this.state.settings.lang, 'diverged', { step: this.state.step + 1, msg: e.message }) : e.message;
      writeWeights(this.model, this.state.weights!);
      if (this.state.layers !== null) writeLayerState(this.model, this.state.layers);
      this.run.retrain(this.state.settings, this.state.optimizer, this.state.step, this.state.position);
      this.pass = null;
      this.phase = 'none';
      this.redraw();
      return;
    }
    const grads = denseLayers(this.model).map((l) => ({ W: l.weight.grad!.to2D(), b: Array.from(l.bias.grad!.data) }));
    this.pageHealth ??= new PlayHealth(this.run);
    this.pageHealth.afterStep(this.run, logs);
    this.health = this.pageHealth.view();
    const after = readWeights(this.model);
    // NOTE: the batch's cost after the step as before it: training mode, the same dropout masks, nothing kept.
    const model = this.model;
    const costAfter = model.preservingState(() => withMasks(model, this.passMasks, () => noGrad(() => modelLoss(model, this.data.loss, pass.x, pass.t).item())));
    const s = this.state;
    s.step = this.run.steps;
    s.position = this.run.trainer.position();
    s.weights = after;
    s.layers = readLayerState(this.model);
    s.optimizer = this.run.optimizer.stateDict();
    s.history.push(lossPoint(this.model, this.data, s.step));
    thin(s.history);
    const st = s.settings;
    const opt = [st.optimizer, st.l2 > 0 && `weight decay λ = ${st.l2}`, st.l1 > 0 && `L1 λ₁ = ${st.l1}`, st.l2Penalty > 0 && `L2 λ₂ = ${st.l2Penalty}`].filter(Boolean).join(', ');
    this.lastUpdate = { before, after, grads, costBefore: pass.cost, costAfter, lr: s.settings.lr, optimizer: opt };
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
   * Asks the library's `explain()` for the ledger of parameter `id` on the recorded pass (on the
   * network as the pass found it, also after an Update: in training mode, the step's masks drawn
   * again from the same generators); redraws when it arrives.
   */
  requestLedger(id: string): void {
    const pass = this.pass;
    const model = this.passModel;
    if (pass === null || model === null || !pass.backwardDone) return;
    const key = `${this.passId}|${id}`;
    if (this.ledger?.key === key) return;
    this.ledger = { key, value: null };
    Promise.all([ledgerFor(model, this.state.settings, this.data, pass.x, pass.t, id), loadExplain()]).then(
      ([ledger, mod]) => {
        this.explain = mod;
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

  /**
   * The ledger of the selected parameter as the library's HTML (`renderHtml` with the compact
   * sections for one parameter, in the page's language), or null while it is computed.
   */
  ledgerHtml(): string | null {
    const ledger = this.ledger?.value ?? null;
    if (ledger === null || this.explain === null) return null;
    const lang = this.state.settings.lang;
    const c = this.ledgerHtmlCache;
    if (c !== null && c.ledger === ledger && c.lang === lang) return c.html;
    // NOTE: with batch norm or dropout, the panel also shows the network's layers (train mode) and each one's backward step: x̂, σ², μ; the mask.
    const mixed = ledger.steps.some((st) => st.kind !== 'dense');
    const html = this.explain.renderHtml(ledger, { lang, sections: mixed ? ['header', 'backward', ...this.explain.PARAM_SECTIONS] : this.explain.PARAM_SECTIONS });
    this.ledgerHtmlCache = { ledger, lang, html };
    return html;
  }

  /** The library's stylesheet for its ledger HTML (`LEDGER_CSS`), once the ledger module is loaded. */
  ledgerCss(): string | null {
    return this.explain?.LEDGER_CSS ?? null;
  }

  /** From a health warning: the ledger of the weight that shows the problem, on the next batch. */
  showLedger(id: string): void {
    this.select(id);
    this.backward(false);
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
    const p = paramAt(id, this.model.sizes);
    if (p === null || !Number.isFinite(value)) return;
    const layer = denseLayers(this.model)[p.layer - 1]!;
    if (p.kind === 'weight') layer.weight.data[p.row! * layer.inputs + p.col!] = value;
    else layer.bias.data[p.row!] = value;
    this.state.weights = readWeights(this.model);
    this.state.selected = id;
    this.pass = null;
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
    const job: ToWorker = { type: 'start', job: { settings: s.settings, csv: s.csv, weights: s.weights!, layers: s.layers, optimizer: this.run.optimizer.stateDict(), step: s.step, position: this.run.trainer.position() } };
    worker.postMessage(job);
    this.phase = 'playing';
    this.pass = null;
    this.lastUpdate = null;
    this.redraw();
  }

  private fromWorker(worker: Worker, m: FromWorker): void {
    if (worker !== this.worker) return;
    if (m.type !== 'progress') {
      // NOTE: after a divergence the page keeps the worker's last report: the last good weights it received.
      const lang = this.state.settings.lang;
      if (m.type === 'diverged') this.notice = tr(lang, 'diverged', { step: m.step, msg: m.message });
      else if (m.type === 'divergence') {
        const d = m.divergence;
        const what = d.kind === 'non-finite' ? tr(lang, 'lossNonFinite', { v: String(d.loss) }) : tr(lang, 'lossGrew', { from: formatNumber(d.from, 4), to: formatNumber(d.to, 4) });
        this.notice = tr(lang, 'divergedGrowth', { step: String(m.step), what, lr: String(this.state.settings.lr) });
      } else this.notice = m.message;
      this.stop();
      return;
    }
    const s = this.state;
    writeWeights(this.model, m.weights);
    if (m.layers !== null) writeLayerState(this.model, m.layers);
    s.weights = m.weights;
    s.layers = m.layers;
    s.optimizer = m.optimizer;
    const now = performance.now();
    if (this.rate !== null && m.step > this.rate.step) {
      const sps = ((m.step - this.rate.step) * 1000) / Math.max(1, now - this.rate.t);
      this.stepsPerSec = this.stepsPerSec === null ? sps : 0.7 * this.stepsPerSec + 0.3 * sps;
    }
    this.rate = { t: now, step: m.step };
    s.step = m.step;
    s.position = m.position;
    this.health = m.health ?? this.health;
    this.pageHealth = null;
    s.history.push(m.point);
    thin(s.history);
    this.version++;
    this.writeUrl(false);
    this.redraw();
    requestAnimationFrame(() => worker.postMessage({ type: 'ack' } satisfies ToWorker));
  }

  /**
   * Pauses training. The worker waits for the page after every chunk, so the page already holds
   * its latest weights and optimizer state: the worker is simply ended, and the page's own run
   * continues from that state (the next Step takes the rows the worker would have taken).
   */
  stop(): void {
    const w = this.worker;
    if (w === null) return;
    this.worker = null;
    w.terminate();
    this.run.retrain(this.state.settings, this.state.optimizer, this.state.step, this.state.position);
    this.phase = 'none';
    this.writeUrl();
    this.redraw();
  }

  /** The model file (the CLI's format, with a CSV's scaler in its preprocessing) of the current network. */
  modelFileText(): string {
    return modelFileText(this.model, this.data);
  }

  /** Loads a model file that fits the data (see {@link readModelFile}); throws a BackpropError otherwise. */
  importModel(text: string): void {
    this.stop();
    const { settings, weights, layers } = readModelFile(text, this.state.settings, this.data);
    Object.assign(this.state, { settings, weights, layers, optimizer: null, step: 0, position: null, history: [] });
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
