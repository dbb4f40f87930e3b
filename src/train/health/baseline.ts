import type { Dataset } from '../../data/dataset.js';
import { LOSS_TABLE, type LossName } from '../../functions/losses/index.js';

/**
 * What a run is judged against: the loss of a network that has learnt nothing from the inputs, and
 * how large the inputs are.
 */
export interface HealthBaseline {
  loss: LossName;
  /**
   * The chance level: the loss of the best constant output — the targets' column means, i.e. the
   * class frequencies (cross-entropy: their entropy, ln k for k balanced classes; bce: the binary
   * entropy; mse: the targets' variance). Per sample for `sse`, whose batch loss is a sum.
   */
  chance: number;
  /** Classes of a classification dataset, else null. */
  classes: number | null;
  /** The input column with the largest |x|, and that |x| (unscaled inputs show here). */
  inputColumn: string;
  inputMaxAbs: number;
}

/** Inputs beyond this |x| count as unscaled (the library's divergence diagnosis uses the same bound). */
export const UNSCALED = 10;

/**
 * The chance level and the input scale of a training set (see {@link HealthBaseline}).
 *
 * @example
 * ```ts
 * healthBaseline(iris(), 'cross_entropy').chance;   // 1.0986 = ln 3 (50 flowers of each species)
 * ```
 */
export function healthBaseline(data: Dataset, loss: LossName): HealthBaseline {
  const { rows, outputSize: k, inputSize: n } = data;
  const mean = new Float64Array(k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) mean[j]! += data.y[i * k + j]!;
  // NOTE: the probabilities must stay inside (0, 1) for the log losses; the squared errors take the mean itself.
  const squared = loss === 'mse' || loss === 'sse';
  for (let j = 0; j < k; j++) mean[j] = squared ? mean[j]! / rows : Math.min(1 - 1e-7, Math.max(1e-7, mean[j]! / rows));
  const y = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) y.set(mean, i * k);
  const spec = LOSS_TABLE[loss];
  let chance = spec.lossAndGrad(y, data.y, new Float64Array(rows * k), rows, k);
  if (spec.reduction === 'sum') chance /= rows;
  let column = 0;
  let maxAbs = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < n; j++) {
      const v = Math.abs(data.x[i * n + j]!);
      if (v > maxAbs) {
        maxAbs = v;
        column = j;
      }
    }
  }
  return {
    loss,
    chance,
    classes: data.task === 'classification' && data.classNames ? data.classNames.length : null,
    inputColumn: data.featureNames?.[column] ?? `x${column + 1}`,
    inputMaxAbs: maxAbs,
  };
}
