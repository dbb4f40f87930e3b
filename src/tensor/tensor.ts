import { BackpropError } from '../errors.js';
import { allocate, dtypeOfArray, type DType, type FloatArray } from './dtype.js';
import { formatTensor } from './format.js';
import { shapeToString, sizeOf, stridesOf, type Shape } from './shape.js';

/** A nested array of numbers, as written in JSON: `1`, `[1, 2]`, `[[1, 2], [3, 4]]`, … */
export type NestedArray = number | NestedArray[];

/**
 * What {@link tensor} accepts: a {@link NestedArray}, readonly arrays included
 * (e.g. `[[1, 2, 3]] as const`).
 */
export type NestedInput = number | readonly NestedInput[];

/**
 * The node of the autograd graph that produced a tensor: the op's name, its inputs (with the names
 * its backward gives their gradients), and the backward function. Defined by the autograd floor;
 * the tensor only holds a reference.
 */
export interface GradFnLike {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly inputNames: readonly string[];
}

/**
 * An n-dimensional array of float64 or float32 numbers in one contiguous row-major typed array,
 * with the bookkeeping reverse-mode autodiff needs.
 *
 * Arithmetic, reductions and activations are functions in `autograd/ops` (also reachable as
 * methods, `a.add(b)`, once the library entry is imported).
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3]]);          // shape [1, 3], float64
 * x.shape;                                 // [1, 3]
 * x.toArray();                             // [[1, 2, 3]]
 * ```
 */
export class Tensor {
  /** The elements, row-major. Shared (not copied) by `reshape` and `detach`. */
  readonly data: FloatArray;
  /** Length of each axis, outermost first. */
  readonly shape: Shape;
  /** `float64` or `float32`, matching `data`. */
  readonly dtype: DType;
  /** Whether backward() should compute a gradient for this tensor. */
  requiresGrad: boolean;
  /** ∂loss/∂this after `loss.backward()`: same shape and dtype; accumulates until zeroed. */
  grad: Tensor | null = null;
  /** The op that produced this tensor while gradients were recorded; null for leaves. */
  gradFn: GradFnLike | null = null;
  /** Keep `.grad` on this non-leaf tensor during backward (for inspection, as PyTorch's retain_grad). */
  retainsGrad = false;
  /** Optional label (parameters are named `0.weight`, …). */
  name: string | undefined;
  /** NOTE: set once backward() has released the graph that produced this tensor. */
  graphReleased = false;

  constructor(data: FloatArray, shape: Shape, options: { requiresGrad?: boolean; name?: string } = {}) {
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new BackpropError('shape', `Tensor: shape ${shapeToString(shape)} needs ${size} elements, got ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze(shape.slice());
    this.dtype = dtypeOfArray(data);
    this.requiresGrad = options.requiresGrad ?? false;
    this.name = options.name;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True when no op produced this tensor (a parameter or an input). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The single element of a one-element tensor, as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new BackpropError('shape', `item(): expected a tensor with one element, got shape ${shapeToString(this.shape)}`);
    }
    return this.data[0]!;
  }

  /** The element at the given indices (one per axis). */
  get(...index: number[]): number {
    if (index.length !== this.ndim) {
      throw new BackpropError('shape', `get(): expected ${this.ndim} indices for shape ${shapeToString(this.shape)}, got ${index.length}`);
    }
    const strides = stridesOf(this.shape);
    let flat = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i]!;
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]!) {
        throw new BackpropError('shape', `get(): index ${k} is out of range for axis ${i} of length ${this.shape[i]}`);
      }
      flat += k * strides[i]!;
    }
    return this.data[flat]!;
  }

  /** The elements as nested JavaScript arrays (a number for a scalar). */
  toArray(): NestedArray {
    const data = this.data;
    const shape = this.shape;
    if (shape.length === 0) return data[0]!;
    const build = (axis: number, offset: number, stride: number): NestedArray => {
      const n = shape[axis]!;
      const inner = stride / n;
      const out: NestedArray[] = new Array(n);
      if (axis === shape.length - 1) for (let i = 0; i < n; i++) out[i] = data[offset + i]!;
      else for (let i = 0; i < n; i++) out[i] = build(axis + 1, offset + i * inner, inner);
      return out;
    };
    return build(0, 0, data.length);
  }

  /** A 2-D tensor as `number[][]` (rows); throws for other ranks. */
  to2D(): number[][] {
    if (this.ndim !== 2) throw new BackpropError('shape', `to2D(): expected a 2-D tensor, got shape ${shapeToString(this.shape)}`);
    return this.toArray() as number[][];
  }

  /** A 1-D tensor as `number[]`; throws for other ranks. */
  to1D(): number[] {
    if (this.ndim !== 1) throw new BackpropError('shape', `to1D(): expected a 1-D tensor, got shape ${shapeToString(this.shape)}`);
    return Array.from(this.data);
  }

  /** A copy with its own buffer, outside any graph. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /**
   * Copies the elements into `storage` (same dtype and length) and keeps them there from now on —
   * how the fused engine moves a model's parameters into the WebAssembly kernels' memory, so that
   * products and optimizers use them in place (PyTorch's `module.to(device)` also swaps a
   * parameter's storage). An array taken from `data` before (or a view from `detach`/`reshape`)
   * keeps the old copy: read `tensor.data` again after the move.
   *
   * @example
   * ```ts
   * const w = layer.weight;
   * w.moveData(new Float32Array(w.size));   // same values, new storage
   * ```
   */
  moveData(storage: FloatArray): void {
    if (storage === this.data) return;
    if (storage.length !== this.data.length || dtypeOfArray(storage) !== this.dtype) {
      throw new BackpropError('shape', `moveData: expected a ${this.dtype} array of ${this.data.length} elements, got ${dtypeOfArray(storage)} × ${storage.length}`);
    }
    storage.set(this.data);
    (this as { data: FloatArray }).data = storage;
  }

  /** The same data, outside any graph (no copy). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy converted to `dtype` (float64 → float32 rounds to nearest). */
  astype(dtype: DType): Tensor {
    const out = allocate(dtype, this.size);
    out.set(this.data);
    return new Tensor(out, this.shape);
  }

  /** Sets `.grad` to null. */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * Numpy-style text: `tensor([[0.1, 0.3], [0.2, 0.4]], dtype=float64)`, at most 8 significant
   * digits, columns aligned.
   */
  toString(): string {
    return formatTensor(this);
  }
}
