import { BackpropError } from '../errors.js';
import type { LossName } from '../nn/losses.js';
import type { Sequential } from '../nn/sequential.js';
import { residentLike } from '../kernels/buffer-pool.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { canFuse, FusedDenseStack, type FusedOptions } from './stack.js';

/**
 * What a training loop needs from a gradient computation: the loss of a batch, with every
 * parameter's `.grad` filled (overwritten) for the optimizer's next `step()`. The fit loop's
 * `GradientEngine` has this shape.
 */
export interface TensorGradientEngine {
  lossAndGrad(x: Tensor, t: Tensor): number;
  /** The last layer's pre-activations z [B, out] of the latest batch. */
  readonly lastLogits?: Tensor | null;
  /** Each layer's z, a and δ of the latest batch. */
  lastTrace?(): readonly { index: number; z: Tensor; a: Tensor; delta: Tensor | null }[] | null;
  /** The network's outputs y = f(z) [B, out] of the latest batch, when the engine has them. */
  lastOutputs?(): FloatArray | null;
  /** Tensors over batch buffers the engine reads in place, to fill instead of allocating. */
  batchBuffers?(rows: number): { x: Tensor; t: Tensor };
}

/**
 * {@link FusedDenseStack} behind the tensor interface of a training loop: checks that x is
 * [N, inputs] and t is [N, outputs] of the model's dtype, then runs the fused step on their data.
 *
 * @example
 * ```ts
 * const engine = new FusedGradientEngine(model, 'cross_entropy', { maxBatch: 64 });
 * const E = engine.lossAndGrad(xb, tb);   // same numbers as modelLoss(...).backward()
 * optimizer.step();
 * ```
 */
export class FusedGradientEngine implements TensorGradientEngine {
  readonly stack: FusedDenseStack;
  /**
   * The last layer's net input z [B, out] of the latest batch (a view of an internal buffer,
   * valid until the next call), so a training loop can count correct predictions for free.
   */
  lastLogits: Tensor | null = null;

  private batch: { x: Tensor; t: Tensor } | null = null;

  constructor(model: Sequential, loss: LossName, options: FusedOptions = {}) {
    this.stack = new FusedDenseStack(model, loss, options);
  }

  /**
   * Tensors x [rows, inputs] and t [rows, outputs] over buffers the stack reads in place (in the
   * kernels' memory, beside `FusedDenseStack.inputBuffer`): fill them and pass them to
   * {@link lossAndGrad} to save copying the batch. Made once per distinct `rows`; beyond the
   * stack's `maxBatch`, fresh arrays.
   */
  batchBuffers(rows: number): { x: Tensor; t: Tensor } {
    const s = this.stack;
    if (rows > s.maxBatch) return { x: new Tensor(allocate(s.dtype, rows * s.inputs), [rows, s.inputs]), t: new Tensor(allocate(s.dtype, rows * s.outputs), [rows, s.outputs]) };
    const input = s.inputBuffer();
    const cached = this.batch;
    if (cached !== null && cached.x.shape[0] === rows && cached.x.data.buffer === input.buffer && cached.x.data.byteOffset === input.byteOffset) return cached;
    const n = rows * s.inputs;
    const x = new Tensor(input.length === n ? input : input.subarray(0, n), [rows, s.inputs]);
    this.batch = { x, t: new Tensor(residentLike(allocate(s.dtype, rows * s.outputs), input), [rows, s.outputs]) };
    return this.batch;
  }

  /** The outputs y = f(z) of the latest batch (see `FusedDenseStack.lastOutputs`). */
  lastOutputs(): FloatArray | null {
    return this.lastLogits === null ? null : this.stack.lastOutputs(this.lastLogits.shape[0]!);
  }

  lossAndGrad(x: Tensor, t: Tensor): number {
    const s = this.stack;
    const rows = x.shape[0];
    if (x.ndim !== 2 || x.shape[1] !== s.inputs) {
      throw new BackpropError('shape', `fused lossAndGrad: expected x of shape [N, ${s.inputs}], got ${shapeToString(x.shape)}`);
    }
    if (t.ndim !== 2 || t.shape[0] !== rows || t.shape[1] !== s.outputs) {
      throw new BackpropError('shape', `fused lossAndGrad: expected t of shape [${rows}, ${s.outputs}] to match x ${shapeToString(x.shape)}, got ${shapeToString(t.shape)}`);
    }
    if (x.dtype !== s.dtype || t.dtype !== s.dtype) {
      throw new BackpropError('dtype', `fused lossAndGrad: the model is ${s.dtype} but x is ${x.dtype} and t is ${t.dtype}`);
    }
    const E = s.lossAndGrad(x.data, t.data, rows!);
    this.lastLogits = s.logits(rows!);
    this.lastRows = rows!;
    return E;
  }

  /** Each layer's z, a and δ of the latest batch (views of the stack's buffers). */
  lastTrace(): { index: number; z: Tensor; a: Tensor; delta: Tensor }[] | null {
    return this.lastRows === 0 ? null : this.stack.trace(this.lastRows);
  }

  private lastRows = 0;
}

/**
 * The fused engine for `model` and `loss` when {@link canFuse} allows it, else `null` (the
 * caller then uses the autograd graph).
 *
 * @example
 * ```ts
 * const engine = fusedEngine(model, loss) ?? autogradEngine(model, loss);
 * ```
 */
export function fusedEngine(model: Sequential, loss: LossName, options: FusedOptions = {}): FusedGradientEngine | null {
  return canFuse(model, loss) ? new FusedGradientEngine(model, loss, options) : null;
}
