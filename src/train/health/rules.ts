import type { EpochLogs } from '../history.js';
import { UNSCALED, type HealthBaseline } from './baseline.js';
import type { LayerHealth } from './measure.js';
import type { HealthCheck, HealthCode, HealthDiagnosis, HealthSymptom } from './types.js';

/** A diagnosis as a rule finds it, before the monitor stamps when it was raised. */
export type Finding = Omit<HealthDiagnosis, 'step' | 'epoch'>;

/** What the rules need besides the checks. */
export interface RuleContext {
  baseline: HealthBaseline;
  /** Steps per epoch. */
  batches: number;
}

/**
 * The thresholds of the rules, named so that the docs and the tests can quote them. Each was set
 * from measured runs: healthy ones (Iris, MNIST, XOR, circle, the playground's presets) stay well
 * inside them, the pathological ones of test/health-pathological.test.ts well outside.
 */
export const HEALTH_THRESHOLDS = {
  /** Share of a hidden layer's units dead (or saturated) on the whole batch that is reported. */
  stuckUnits: 0.5,
  /** Share that makes a layer "dead" as a whole (it then explains vanishing gradients below it). */
  deadLayer: 0.9,
  /** ‖∂E/∂θ‖/‖θ‖ of the first layer below this times the output layer's: vanishing gradients. */
  vanishing: 1e-3,
  /** Global gradient norm grown this many times over the run's first checks: exploding gradients. */
  exploding: 100,
  /** Update-to-weight ratio ‖Δθ‖/‖θ‖ above this in some layer, with the loss not falling: η too high. */
  updateHigh: 0.1,
  /** Update-to-weight ratio above this in some layer while the loss is high: η too high at once. */
  updateJump: 0.3,
  /** … below this in every layer, with the loss not falling: η too low. */
  updateLow: 1e-5,
  /** The loss counts as "at the chance level" within this share of it. */
  chanceBand: 0.1,
  /** A span of steps "stalls" when its mean loss is above this share of the span before. */
  stall: 0.97,
} as const;

/** Steps over which the loss trend is judged: two epochs, at least 50 steps. */
export function trendSpan(ctx: RuleContext): number {
  return Math.max(2 * ctx.batches, 50);
}

/** Mean loss of the checks with from < step ≤ to (null when none). */
function meanLoss(losses: readonly { step: number; loss: number }[], from: number, to: number): number | null {
  let s = 0;
  let n = 0;
  for (const l of losses) {
    if (l.step > from && l.step <= to && Number.isFinite(l.loss)) {
      s += l.loss;
      n++;
    }
  }
  return n > 0 ? s / n : null;
}

/** The loss's trend at the latest check: its recent mean, whether it stalled, sits at the chance level or is high. */
export interface LossTrend {
  recent: number | null;
  stalled: boolean;
  atChance: boolean;
  /** At least half the chance level (a network that learnt is well below). */
  high: boolean;
  /** Clearly falling: the recent mean 10 % or more below the span before. */
  falling: boolean;
  /** Steps the trend is judged over. */
  span: number;
}

export function lossTrend(losses: readonly { step: number; loss: number }[], step: number, ctx: RuleContext): LossTrend {
  const span = trendSpan(ctx);
  const recent = meanLoss(losses, step - span, step);
  const before = step >= 2 * span ? meanLoss(losses, step - 2 * span, step - span) : null;
  const chance = ctx.baseline.chance;
  const stalled = recent !== null && before !== null && recent >= HEALTH_THRESHOLDS.stall * before;
  return {
    recent,
    stalled,
    // NOTE: constant targets (one sample, as the seed notebook's) have a chance level of 0: nothing is high there.
    atChance: stalled && chance > 0 && recent !== null && Math.abs(recent - chance) <= HEALTH_THRESHOLDS.chanceBand * chance,
    high: chance > 0 && recent !== null && recent >= 0.5 * chance,
    falling: recent !== null && before !== null && recent < 0.9 * before,
    span,
  };
}

/** The hidden layer with the largest share of dead (or saturated) units. */
function worst(layers: readonly LayerHealth[], key: 'dead' | 'saturated'): LayerHealth | null {
  let w: LayerHealth | null = null;
  for (const l of layers) if (l[key] > 0 && (w === null || l[key] > w[key])) w = l;
  return w;
}

function unitEvidence(l: LayerHealth, key: 'dead' | 'saturated'): Record<string, number | string> {
  return { layer: l.index + 1, describe: l.describe, count: l.stuckUnits.length, units: l.units, percent: Math.round(100 * l[key]) };
}

/** What the check rules read: the latest check, every check's loss, and the run's first gradient norms. */
export interface RuleInput {
  check: HealthCheck;
  /** Step and loss of the checks so far (those of the last two trend spans suffice). */
  losses: readonly { step: number; loss: number }[];
  /** The smallest global gradient norm of the run's first three checks. */
  startNorm: number;
  /** Checks so far. */
  count: number;
  /** Causes already reported in this run (a stuck loss with one of them is not blamed on the labels). */
  raised?: ReadonlySet<HealthCode>;
  /** The loss's trend when it is known otherwise (a trained model examined once); default from `losses`. */
  trend?: LossTrend;
}

