import { BackpropError } from '../errors.js';
import { ACTIVATION_TABLE, isActivationName } from '../functions/activations/index.js';
import { isLossName, LOSS_TABLE } from '../functions/losses/index.js';
import { makeDataset } from './dataset.js';
import type { Dataset } from './dataset.js';

/** What {@link validateForModel} needs to know about the network. */
export interface ModelShape {
  /** Inputs of the first layer. */
  inputSize: number;
  /** Outputs of the last layer. */
  outputSize: number;
  /** Activation of the last layer, e.g. `'sigmoid'`, `'tanh'`, `'softmax'`, `'linear'`. */
  outputActivation?: string;
  /** Loss name, e.g. `'bce'` (targets in [0, 1]) or `'cross_entropy'` (rows are distributions). */
  loss?: string;
}

/** The closed interval of values an output activation can produce or approach; `undefined` = unbounded. */
export interface OutputRange {
  readonly low?: number;
  readonly high?: number;
}

/**
 * The range of target values an output activation can reach (its closure: a sigmoid approaches 0
 * and 1, so targets 0 and 1 are allowed), from the activation table; unknown names and unbounded
 * activations (linear, leaky_relu) give `{}`. sigmoid and softmax [0, 1] (softmax rows also sum to
 * 1), tanh [−1, 1], relu and softplus [0, ∞), elu [−1, ∞), gelu [−0.17, ∞).
 *
 * @example
 * ```ts
 * outputRange('tanh'); // { low: -1, high: 1 }
 * ```
 */
export function outputRange(activation: string | undefined): OutputRange {
  return isActivationName(activation) ? ACTIVATION_TABLE[activation].range : {};
}

/** Tolerance of the row-sum check for softmax / cross-entropy targets. */
const SUM_TOLERANCE = 1e-6;

/**
 * Every problem that stops `ds` from training the described network, as messages (empty when none).
 * See {@link validateForModel}.
 */
export function dataProblems(ds: Dataset, model: ModelShape): string[] {
  const problems: string[] = [];
  try {
    makeDataset(ds);
  } catch (e) {
    if (e instanceof BackpropError) return [e.message];
    throw e;
  }
  const what = ds.name ? `the data "${ds.name}"` : 'the data';
  if (ds.rows === 0) problems.push(`${what} has no rows`);
  if (ds.inputSize !== model.inputSize) {
    const names = ds.featureNames ? ` (${shortList(ds.featureNames)})` : '';
    problems.push(`${what} has ${ds.inputSize} input columns${names}, but the network's first layer takes ${model.inputSize} inputs`);
  }
  if (ds.outputSize !== model.outputSize) {
    let hint = '';
    if (ds.task === 'classification' && ds.classNames?.length === 2 && model.outputSize === 1) {
      hint = `; for one output use one target column per row (withTargetEncoding(ds, "${model.outputActivation === 'tanh' ? 'sign' : 'binary'}"))`;
    } else if (ds.task === 'classification' && ds.classNames && model.outputSize !== ds.classNames.length) {
      hint = `; ${ds.classNames.length} classes need ${ds.classNames.length} outputs with one-hot targets`;
    }
    problems.push(`${what} has ${ds.outputSize} target columns, but the network's last layer has ${model.outputSize} outputs${hint}`);
  }
  const act = model.outputActivation;
  const range = outputRange(act);
  const rule = isLossName(model.loss) ? LOSS_TABLE[model.loss].targets : 'any';
  if (rule === 'unit-interval') {
    checkRange(ds, { low: Math.max(range.low ?? 0, 0), high: Math.min(range.high ?? 1, 1) }, `the ${model.loss} loss`, problems);
  } else if (range.low !== undefined || range.high !== undefined) {
    checkRange(ds, range, `the ${act} output`, problems);
  }
  const rowwise = isActivationName(act) && ACTIVATION_TABLE[act].form === 'rowwise';
  if (rowwise || rule === 'distribution') {
    checkDistributions(ds, rowwise ? `a ${act} output` : `the ${model.loss} loss`, problems);
  }
  return problems;
}

