import { BackpropError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { backward } from './engine.js';
import { noGrad } from './node.js';
import { sum } from './ops/reduce.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step; default 1e-6. */
  eps?: number;
  /** Absolute tolerance; default 1e-7. */
  atol?: number;
  /** Relative tolerance; default 1e-6. */
  rtol?: number;
}

/** The outcome of {@link gradcheck}: worst disagreement, and where. */
export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  /** `input 0, element 3: analytic 0.25, numeric 0.2500001` for the worst element. */
  worst: string;
}

/**
 * Compares the autograd gradient of `fn` with float64 central differences,
 * (f(x + ε) − f(x − ε)) / 2ε, for every element of every input.
 *
 * `fn` must return a one-element tensor; if it returns a larger tensor, its sum is used.
 * Inputs must be float64.
 *
 * @example
 * ```ts
 * const x = tensor([-5, -2, 0, 2, 5], { requiresGrad: true });
 * gradcheck((x) => sigmoid(x), [x]).ok;   // true
 * ```
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-7;
  const rtol = options.rtol ?? 1e-6;
  for (const x of inputs) {
    if (x.dtype !== 'float64') throw new BackpropError('dtype', 'gradcheck: inputs must be float64 (finite differences need the precision)');
    x.requiresGrad = true;
    x.grad = null;
  }
  const scalar = (t: Tensor): number => {
    let s = 0;
    for (let i = 0; i < t.size; i++) s += t.data[i]!;
    return s;
  };
  const out = fn(...inputs);
  const root = out.size === 1 ? out : sum(out);
  backward(root);
  let ok = true;
  let maxAbsError = 0;
  let worst = 'no elements';
  noGrad(() => {
    inputs.forEach((x, k) => {
      for (let i = 0; i < x.size; i++) {
        const saved = x.data[i]!;
        x.data[i] = saved + eps;
        const fp = scalar(fn(...inputs));
        x.data[i] = saved - eps;
        const fm = scalar(fn(...inputs));
        x.data[i] = saved;
        const numeric = (fp - fm) / (2 * eps);
        const analytic = x.grad === null ? 0 : x.grad.data[i]!;
        const err = Math.abs(numeric - analytic);
        if (!(err <= atol + rtol * Math.abs(numeric))) ok = false;
        if (err > maxAbsError || Number.isNaN(err)) {
          maxAbsError = Number.isNaN(err) ? Infinity : err;
          worst = `input ${k}, element ${i}: analytic ${analytic}, numeric ${numeric}`;
        }
      }
    });
  });
  return { ok, maxAbsError, worst };
}
