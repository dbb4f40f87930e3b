import { noGrad } from '../autograd/node.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Sequential } from './sequential.js';

/** One layer's part of a {@link forwardTrace}: what came in, what it computed on the way, what went out. */
export interface LayerTrace {
  /** Position in the Sequential (0-based). */
  readonly index: number;
  /** The layer's kind (`dense`, …) and a short description (`dense 3→2, sigmoid`). */
  readonly kind: string;
  readonly describe: string;
  readonly input: Tensor;
  /** Named intermediate values (a dense layer's net input `z`). */
  readonly values: Readonly<Record<string, Tensor>>;
  readonly output: Tensor;
}

/**
 * The forward pass layer by layer, with every intermediate value kept — for the ledger's
 * neighbours (diagnostics, exercises, notebooks) that need to look inside without recording a
 * graph. Runs in the model's current mode (`train()` / `eval()`).
 *
 * Shape: x [N, inputs]; each layer's tensors have N rows.
 *
 * @example
 * ```ts
 * const trace = forwardTrace(seedNetwork(), tensor([[1, 2, 3]]));
 * trace[0].values.z.toArray();   // [[2.7, 3.3]]: the hidden net inputs g = W1·x + b1
 * trace[1].output.toArray();     // [[0.86103399, 0.75879129]]: the outputs y
 * ```
 */
export function forwardTrace(model: Sequential, x: Tensor): LayerTrace[] {
  return noGrad(() => {
    const out: LayerTrace[] = [];
    let h = x;
    model.layers.forEach((layer, index) => {
      const { values, output } = layer.trace(h);
      out.push({ index, kind: layer.kind, describe: layer.describe(), input: h, values, output });
      h = output;
    });
    return out;
  });
}