/**
 * Checks before training that the data fits the network, so a mismatch is reported plainly instead of
 * surfacing as a shape error or a loss that never falls:
 * - the dataset's own consistency (row lengths, every value finite — a message names row and column);
 * - input and target widths against the first and last layers;
 * - targets inside the output activation's range (sigmoid [0, 1], tanh [−1, 1], …; see {@link outputRange})
 *   and, for `bce`, in [0, 1];
 * - for softmax outputs or `cross_entropy`, target rows that are distributions (≥ 0, summing to 1).
 *
 * @throws BackpropError `data` naming the problems found (the first two, and how many more).
 * @example
 * ```ts
 * validateForModel(circle({ rng }), { inputSize: 2, outputSize: 1, outputActivation: 'tanh' });
 * // BackpropError: the data "circle" has 2 target columns, but the network's last layer has 1 outputs;
 * //   for one output use one target column per row (withTargetEncoding(ds, "sign"))
 * ```
 */
export function validateForModel(ds: Dataset, model: ModelShape): void {
  const problems = dataProblems(ds, model);
  if (problems.length > 0) {
    const more = problems.length > 2 ? `; and ${problems.length - 2} more problem${problems.length > 3 ? 's' : ''}` : '';
    throw new BackpropError('data', `${problems.slice(0, 2).join('; also, ')}${more}`);
  }
}

/** Names for a message: all of a few, or the first four and the last of many (a message stays one short line). */
function shortList(names: readonly string[]): string {
  return names.length <= 8 ? names.join(', ') : `${names.slice(0, 4).join(', ')}, …, ${names[names.length - 1]}`;
}

function checkRange(ds: Dataset, range: OutputRange, by: string, problems: string[]): void {
  const { low = -Infinity, high = Infinity } = range;
  const w = ds.outputSize;
  let first = -1;
  let count = 0;
  for (let i = 0; i < ds.y.length; i++) {
    const v = ds.y[i]!;
    if (v < low || v > high) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return;
  const row = Math.floor(first / w);
  const interval = `[${low === -Infinity ? '−∞' : low}, ${high === Infinity ? '∞' : high}]`;
  const hint =
    ds.task === 'classification' && low === -1
      ? 'write the classes as −1/+1 (withTargetEncoding(ds, "sign"))'
      : ds.task === 'classification'
        ? 'write the classes as 0/1 (one-hot or withTargetEncoding(ds, "binary"))'
        : `scale the targets into ${interval} (MinMaxScaler) or use a linear output`;
  problems.push(
    `targets[${row}][${first - row * w}] (row ${row}, column ${first - row * w}) is ${ds.y[first]}, outside ${interval}, the range of ${by}` +
      ` (${count} of ${ds.y.length} target values are outside); ${hint}`,
  );
}

function checkDistributions(ds: Dataset, by: string, problems: string[]): void {
  const w = ds.outputSize;
  let first = -1;
  let firstSum = 0;
  let count = 0;
  for (let i = 0; i < ds.rows; i++) {
    let sum = 0;
    let negative = false;
    for (let j = 0; j < w; j++) {
      const v = ds.y[i * w + j]!;
      sum += v;
      if (v < 0) negative = true;
    }
    if (negative || Math.abs(sum - 1) > SUM_TOLERANCE) {
      if (first < 0) {
        first = i;
        firstSum = sum;
      }
      count++;
    }
  }
  if (first < 0) return;
  problems.push(
    `targets[${first}] sums to ${firstSum}${w === 1 ? ' (a single column)' : ''}, but ${by} needs target rows of numbers ≥ 0 summing to 1` +
      ` (${count} of ${ds.rows} rows differ); use one-hot class targets${w === 1 ? ', or a sigmoid output with bce for one column' : ''}`,
  );
}
