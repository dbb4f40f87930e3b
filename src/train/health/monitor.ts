import { BackpropError } from '../../errors.js';
import type { Dataset } from '../../data/dataset.js';
import type { LossName } from '../../functions/losses/index.js';
import { LOSS_TABLE } from '../../functions/losses/index.js';
import type { Sequential } from '../../nn/sequential.js';
import { formatNumber } from '../../tensor/format.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BatchLogs, Callback, TrainContext } from '../callbacks.js';
import type { TrainingDivergedError } from '../diagnose.js';
import type { StepTrace } from '../engine.js';
import type { EpochLogs } from '../history.js';
import { healthBaseline, UNSCALED, type HealthBaseline } from './baseline.js';
import { confirmStuck, measureLayers, snapshotParameters } from './measure.js';
import { sampleRows } from './sample.js';
import { checkRules, epochRules, HEALTH_THRESHOLDS, trendSpan, type Finding } from './rules.js';
import type { HealthCheck, HealthCode, HealthDiagnosis } from './types.js';

/** Options of {@link HealthMonitor}. */
export interface HealthOptions {
  /** Steps between checks; default about ten per epoch (every step when an epoch has ten or fewer). */
  every?: number;
  /** Checks in a row a cause must hold before it is reported; default 3. */
  patience?: number;
  /**
   * Bins of the histograms of weights, outputs and gradients; default 20, 0 for none. They are
   * taken at each epoch's last check (kept in the history), and at every check when `onCheck` is
   * given (to draw them live).
   */
  bins?: number;
  /** Called once per cause, the moment it has held for `patience` checks (or an epoch rule holds). */
  onDiagnosis?(diagnosis: HealthDiagnosis, monitor: HealthMonitor): void;
  /** Called after every check (to draw it live). */
  onCheck?(check: HealthCheck, monitor: HealthMonitor): void;
}

/** What the monitor reads of a training run before it starts (a {@link Trainer} has all of it). */
export interface HealthRun {
  readonly model: Sequential;
  readonly data: Dataset;
  readonly loss: LossName;
  /** Steps per epoch. */
  readonly batches: number;
}

/** What the monitor reads after each step (a {@link Trainer} has all of it). */
export interface HealthStep {
  readonly model: Sequential;
  /** Steps taken so far. */
  readonly steps: number;
  /** The last step's z, a and δ per layer (views), or null. */
  lastTrace(): StepTrace | null;
}

/**
 * Training-health checks as a callback for {@link fit}: every `every` steps it measures each layer
 * (activation mean and spread, dead and saturated units, gradient and update size next to the
 * weights, histograms — see {@link measureLayers}), judges the causes of trouble from them and
 * from the loss (see `checkRules`), and reports a cause once it has held for `patience` checks in
 * a row — through `onDiagnosis` at that moment, and in {@link HealthMonitor.report}, most likely
 * first, until it has not held for two trend spans (then it moves to `resolved`). Each epoch's last check and the diagnoses so far go into the history entry
 * (`EpochLogs.health`), and with it into checkpoints; a resumed run keeps what was reported.
 * Put it before a checkpoint callback in the list, so that the checkpoint holds the epoch's check.
 *
 * It reads the step the trainer already computed (`Trainer.lastTrace()`, the gradients), so it
 * costs a copy of the weights and a pass over them per check: about 1 % of an MNIST epoch.
 *
 * Also usable without fit: `begin(trainer)`, then `afterStep(trainer, logs)` after every step.
 *
 * @example
 * ```ts
 * const health = new HealthMonitor({ onDiagnosis: (d) => console.log(describeHealth(d, 'en').title) });
 * await fit(model, data, { loss: 'cross_entropy', epochs: 20, callbacks: [health] });
 * health.report()[0]?.code;   // e.g. 'vanishing-gradients'
 * ```
 */
export class HealthMonitor implements Callback {
  readonly patience: number;
  readonly bins: number;
  /** The judgement's reference: chance level and input scale (set by {@link begin}). */
  baseline: HealthBaseline | null = null;
  /** The most recent check. */
  latest: HealthCheck | null = null;
  /** Step and loss of the recent checks (two trend spans' worth). */
  readonly losses: { step: number; loss: number }[] = [];
  private every: number;
  private readonly everyOption: number | undefined;
  private readonly onDiagnosis: HealthOptions['onDiagnosis'];
  private readonly onCheck: HealthOptions['onCheck'];
  private batches = 1;
  private rows = 1;
  private data: Dataset | null = null;
  private sample: Tensor | null = null;
  private perSample = false;
  private count = 0;
  private startNorm = Infinity;
  private lossSum = 0;
  private lossCount = 0;
  private before: FloatArray[][] | null = null;
  private haveBefore = false;
  private readonly streaks = new Map<HealthCode, number>();
  private readonly raised = new Map<HealthCode, HealthDiagnosis>();
  private readonly lastHeld = new Map<HealthCode, number>();
  /** Causes reported earlier in the run that no longer hold (oldest first). */
  readonly resolved: HealthDiagnosis[] = [];

