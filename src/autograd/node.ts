import type { GradFnLike, Tensor } from '../tensor/tensor.js';

/**
 * The gradient of one op with respect to each of its inputs, given the gradient of its output:
 * an array parallel to the op's inputs (`null` where an input needs no gradient).
 */
export type BackwardFn = (gradOutput: Tensor) => (Tensor | null)[];

let live = 0;
let gradEnabled = true;

/**
 * One recorded op in the autograd graph. The forward that creates it saves exactly what the
 * backward needs (in the closure); `inputNames` label each input's gradient (`a`, `b`, `x`, …),
 * which the ledger reuses.
 */
export class GradNode implements GradFnLike {
  readonly op: string;
  inputs: readonly Tensor[];
  readonly inputNames: readonly string[];
  backward: BackwardFn | null;

  constructor(op: string, inputs: readonly Tensor[], inputNames: readonly string[], backward: BackwardFn) {
    this.op = op;
    this.inputs = inputs;
    this.inputNames = inputNames;
    this.backward = backward;
    live++;
  }

  /** Drops the inputs and the saved values so the graph can be collected. */
  release(): void {
    if (this.backward === null) return;
    this.backward = null;
    this.inputs = [];
    live--;
  }
}

/**
 * Number of graph nodes recorded but not yet released by a backward pass. After every training
 * step (forward, backward, update) it returns to where it was; a leak shows up here.
 *
 * @example
 * ```ts
 * const before = liveNodeCount();
 * sse(model.forward(x), t).backward();
 * liveNodeCount() === before;   // true: backward released the graph
 * ```
 */
export function liveNodeCount(): number {
  return live;
}

/**
 * Whether ops currently record the graph (false inside {@link noGrad}).
 *
 * @example
 * ```ts
 * isGradEnabled();                    // true
 * noGrad(() => isGradEnabled());      // false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording the graph: results do not require grad, nothing is kept for backward.
 * Use it for evaluation, prediction and parameter updates.
 *
 * @example
 * ```ts
 * const y = noGrad(() => model.forward(x));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}
