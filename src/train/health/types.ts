import type { LayerHealth } from './measure.js';

/**
 * The causes the health checks can name, each with its words in the locale files
 * (src/train/health/locales): why a network does not learn, or learns the wrong thing.
 */
export type HealthCode =
  | 'exploding-gradients'
  | 'unscaled-inputs'
  | 'lr-too-high'
  | 'lr-too-low'
  | 'dead-units'
  | 'saturated-units'
  | 'vanishing-gradients'
  | 'labels-unlearnable'
  | 'overfitting'
  | 'underfitting';

/** Every code, in the order the documentation lists them. */
export const HEALTH_CODES: readonly HealthCode[] = [
  'exploding-gradients', 'unscaled-inputs', 'lr-too-high', 'lr-too-low', 'dead-units', 'saturated-units',
  'vanishing-gradients', 'labels-unlearnable', 'overfitting', 'underfitting',
];

/** One check of a run's health: the step it was taken after, and every layer's measurements. */
export interface HealthCheck {
  /** Steps taken (over all epochs) when the check ran. */
  step: number;
  epoch: number;
  /**
   * Mean of the batch losses since the previous check (each divided by its rows for `sse`, whose
   * batch loss is a sum), comparable with the baseline's chance level.
   */
  loss: number;
  /** Global gradient norm of the last step (before clipping). */
  gradNorm: number;
  lr: number;
  layers: LayerHealth[];
}

/** What the loss itself shows alongside a cause: stuck at the chance level, or not falling. */
export type HealthSymptom = 'chance' | 'stalled' | null;

/**
 * A named cause with its evidence. `score` (0 … 1) orders a list by how likely each is the cause
 * of what the run shows; `evidence` holds the numbers and names the words quote (language-neutral).
 */
export interface HealthDiagnosis {
  code: HealthCode;
  score: number;
  symptom: HealthSymptom;
  /** The layers involved (positions in the Sequential), e.g. the vanishing or the dead layer. */
  layers: number[];
  /** When it was raised: steps taken, epoch. */
  step: number;
  epoch: number;
  evidence: Record<string, number | string>;
}

/** What an epoch's history entry keeps of the health checks (see `EpochLogs.health`). */
export interface EpochHealth {
  /** The epoch's last check, with its histograms. */
  check: HealthCheck;
  /** The diagnoses raised so far in the run, most likely first. */
  diagnoses: HealthDiagnosis[];
}