  constructor(options: HealthOptions = {}) {
    const { every, patience = 3, bins = 20 } = options;
    if (every !== undefined && !(Number.isInteger(every) && every >= 1)) throw new BackpropError('value', `HealthMonitor: every must be an integer ≥ 1, got ${every}`);
    if (!(Number.isInteger(patience) && patience >= 1)) throw new BackpropError('value', `HealthMonitor: patience must be an integer ≥ 1, got ${patience}`);
    if (!(Number.isInteger(bins) && bins >= 0)) throw new BackpropError('value', `HealthMonitor: bins must be an integer ≥ 0, got ${bins}`);
    this.everyOption = every;
    this.every = every ?? 1;
    this.patience = patience;
    this.bins = bins;
    this.onDiagnosis = options.onDiagnosis;
    this.onCheck = options.onCheck;
  }

  /** Steps between checks in this run. */
  get interval(): number {
    return this.every;
  }

  /** Sets up for a run: the baseline from its training data, the check interval from its epoch. */
  begin(run: HealthRun): void {
    this.baseline = healthBaseline(run.data, run.loss);
    this.data = run.data;
    this.sample = null;
    this.batches = run.batches;
    this.rows = run.data.rows;
    this.perSample = LOSS_TABLE[run.loss].reduction === 'sum';
    this.every = this.everyOption ?? (run.batches <= 10 ? 1 : Math.round(run.batches / 10));
    this.snapshot(run.model);
  }

  /**
   * After each step: counts the batch loss, and on a check step measures the layers, applies the
   * rules and returns the causes raised now (each once per run).
   */
  afterStep(step: HealthStep, logs: BatchLogs): HealthDiagnosis[] {
    if (this.baseline === null) throw new BackpropError('value', 'HealthMonitor: call begin(trainer) before afterStep');
    this.lossSum += this.perSample ? logs.loss / logs.rows : logs.loss;
    this.lossCount++;
    const s = step.steps;
    const epochEnd = logs.batch === logs.batches;
    let raised: HealthDiagnosis[] = [];
    if (s % this.every === 0 || epochEnd) raised = this.check(step, logs);
    // NOTE: the update ratio needs the weights before a check's step: copy them one step ahead.
    if ((s + 1) % this.every === 0 || logs.batch === logs.batches - 1 || (epochEnd && this.batches === 1)) this.snapshot(step.model);
    else this.haveBefore = false;
    return raised;
  }

  private snapshot(model: Sequential): void {
    this.before = snapshotParameters(model, this.before ?? undefined);
    this.haveBefore = true;
  }

  private check(step: HealthStep, logs: BatchLogs): HealthDiagnosis[] {
    const ctx = { baseline: this.baseline!, batches: this.batches };
    const check: HealthCheck = {
      step: step.steps,
      epoch: logs.epoch,
      loss: this.lossSum / this.lossCount,
      gradNorm: logs.gradNorm,
      lr: logs.lr,
      layers: measureLayers(step.model, step.lastTrace(), { before: this.haveBefore ? this.before : null, bins: logs.batch === logs.batches || this.onCheck ? this.bins : 0 }),
    };
    // NOTE: units stuck on the whole batch are judged again on up to 256 training rows before a rule sees them.
    this.sample ??= sampleRows(this.data!, 256, step.model.dtype);
    confirmStuck(step.model, check.layers, this.sample, HEALTH_THRESHOLDS.stuckUnits);
    this.lossSum = 0;
    this.lossCount = 0;
    this.latest = check;
    this.count++;
    if (this.count <= 3 && Number.isFinite(check.gradNorm)) this.startNorm = Math.min(this.startNorm, check.gradNorm);
    this.losses.push({ step: check.step, loss: check.loss });
    const keepFrom = check.step - 2 * trendSpan(ctx);
    while (this.losses.length > 0 && this.losses[0]!.step <= keepFrom) this.losses.shift();
    const findings = checkRules({ check, losses: this.losses, startNorm: this.startNorm, count: this.count, raised: new Set(this.raised.keys()) }, ctx);
    for (const f of findings) this.lastHeld.set(f.code, check.step);
    // NOTE: a cause that has not held for two trend spans is over (a slow start, a transient): it
    // leaves the report for `resolved`.
    for (const [code, d] of this.raised) {
      if (check.step - (this.lastHeld.get(code) ?? d.step) > 2 * trendSpan(ctx)) {
        this.raised.delete(code);
        this.resolved.push(d);
      }
    }
    const held = new Set(findings.map((f) => f.code));
    for (const code of [...this.streaks.keys()]) if (!held.has(code)) this.streaks.delete(code);
    const now: HealthDiagnosis[] = [];
    for (const f of findings) {
      const n = (this.streaks.get(f.code) ?? 0) + 1;
      this.streaks.set(f.code, n);
      if (n >= this.patience) {
        const d = this.raise(f, check.step, check.epoch);
        if (d !== null) now.push(d);
      }
    }
    this.onCheck?.(check, this);
    return now;
  }

