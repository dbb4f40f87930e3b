import type { Tensor } from '../tensor/tensor.js';

/**
 * A part of a network that owns parameters. Parameters have stable dotted names (`0.weight`,
 * `0.bias`, `1.weight`, …) which become the keys of saved files.
 *
 * @example
 * ```ts
 * seedNetwork().namedParameters().map(([name]) => name);   // ['0.weight', '0.bias', '1.weight', '1.bias']
 * ```
 */
export abstract class Module {
  /** The output for a batch of inputs (rows are samples). */
  abstract forward(x: Tensor): Tensor;

  /** `[name, tensor]` for every parameter, in a stable order. */
  abstract namedParameters(prefix?: string): [string, Tensor][];

  /** Every parameter, in the order of {@link namedParameters}. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Total number of scalar parameters. */
  parameterCount(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.size;
    return n;
  }
}