/**
 * The causes that hold at the latest check, judged from the layers' measurements of that check and
 * the loss's trend over the checks so far (`losses`: every check's step and loss). The monitor
 * reports one only when it holds at several checks in a row.
 *
 * @example
 * ```ts
 * checkRules({ check, losses, startNorm: 0.8, count: 12 }, { baseline, batches: 10 }).map((f) => f.code);   // e.g. ['dead-units']
 * ```
 */
export function checkRules(input: RuleInput, ctx: RuleContext): Finding[] {
  const { check: c, losses } = input;
  const out: Finding[] = [];
  const trend = input.trend ?? lossTrend(losses, c.step, ctx);
  const symptom: HealthSymptom = trend.atChance ? 'chance' : trend.high && trend.stalled ? 'stalled' : null;
  const base = { symptom, loss: trend.recent ?? NaN, chance: ctx.baseline.chance, steps: trend.span };
  const add = (code: HealthCode, score: number, layers: number[], evidence: Record<string, number | string>): void => {
    out.push({ code, score, symptom, layers, evidence: { loss: base.loss, chance: base.chance, steps: base.steps, classes: ctx.baseline.classes ?? 0, ...evidence } });
  };
  const withParams = c.layers.filter((l) => l.weightNorm !== null);
  const first = withParams[0] ?? null;
  const dead = worst(c.layers, 'dead');
  const saturated = worst(c.layers, 'saturated');
  const deadLayer = (dead?.dead ?? 0) >= HEALTH_THRESHOLDS.deadLayer || (saturated?.saturated ?? 0) >= HEALTH_THRESHOLDS.deadLayer;
  const updates = withParams.map((l) => l.updateRatio).filter((u): u is number => u !== null);
  const maxUpdate = updates.length > 0 ? Math.max(...updates) : null;

  // Unscaled inputs: large |x| and a high loss, with a first layer that dies or saturates or a loss that does not fall.
  const b = ctx.baseline;
  const firstStuck = first !== null ? Math.max(first.dead, first.saturated) : 0;
  let unscaled = false;
  if (b.inputMaxAbs > UNSCALED && trend.high && (firstStuck >= HEALTH_THRESHOLDS.stuckUnits || trend.stalled)) {
    unscaled = true;
    add('unscaled-inputs', 0.97, first ? [first.index] : [], { column: b.inputColumn, maxAbs: b.inputMaxAbs, percent: Math.round(100 * firstStuck) });
  }

  // Exploding gradients: the global norm grown by orders of magnitude since the first checks.
  const start = input.startNorm;
  let exploding = false;
  if (input.count > 3 && start > 0 && c.gradNorm > HEALTH_THRESHOLDS.exploding * start && !(trend.recent !== null && trend.recent < 0.5 * b.chance && !trend.stalled)) {
    exploding = true;
    add('exploding-gradients', 0.9, [], { from: start, to: c.gradNorm });
  }

  // The learning rate, from the update-to-weight ratio and the loss.
  let lrHigh = false;
  let lrLow = false;
  const grads = withParams.map((l) => l.gradRatio).filter((g): g is number => g !== null);
  const maxGrad = grads.length > 0 ? Math.max(...grads) : 0;
  if (maxUpdate !== null && maxUpdate > HEALTH_THRESHOLDS.updateJump && trend.high && trend.recent !== null && !trend.falling) {
    lrHigh = true;
    add('lr-too-high', 0.9, [], { update: maxUpdate, lr: c.lr });
  } else if (maxUpdate !== null && trend.stalled && trend.high) {
    // NOTE: tiny updates from tiny gradients (a dead layer) are not the learning rate's fault: η is
    // too low when the gradient is healthy and the step it makes is not.
    if (maxUpdate < HEALTH_THRESHOLDS.updateLow && maxGrad > 1e-3 && !deadLayer) {
      lrLow = true;
      add('lr-too-low', 0.9, [], { update: maxUpdate, lr: c.lr });
    } else if (maxUpdate >= 1e-4 && (maxUpdate > HEALTH_THRESHOLDS.updateHigh || (trend.recent ?? 0) > 1.5 * b.chance)) {
      lrHigh = true;
      add('lr-too-high', 0.9, [], { update: maxUpdate, lr: c.lr });
    }
  }

  // Dead and saturated units — a cause while the loss is still high: a trained classifier's tanh
  // units often saturate on every sample (they act as steps), and a few idle ReLUs cost nothing.
  if (trend.high && dead !== null && dead.dead >= HEALTH_THRESHOLDS.stuckUnits) {
    add('dead-units', 0.5 + 0.4 * dead.dead + (trend.atChance && dead.dead >= HEALTH_THRESHOLDS.deadLayer ? 0.05 : 0), [dead.index], unitEvidence(dead, 'dead'));
  }
  if (trend.high && saturated !== null && saturated.saturated >= HEALTH_THRESHOLDS.stuckUnits) {
    add('saturated-units', 0.5 + 0.35 * saturated.saturated + (trend.atChance && saturated.saturated >= HEALTH_THRESHOLDS.deadLayer ? 0.05 : 0), [saturated.index], unitEvidence(saturated, 'saturated'));
  }

  // Vanishing gradients: ‖∂E/∂θ‖/‖θ‖ falling by orders of magnitude from the output toward the input.
  let vanishing = false;
  const last = withParams[withParams.length - 1];
  const firstP = withParams[0];
  // NOTE: below a dead or saturated layer no gradient flows: that layer's diagnosis says so.
  if (!deadLayer && withParams.length >= 2 && last!.gradRatio !== null && firstP!.gradRatio !== null && last!.gradRatio > 0) {
    const rLast = last!.gradRatio;
    if (firstP!.gradRatio < HEALTH_THRESHOLDS.vanishing * rLast) {
      vanishing = true;
      const involved = withParams.filter((l) => l.gradRatio !== null && l.gradRatio < 1e-2 * rLast).map((l) => l.index);
      add('vanishing-gradients', 0.85, involved, {
        first: firstP!.gradRatio, last: rLast, orders: firstP!.gradRatio > 0 ? Math.round(Math.log10(rLast / firstP!.gradRatio)) : Infinity, layer: firstP!.index + 1,
      });
    }
  }

  // Stuck at the chance level with nothing else wrong: the labels do not follow from the inputs.
  const other = [...(input.raised ?? [])].some((code) => code !== 'underfitting' && code !== 'overfitting' && code !== 'labels-unlearnable');
  if (trend.atChance && !unscaled && !exploding && !lrHigh && !lrLow && !vanishing && !deadLayer && !other) {
    add('labels-unlearnable', 0.75, [], {});
  }
  return out;
}

