import type { TargetEncoding } from '../data/dataset.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { EpochLogs } from './history.js';
import { predictedClass } from './metrics.js';

/**
 * The training figures of an epoch from the batches as they were trained (as Keras reports
 * them): the row-weighted mean of the batch losses, and for classification the confusion counts
 * of each batch's predictions (accuracy, macro precision and recall), for regression the squared
 * errors and target sums of each batch (MSE, R² per output averaged) — each batch measured with
 * the weights before its own step. No extra pass over the data; `fit` measures all rows with the
 * final weights instead when asked (`trainMetrics: true`).
 *
 * @example
 * ```ts
 * const running = new BatchMetrics({ classes: 3, encoding: 'onehot' }, 3);
 * running.addLoss(0.7, 16);
 * running.addClassified(y, 16, labels, idx);   // y: the batch's outputs [16, 3]
 * running.logs();                              // { loss, accuracy, precision, recall }
 * ```
 */
export class BatchMetrics {
  private lossSum = 0;
  private rows = 0;
  private readonly confusion: Int32Array | null;
  private readonly classes: number;
  private readonly encoding: TargetEncoding | null;
  /** Per output column: Σ(y − t)², Σt, Σt² (regression). */
  private readonly sums: Float64Array | null;
  private counted = 0;

  constructor(task: { classes: number; encoding: TargetEncoding } | { outputs: number }, readonly outputs: number) {
    if ('classes' in task) {
      this.classes = task.classes;
      this.encoding = task.encoding;
      this.confusion = new Int32Array(task.classes * task.classes);
      this.sums = null;
    } else {
      this.classes = 0;
      this.encoding = null;
      this.confusion = null;
      this.sums = new Float64Array(3 * task.outputs);
    }
  }

  /** Starts a new epoch. */
  reset(): void {
    this.lossSum = 0;
    this.rows = 0;
    this.counted = 0;
    this.confusion?.fill(0);
    this.sums?.fill(0);
  }

  /** A batch of `rows` rows with loss `value`. */
  addLoss(value: number, rows: number): void {
    this.lossSum += value * rows;
    this.rows += rows;
  }

  /** Rows whose loss was added this epoch. */
  get rowsSeen(): number {
    return this.rows;
  }

  /** The row-weighted mean batch loss so far. */
  get meanLoss(): number {
    return this.lossSum / this.rows;
  }

  /** Running accuracy so far (classification with predictions added), else undefined. */
  get accuracy(): number | undefined {
    if (this.confusion === null || this.counted === 0) return undefined;
    let correct = 0;
    for (let k = 0; k < this.classes; k++) correct += this.confusion[k * this.classes + k]!;
    return correct / this.counted;
  }

  /**
   * A classification batch: outputs y [rows, outputs], the true label of row k being
   * `labels[idx[k]]`. The predicted class is the largest output (one-hot targets, the first of
   * equal ones), or y ≥ ½ (`binary`) / y ≥ 0 (`sign`) on the first output, as `predictLabels`.
   */
  addClassified(y: FloatArray, rows: number, labels: Int32Array, idx: Int32Array): void {
    const confusion = this.confusion!;
    for (let k = 0; k < rows; k++) confusion[labels[idx[k]!]! * this.classes + predictedClass(y, k, this.outputs, this.encoding!)]!++;
    this.counted += rows;
  }

  /** A regression batch: outputs y and targets t, both [rows, outputs]. */
  addRegression(y: FloatArray, t: FloatArray, rows: number): void {
    const s = this.sums!;
    const cols = this.outputs;
    for (let k = 0; k < rows; k++) {
      for (let j = 0; j < cols; j++) {
        const ti = t[k * cols + j]!;
        const d = y[k * cols + j]! - ti;
        s[3 * j] = s[3 * j]! + d * d;
        s[3 * j + 1] = s[3 * j + 1]! + ti;
        s[3 * j + 2] = s[3 * j + 2]! + ti * ti;
      }
    }
    this.counted += rows;
  }

  /** The epoch's figures: loss, and accuracy/precision/recall or mse/r2 when batches were added. */
  logs(): Pick<EpochLogs, 'loss' | 'accuracy' | 'precision' | 'recall' | 'mse' | 'r2'> {
    const out: Pick<EpochLogs, 'loss' | 'accuracy' | 'precision' | 'recall' | 'mse' | 'r2'> = { loss: this.meanLoss };
    if (this.counted === 0) return out;
    if (this.confusion !== null) {
      const k = this.classes;
      const c = this.confusion;
      let precision = 0;
      let recall = 0;
      for (let j = 0; j < k; j++) {
        let predicted = 0;
        let support = 0;
        for (let i = 0; i < k; i++) {
          predicted += c[i * k + j]!;
          support += c[j * k + i]!;
        }
        precision += predicted === 0 ? 0 : c[j * k + j]! / predicted;
        recall += support === 0 ? 0 : c[j * k + j]! / support;
      }
      out.accuracy = this.accuracy!;
      out.precision = precision / k;
      out.recall = recall / k;
    } else {
      const s = this.sums!;
      const n = this.counted;
      let sq = 0;
      let r2 = 0;
      for (let j = 0; j < this.outputs; j++) {
        const res = s[3 * j]!;
        const tot = s[3 * j + 2]! - (s[3 * j + 1]! * s[3 * j + 1]!) / n;
        sq += res;
        r2 += tot <= 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
      }
      out.mse = sq / (n * this.outputs);
      out.r2 = r2 / this.outputs;
    }
    return out;
  }
}
