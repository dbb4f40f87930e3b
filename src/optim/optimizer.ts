import { INLINE_PARAMETERS } from '../nn/size.js';
import { BackpropError } from '../errors.js';
import { arrayPasses, firstNonFiniteOf } from '../kernels/array-jobs.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/** The optimizer names (as on the command line). */
export type OptimizerName = 'sgd' | 'rmsprop' | 'adam' | 'adamw';

/** A serialisable snapshot of an optimizer: its settings, step count and per-parameter buffers. */
export interface OptimizerState {
  name: OptimizerName;
  lr: number;
  step: number;
  /**
   * For each parameter (in order), its named buffers as plain arrays — or, when the parameters hold
   * more than INLINE_PARAMETERS numbers in all, as typed copies (a checkpoint writes them to its
   * weights file).
   */
  buffers: Record<string, number[] | Float64Array | Float32Array>[];
  /** For each parameter, the number of updates it has received. */
  paramSteps: number[];
}

/**
 * Base of the optimizers: holds the parameters and, per parameter, named state buffers
 * (created lazily, as PyTorch). `step()` applies one update from the current `.grad`s;
 * parameters without a gradient are skipped.
 *
 * @example
 * ```ts
 * const optimizer = new SGD(model.parameters(), { lr: 0.5 });   // any subclass
 * optimizer.zeroGrad();
 * sse(model.forward(x), t).backward();
 * optimizer.step();   // w ← w − η·∂E/∂w for every parameter with a .grad
 * ```
 */
export abstract class Optimizer {
  readonly params: readonly Tensor[];
  /** The learning rate η (schedules change it between steps). */
  lr: number;
  /** Steps taken so far. */
  stepCount = 0;
  abstract readonly name: OptimizerName;
  protected readonly state: Map<Tensor, ParamState> = new Map();
  /** The index in `params` of the parameter `update()` is called for. */
  protected current = 0;
  /** {@link guardedStep}'s reused arguments to the kernels' passes. */
  private readonly guard: { data: FloatArray[]; pairs: Array<[FloatArray, FloatArray]> } = { data: [], pairs: [] };

  constructor(params: readonly Tensor[], lr: number) {
    if (params.length === 0) throw new BackpropError('value', 'optimizer: expected at least one parameter');
    checkHyper('lr', lr, 0, Infinity, 'learning rate');
    this.params = params;
    this.lr = lr;
  }

  /** Sets every parameter's gradient to null. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    const params = this.params;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (p.grad === null) continue;
      const s = this.stateOf(p);
      s.step++;
      this.current = i;
      this.update(p.data, p.grad.data, s.buffers, s.step);
    }
  }

  /**
   * One {@link step} that first keeps every parameter's values in `kept` (one array per parameter,
   * of its length and type), and returns the index of the first parameter holding a NaN or ±∞
   * after it, or −1 when all are finite: fit's guarded step, which puts `kept` back when a step
   * breaks a weight. Here the copies and the check are passes of their own around the step (jobs
   * on the kernels' threads where the arrays live in their memory); an optimizer whose update runs
   * on the kernels does both inside its own pass over the weights (Adam on float32).
   *
   * @example
   * ```ts
   * const kept = model.parameters().map((p) => p.data.slice());
   * if (optimizer.guardedStep(kept) >= 0) model.parameters().forEach((p, i) => p.data.set(kept[i]!));
   * ```
   */
  guardedStep(kept: readonly FloatArray[]): number {
    const { data, pairs } = this.guard;
    data.length = 0;
    pairs.length = 0;
    for (let i = 0; i < this.params.length; i++) {
      const w = this.params[i]!.data;
      data.push(w);
      pairs.push([w, kept[i]!]);
    }
    arrayPasses([], NO_SUMS, pairs);
    this.step();
    return firstNonFiniteOf(data);
  }

  /**
   * Applies the algorithm to one parameter: `w` in place, from gradient `g`, its buffers and
   * `t`, the number of this update of this parameter (1 on the first).
   */
  protected abstract update(w: FloatArray, g: FloatArray, buffers: Record<string, FloatArray>, t: number): void;

  /** Names of the buffers this algorithm keeps per parameter. */
  protected abstract bufferNames(): string[];

  private stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      const buffers: Record<string, FloatArray> = {};
      for (const name of this.bufferNames()) buffers[name] = p.data instanceof Float64Array ? new Float64Array(p.size) : new Float32Array(p.size);
      s = { step: 0, buffers };
      this.state.set(p, s);
    }
    return s;
  }

  /** A snapshot for checkpoints (buffers copied into plain arrays). */
  stateDict(): OptimizerState {
    let total = 0;
    for (const p of this.params) total += p.size;
    const typed = total > INLINE_PARAMETERS;
    return {
      name: this.name,
      lr: this.lr,
      step: this.stepCount,
      buffers: this.params.map((p) => {
        const s = this.state.get(p);
        const out: Record<string, number[] | Float64Array | Float32Array> = {};
        if (s) for (const [k, v] of Object.entries(s.buffers)) out[k] = typed ? v.slice() : Array.from(v);
        return out;
      }),
      paramSteps: this.params.map((p) => this.state.get(p)?.step ?? 0),
    };
  }

  /** Restores a snapshot taken by {@link stateDict} from an optimizer of the same kind. */
  loadStateDict(state: OptimizerState): void {
    if (state.name !== this.name) throw new BackpropError('value', `loadStateDict: the snapshot is of ${state.name}, this optimizer is ${this.name}`);
    if (!Array.isArray(state.buffers) || state.buffers.length !== this.params.length) {
      throw new BackpropError('value', `loadStateDict: expected buffers for ${this.params.length} parameters, got ${Array.isArray(state.buffers) ? state.buffers.length : 'none'}`);
    }
    checkHyper('lr', state.lr, 0, Infinity, 'learning rate');
    this.lr = state.lr;
    this.stepCount = state.step;
    this.state.clear();
    this.params.forEach((p, i) => {
      const saved = state.buffers[i]!;
      const step = state.paramSteps?.[i] ?? 0;
      if (step === 0) return;
      const buffers: Record<string, FloatArray> = {};
      for (const name of this.bufferNames()) {
        const arr = saved[name];
        if (!(Array.isArray(arr) || arr instanceof Float64Array || arr instanceof Float32Array) || arr.length !== p.size) throw new BackpropError('value', `loadStateDict: buffer ${name} of parameter ${i} should have ${p.size} numbers`);
        buffers[name] = p.data instanceof Float64Array ? Float64Array.from(arr) : Float32Array.from(arr);
      }
      this.state.set(p, { step, buffers });
    });
  }
}

/** The sums of squares guardedStep asks for: none. */
const NO_SUMS = new Float64Array(0);

/** Per-parameter state: how many updates it has had and its named buffers. */
interface ParamState {
  step: number;
  buffers: Record<string, FloatArray>;
}

/** Throws unless `value` is a finite number in [min, max) (max exclusive when finite). */
export function checkHyper(name: string, value: unknown, min: number, max: number, what = name): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (max === Infinity || value < max);
  if (!ok) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max})`;
    throw new BackpropError('value', `optimizer: ${what} (${name}) must be a finite number ${range}, got ${String(value)}`);
  }
  return value as number;
}