  /** Records a finding as raised (or refreshes its evidence); returns it when it is new. */
  private raise(f: Finding, step: number, epoch: number): HealthDiagnosis | null {
    const known = this.raised.get(f.code);
    const d: HealthDiagnosis = { ...f, step: known?.step ?? step, epoch: known?.epoch ?? epoch };
    // NOTE: a cause seen again keeps its first time and its strongest score, with the latest evidence.
    if (known) d.score = Math.max(known.score, f.score);
    this.raised.set(f.code, d);
    if (known) return null;
    this.onDiagnosis?.(d, this);
    return d;
  }

  /**
   * At an epoch's end: the epoch rules (overfitting, underfitting) on the history so far, and the
   * epoch's check and the diagnoses written into its logs (`logs.health`). Returns new diagnoses.
   */
  endEpoch(logs: EpochLogs, epochs: readonly EpochLogs[]): HealthDiagnosis[] {
    const now: HealthDiagnosis[] = [];
    if (this.baseline !== null) {
      for (const f of epochRules(epochs, { baseline: this.baseline, batches: this.batches }, this.rows, new Set(this.raised.keys()))) {
        this.lastHeld.set(f.code, this.latest?.step ?? 0);
        const d = this.raise(f, this.latest?.step ?? 0, logs.epoch);
        if (d !== null) now.push(d);
      }
    }
    if (this.latest !== null) logs.health = { check: this.latest, diagnoses: this.report() };
    return now;
  }

  /**
   * A divergence (NaN or ∞, see {@link TrainingDivergedError}) as diagnoses: exploding gradients
   * with where it happened, and unscaled inputs first when they are large. Returns them (new ones).
   */
  diverged(error: TrainingDivergedError): HealthDiagnosis[] {
    const d = error.diagnosis;
    const now: HealthDiagnosis[] = [];
    const b = this.baseline;
    if (b !== null && b.inputMaxAbs > UNSCALED) {
      const u = this.raise({ code: 'unscaled-inputs', score: 0.97, symptom: null, layers: [0], evidence: { column: b.inputColumn, maxAbs: b.inputMaxAbs, percent: 0, loss: NaN, chance: b.chance, steps: 0 } }, this.latest?.step ?? 0, d.epoch);
      if (u !== null) now.push(u);
    }
    const finding: Finding = {
      code: 'exploding-gradients', score: 0.95, symptom: null, layers: d.layer === null ? [] : [d.layer],
      // NOTE: a loss that grew by orders of magnitude (still finite) has its own words: from, to, by which epoch.
      evidence: d.what === 'growth'
        ? { diverged: 2, from: formatNumber(d.from ?? NaN), to: formatNumber(d.value), epoch: d.epoch }
        : { diverged: 1, what: d.what, value: formatNumber(d.value), epoch: d.epoch, batch: d.batch, batches: d.batches, layer: d.layer === null ? 0 : d.layer + 1, where: d.where },
    };
    const known = this.raised.get('exploding-gradients');
    if (known) this.raised.delete('exploding-gradients');
    const e = this.raise(finding, this.latest?.step ?? 0, d.epoch);
    if (e !== null) now.push(e);
    return now;
  }

  /** The causes raised that still hold (see {@link resolved} for those that stopped), most likely first (ties: the earlier first). */
  report(): HealthDiagnosis[] {
    return [...this.raised.values()].sort((a, b) => b.score - a.score || a.step - b.step);
  }

  /** Restores what a checkpoint's history reported (a resumed run does not report it again). */
  restore(diagnoses: readonly HealthDiagnosis[]): void {
    for (const d of diagnoses) this.raised.set(d.code, { ...d });
  }

  onTrainBegin(ctx: TrainContext): void {
    this.begin(ctx.trainer);
    const last = ctx.history.last?.health;
    if (last) this.restore(last.diagnoses);
  }

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): void {
    this.afterStep(ctx.trainer, logs);
  }

  onEpochEnd(logs: EpochLogs, ctx: TrainContext): void {
    this.endEpoch(logs, ctx.history.epochs);
  }
}