/**
 * The causes judged per epoch from the history (training and validation loss): overfitting —
 * validation loss risen 20 % above its best of W or more epochs ago (and by a twentieth of the
 * chance level) while the training loss kept falling — and underfitting — after 2W epochs, a training loss still above half the chance level
 * that fell less than 2 % over the last W, when no other cause (`raised`) explains it. W is 5
 * epochs, or more when epochs are short: as many as span a trend's steps (see {@link trendSpan}).
 *
 * @example
 * ```ts
 * epochRules(history.epochs, { baseline, batches: 10 }, trainRows).map((f) => f.code);   // e.g. ['overfitting']
 * ```
 */
export function epochRules(epochs: readonly EpochLogs[], ctx: RuleContext, rows: number, raised: ReadonlySet<HealthCode> = new Set()): Finding[] {
  const baseline = ctx.baseline;
  // NOTE: windows of epochs long enough to span a trend's steps (one epoch may be one step).
  const w = Math.max(5, Math.ceil(trendSpan(ctx) / ctx.batches));
  const out: Finding[] = [];
  const e = epochs[epochs.length - 1];
  if (e === undefined) return out;
  // NOTE: an sse epoch loss is a sum over the rows; the chance level is per sample.
  const perRow = baseline.loss === 'sse' ? rows : 1;
  const chance = baseline.chance;
  let best: EpochLogs | null = null;
  for (const x of epochs) if (x.valLoss !== undefined && Number.isFinite(x.valLoss) && (best === null || x.valLoss < best.valLoss!)) best = x;
  // NOTE: a rise that matters: 20 % above the best and by a twentieth of the chance level (0.0074 →
  // 0.0093 on a circle learnt to perfection is noise, 0.36 → 0.44 is not).
  if (best !== null && e.valLoss !== undefined && e.epoch - best.epoch >= w && e.valLoss > 1.2 * best.valLoss! && e.valLoss - best.valLoss! > 0.05 * chance * perRow && e.loss < best.loss) {
    out.push({
      code: 'overfitting', score: 0.6, symptom: null, layers: [],
      evidence: { bestEpoch: best.epoch, bestVal: best.valLoss!, val: e.valLoss, train: e.loss, trainAtBest: best.loss },
    });
  }
  const back = epochs[epochs.length - 1 - w];
  // NOTE: underfitting is what is left when no cause was found: a named cause explains a flat loss better.
  const named = [...raised].some((c) => c !== 'overfitting' && c !== 'underfitting');
  if (!named && epochs.length >= 2 * w && back !== undefined) {
    const loss = e.loss / perRow;
    const before = back.loss / perRow;
    const valHigh = e.valLoss === undefined || e.valLoss / perRow >= 0.5 * chance;
    if (chance > 0 && loss >= 0.5 * chance && loss > (1 - 0.02) * before && valHigh) {
      out.push({ code: 'underfitting', score: 0.4, symptom: null, layers: [], evidence: { loss, chance, epochs: w, ...(e.valLoss !== undefined && { val: e.valLoss / perRow }) } });
    }
  }
  return out;
}
