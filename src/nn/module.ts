import { BackpropError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../tensor/shape.js';

/**
 * A part of a network, as PyTorch's `nn.Module`: it owns parameters (trained) and buffers
 * (state that is saved but not trained, such as batch norm's running mean), holds child modules,
 * and has a training flag (`train()` / `eval()`) that layers such as dropout read in `forward`.
 *
 * Names are PyTorch's state-dict names: a module's own tensors by their names (`weight`,
 * `running_mean`), a child's prefixed by the child's name (`0.weight`, `1.running_var`). They
 * become the keys of saved files (the model file, safetensors).
 *
 * A subclass returns its own tensors from {@link ownParameters} / {@link ownBuffers} and its
 * children from {@link children}; everything else follows.
 *
 * @example
 * ```ts
 * seedNetwork().namedParameters().map(([name]) => name);   // ['0.weight', '0.bias', '1.weight', '1.bias']
 * seedNetwork().eval().training;                           // false
 * ```
 */
export abstract class Module {
  /** True in training mode (the default), false after {@link eval}. */
  training = true;

  /** The output for a batch of inputs (rows are samples). */
  abstract forward(x: Tensor): Tensor;

  /** This module's own parameters (not its children's), `[name, tensor]`, in a stable order. */
  protected ownParameters(): [string, Tensor][] {
    return [];
  }

  /** This module's own buffers (saved, not trained), `[name, tensor]`. */
  protected ownBuffers(): [string, Tensor][] {
    return [];
  }

  /** The direct children, `[name, module]`, in order. */
  children(): [string, Module][] {
    return [];
  }

  /** `[name, tensor]` for every parameter of this module and its descendants, in a stable order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = this.ownParameters().map(([n, t]) => [prefix + n, t]);
    for (const [name, child] of this.children()) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** `[name, tensor]` for every buffer of this module and its descendants. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = this.ownBuffers().map(([n, t]) => [prefix + n, t]);
    for (const [name, child] of this.children()) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  /** Every parameter, in the order of {@link namedParameters}. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer, in the order of {@link namedBuffers}. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /**
   * The state dict: every parameter and buffer by name, each module's parameters before its
   * buffers, in module order (PyTorch's `state_dict()` order).
   */
  stateDict(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.ownParameters(), ...this.ownBuffers()].map(([n, t]) => [prefix + n, t]);
    for (const [name, child] of this.children()) out.push(...child.stateDict(`${prefix}${name}.`));
    return out;
  }

  /**
   * Copies values into every parameter and buffer by name. Every name of {@link stateDict} must be
   * present with the same number of elements; an unknown name is an error.
   */
  loadStateDict(entries: Iterable<readonly [string, ArrayLike<number>]>, where = 'loadStateDict'): void {
    const mine = new Map(this.stateDict());
    const seen = new Set<string>();
    for (const [name, values] of entries) {
      const t = mine.get(name);
      if (t === undefined) throw new BackpropError('shape', `${where}: unknown tensor "${name}"; expected one of ${[...mine.keys()].join(', ')}`);
      if (values.length !== t.size) throw new BackpropError('shape', `${where}: "${name}" has ${values.length} numbers, the model's ${shapeToString(t.shape)} needs ${t.size}`);
      for (let i = 0; i < t.size; i++) t.data[i] = values[i]!;
      seen.add(name);
    }
    const missing = [...mine.keys()].filter((n) => !seen.has(n));
    if (missing.length > 0) throw new BackpropError('shape', `${where}: missing ${missing.join(', ')}`);
  }

  /** Sets training mode on this module and every descendant (`train(false)` = {@link eval}). */
  train(mode = true): this {
    this.training = mode;
    for (const [, child] of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode: dropout off, running statistics used (as PyTorch's `eval()`). */
  eval(): this {
    return this.train(false);
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
