import { BackpropError } from '../errors.js';
import { dropout } from '../autograd/ops/norm.js';
import { allocate } from '../tensor/dtype.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { checkFeatures } from './batch-norm.js';
import { Layer, type LayerValues } from './layer.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** The probability of dropping each unit, in [0, 1]; default 0.5 (PyTorch's). */
  p?: number;
  /** The generator of the masks; default `new Rng(0)` (the same masks every run). */
  rng?: Rng;
}

/**
 * Inverted dropout (PyTorch's `nn.Dropout(p)`): in training mode each unit of each sample is
 * dropped (set to 0) with probability p and the kept ones are scaled by 1/(1 − p), so a unit's
 * expected output is unchanged; in eval mode the layer is the identity. The masks come from the
 * layer's own {@link Rng} (a checkpoint saves its state), or from {@link Dropout.setMask} — to
 * replay given masks, as the tests against PyTorch do.
 *
 * The gradient is the output's times the same mask: a dropped unit passes nothing back, so the
 * weights that fed it learn nothing from that sample in that step.
 *
 * Shape: x [N, F] → y [N, F].
 *
 * @example
 * ```ts
 * const drop = new Dropout(4, { p: 0.5, rng: new Rng(1) });
 * drop.forward(tensor([[1, 1, 1, 1]])).toArray();   // e.g. [[2, 0, 2, 2]]: kept units doubled
 * drop.lastMask;                                      // Uint8Array [1, 0, 1, 1]
 * drop.eval().forward(x) === x;                       // true: the identity
 * ```
 */
export class Dropout extends Layer {
  readonly kind = 'dropout';
  readonly features: number;
  readonly p: number;
  readonly rng: Rng;
  /** The 0/1 mask (1 = kept) of the latest training forward, N × F; null before one. */
  lastMask: Uint8Array | null = null;
  private fixed: Uint8Array | null = null;

  constructor(features: number, options: DropoutOptions = {}) {
    super();
    checkFeatures(features, 'Dropout');
    const p = options.p ?? 0.5;
    if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new BackpropError('value', `Dropout: p must be a probability in [0, 1], got ${p}`);
    this.features = features;
    this.p = p;
    this.rng = options.rng ?? new Rng(0);
  }

  get inputSize(): number {
    return this.features;
  }

  get outputSize(): number {
    return this.features;
  }

  get dtype(): null {
    return null;
  }

  /** Dropout passes its input's meaning through: the loss sees what the layer before ends with. */
  get endsWith(): null {
    return null;
  }

  /** The factor a kept unit is multiplied by: 1/(1 − p) (0 when p = 1: everything is dropped). */
  get scale(): number {
    return this.p === 1 ? 0 : 1 / (1 - this.p);
  }

  /**
   * Replays a given mask (0 = drop, 1 = keep; N × F numbers, rows first) in every training forward
   * until cleared with `null`, instead of drawing one — so a run can be compared with another
   * library's, whose random streams differ.
   */
  setMask(mask: ArrayLike<number> | null): void {
    if (mask === null) {
      this.fixed = null;
      return;
    }
    if (mask.length % this.features !== 0) throw new BackpropError('shape', `Dropout.setMask: expected rows of ${this.features} numbers, got ${mask.length} numbers`);
    const fixed = new Uint8Array(mask.length);
    for (let k = 0; k < mask.length; k++) {
      const v = mask[k]!;
      if (v !== 0 && v !== 1) throw new BackpropError('value', `Dropout.setMask: expected 0 (drop) or 1 (keep), got ${v} at ${k}`);
      fixed[k] = v;
    }
    this.fixed = fixed;
  }

  /** Training mode: x ⊙ mask/(1 − p) with a fresh mask; eval mode (or p = 0): x itself. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.features) {
      throw new BackpropError('shape', `Dropout: expected input of shape [N, ${this.features}], got [${x.shape.join(', ')}]`);
    }
    if (!this.training || this.p === 0) return x;
    const size = x.size;
    const keep = this.nextMask(x.shape[0]!, new Uint8Array(size));
    const scale = this.scale;
    const mask = allocate(x.dtype, size);
    for (let k = 0; k < size; k++) mask[k] = keep[k]! * scale;
    return dropout(x, new Tensor(mask, x.shape));
  }

  /**
   * The mask of the next training forward of `rows` samples (1 = keep), into `out`: the one given
   * with {@link setMask}, or drawn now — one 32-bit draw per unit, kept with probability 1 − p
   * (PyTorch's bernoulli(1 − p)). Becomes {@link lastMask}. (The fused layer engine calls it too.)
   */
  nextMask(rows: number, out: Uint8Array): Uint8Array {
    const size = rows * this.features;
    const fixed = this.fixed;
    if (fixed !== null) {
      if (fixed.length !== size) throw new BackpropError('shape', `Dropout: the mask given with setMask has ${fixed.length / this.features} rows, the batch ${rows}`);
      this.lastMask = fixed;
      return fixed;
    }
    const threshold = (1 - this.p) * 4294967296;
    for (let k = 0; k < size; k++) out[k] = this.rng.nextUint32() < threshold ? 1 : 0;
    this.lastMask = out;
    return out;
  }

  override trace(x: Tensor): LayerValues {
    return { values: {}, output: this.forward(x) };
  }

  protected override ownGenerators(): [string, Rng][] {
    return [['rng', this.rng]];
  }

  override whyNotFused(): string | null {
    return 'dropout has no fused kernels yet (it trains on the autograd engine)';
  }

  override describe(): string {
    return `dropout ${this.features}, p = ${this.p}`;
  }

  clone(): Dropout {
    const rng = new Rng(0);
    rng.setState(this.rng.getState());
    const copy = new Dropout(this.features, { p: this.p, rng });
    copy.fixed = this.fixed;
    copy.training = this.training;
    return copy;
  }
}
