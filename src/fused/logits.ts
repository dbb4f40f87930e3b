import type { LossName } from '../nn/losses.js';
import type { Sequential } from '../nn/sequential.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { canFuse, FusedDenseStack } from './stack.js';

/**
 * The logits z (the last layer's pre-activation) of `rows` rows of x through the fused path's
 * forward pass, a block of {@link BLOCK} rows at a time — `model.forwardLogits`' numbers bit for
 * bit (the same kernels, and a row's products do not depend on the other rows) at the training
 * step's speed: `evaluate` on Fashion-MNIST's 60,000 training rows took ~1.5 s through the
 * autograd ops (the input staged into the kernels' memory whole, the bias added by the general
 * broadcasting loop) and takes ~0.2 s here. Null when the model has no fused form
 * ({@link canFuse}): then the caller takes the autograd path.
 *
 * @example
 * ```ts
 * const z = fusedLogits(model, 'cross_entropy', td.x.data, td.ds.rows) ?? model.forwardLogits(td.x).data;
 * ```
 */
export function fusedLogits(model: Sequential, loss: LossName, x: FloatArray, rows: number): FloatArray | null {
  if (!canFuse(model, loss)) return null;
  const stack = stackFor(model, loss);
  const inputs = model.inputSize;
  const outputs = model.outputSize;
  const z = allocate(model.dtype, rows * outputs);
  for (let r = 0; r < rows; r += BLOCK) {
    const n = Math.min(BLOCK, rows - r);
    const block = stack.forwardLogits(x.subarray(r * inputs, (r + n) * inputs), n);
    z.set(block.subarray(0, n * outputs), r * outputs);
  }
  return z;
}

/** Rows per forward pass: the products stay large enough for the threads, the buffers small (~3 MB for MNIST). */
const BLOCK = 1024;

/** One stack per model, kept while the model lives (a fit evaluates every epoch), made again for another loss. */
const stacks = new WeakMap<Sequential, { loss: LossName; stack: FusedDenseStack }>();

function stackFor(model: Sequential, loss: LossName): FusedDenseStack {
  const kept = stacks.get(model);
  if (kept !== undefined && kept.loss === loss) return kept.stack;
  const stack = new FusedDenseStack(model, loss, { maxBatch: BLOCK });
  stacks.set(model, { loss, stack });
  return stack;
}
