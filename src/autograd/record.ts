import type { Tensor } from '../tensor/tensor.js';
import { GradNode, isGradEnabled, type BackwardFn } from './node.js';

/**
 * Attaches an op to the graph: when gradients are being recorded and any input requires grad, the
 * output requires grad and remembers how to send its gradient back to the inputs.
 * Every op in `ops/` ends with `return record(out, 'name', [inputs], ['names'], backward)`.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], inputNames: readonly string[], backward: BackwardFn): Tensor {
  if (!isGradEnabled()) return out;
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) needed = true;
  if (!needed) return out;
  out.requiresGrad = true;
  out.gradFn = new GradNode(op, inputs, inputNames, backward);
  return out;
}
