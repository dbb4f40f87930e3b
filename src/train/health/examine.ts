import { BackpropError } from '../../errors.js';
import type { Dataset } from '../../data/dataset.js';
import type { LossName } from '../../functions/losses/index.js';
import type { Sequential } from '../../nn/sequential.js';
import { recordForward } from '../../nn/trace.js';
import { gradNorm } from '../clip.js';
import { healthBaseline, type HealthBaseline } from './baseline.js';
import { measureLayers } from './measure.js';
import { checkRules, HEALTH_THRESHOLDS } from './rules.js';
import { sampleBoth } from './sample.js';
import type { HealthCheck, HealthDiagnosis } from './types.js';

/** Options of {@link examineModel}. */
export interface ExamineOptions {
  loss: LossName;
  /** Rows examined, evenly spaced through the data (default 512; all when there are fewer). */
  rows?: number;
  /** Histogram bins (default 20). */
  bins?: number;
}

/** What {@link examineModel} finds: the baseline, one check of every layer, and the diagnoses. */
export interface ModelHealth {
  baseline: HealthBaseline;
  /** The loss on the rows examined (per sample for sse), and each layer's measurements. */
  check: HealthCheck;
  /** Rows examined. */
  rows: number;
  diagnoses: HealthDiagnosis[];
}

/**
 * Examines a model on data without training it: one forward and backward pass over (up to
 * `rows` of) the data, each layer measured as during training (without the update ratio, which
 * needs an optimizer step), and the causes judged as a training run's checks judge them, with the
 * model's loss compared to the chance level directly (a trained model no longer moves). What
 * `backprop health MODEL.json --data …` prints.
 *
 * Shape: data.x [N, inputs], data.y [N, outputs], scaled as the model expects (its preprocessing applied).
 *
 * @example
 * ```ts
 * const { diagnoses } = examineModel(model, data, { loss: 'cross_entropy' });
 * diagnoses[0]?.code;   // e.g. 'unscaled-inputs' for a model trained on raw values in the thousands
 * ```
 */
export function examineModel(model: Sequential, data: Dataset, options: ExamineOptions): ModelHealth {
  if (data.rows === 0) throw new BackpropError('data', 'health: the data has no rows');
  if (data.inputSize !== model.inputSize || data.outputSize !== model.outputSize) {
    throw new BackpropError('shape', `health: the model takes ${model.inputSize} inputs and gives ${model.outputSize} outputs, the data has ${data.inputSize} and ${data.outputSize}`);
  }
  const { x, t, rows: want } = sampleBoth(data, options.rows ?? 512, model.dtype);
  const baseline = healthBaseline(data, options.loss);
  const training = model.training;
  model.eval();
  try {
    const pass = recordForward(model, options.loss, x, t);
    pass.backward();
    const trace = pass.layers.map((l) => ({ index: l.index, z: l.z, a: l.a, delta: l.z.grad }));
    const loss = baseline.loss === 'sse' ? pass.cost / want : pass.cost;
    const check: HealthCheck = { step: 0, epoch: 0, loss, gradNorm: gradNorm(model.parameters()), lr: NaN, layers: measureLayers(model, trace, { bins: options.bins ?? 20 }) };
    const chance = baseline.chance;
    const atChance = Math.abs(loss - chance) <= HEALTH_THRESHOLDS.chanceBand * chance;
    const trend = { recent: loss, stalled: true, atChance: chance > 0 && atChance, high: chance > 0 && loss >= 0.5 * chance, falling: false, span: 0 };
    const findings = checkRules({ check, losses: [], startNorm: NaN, count: 1, trend }, { baseline, batches: 1 });
    // NOTE: one look has no trend: the symptom is the chance level or nothing.
    const diagnoses = findings.map((f) => ({ ...f, symptom: atChance ? ('chance' as const) : null, step: 0, epoch: 0 })).sort((a, b) => b.score - a.score);
    return { baseline, check, rows: want, diagnoses };
  } finally {
    model.zeroGrad();
    model.train(training);
  }
}
