import type { FloatArray } from '../../kernels/types.js';
import type { Formula } from '../activations/types.js';

/**
 * How a loss reduces the batch: `sum` (no averaging: sse, the seed's ½·Σ), `rows` (÷ N samples:
 * cross_entropy) or `all` (÷ M = N·K numbers: mse, bce).
 */
export type LossReduction = 'sum' | 'rows' | 'all';

/** What targets a loss accepts: any number, numbers in [0, 1], or rows that are distributions. */
export type TargetRule = 'any' | 'unit-interval' | 'distribution';

/**
 * The loss computed from the logits z of its output activation instead of the outputs y, where
 * the two fold into one stable formula (softmax + cross_entropy, sigmoid + bce) whose gradient
 * at the logits is (y − t) over the count.
 */
export interface LogitForm {
  /** The output activation this form replaces (an ActivationName). */
  readonly activation: string;
  /** The autograd op's name (the ledger finds it in the recorded graph). */
  readonly op: string;
  /**
   * E from the logits z and ∂E/∂z into g; `y` receives the outputs f(z) where computing them is
   * part of the formula (softmax), `scratch` holds at least `rows` float64s.
   */
  lossAndGrad(z: FloatArray, y: FloatArray, t: FloatArray, g: FloatArray, scratch: Float64Array, rows: number, cols: number): number;
  /** Whether `lossAndGrad` fills `y` with f(z) (softmax: its probabilities are part of the formula). */
  readonly writesOutputs: boolean;
  /** The derivative the ledger shows and checks: 'softmax' (one row, K classes) or elementwise in z and t. */
  readonly cas: { readonly kind: 'softmax'; readonly identity: Formula } | { readonly kind: 'elementwise'; readonly expr: string; readonly identity: Formula; identityAt(z: number, t: number): number };
}

/** E and ∂E/∂y of a squared-error loss from e = y − t (see {@link LossSpec.squaredError}). */
export interface SquaredError {
  grad(e: number, m: number): number;
  total(sumOfSquares: number, m: number): number;
}

/**
 * Everything the library knows about one loss, in one place (the loss conventions of the README):
 * the math on outputs (its gradient ∂E/∂y) — used by the autograd op, the fused kernels and the
 * compiled step alike —, the fused form on logits, the formulas of the ledger and its computer
 * algebra, the PyTorch expression of the same convention, and which targets it accepts.
 *
 * Shape: y, t, g [rows, cols] row-major; M = rows·cols.
 */
export interface LossSpec {
  readonly name: string;
  /** E of outputs y against targets t, with ∂E/∂y written into g (same expressions in every tier). */
  lossAndGrad(y: FloatArray, t: FloatArray, g: FloatArray, rows: number, cols: number): number;
  readonly onLogits?: LogitForm;
  /**
   * For the squared-error losses: ∂E/∂y from the error e = y − t and E from Σe², given M numbers —
   * what the one-row paths (the small path and the compiled step) inline, and what `lossAndGrad` uses.
   */
  readonly squaredError?: SquaredError;
  readonly reduction: LossReduction;
  /** E in plain text and LaTeX. */
  readonly formula: Formula;
  /** One line of the README's loss table: the convention, and its PyTorch equivalent. */
  readonly convention: string;
  /** The PyTorch expression of the same number, from outputs `y` and targets `t`. */
  torch(y: string, t: string): string;
  /** The per-element derivative the ledger derives with mathjs (in y and t), and its textbook form. */
  readonly cas: { readonly expr: string; readonly identity: Formula; identityAt(y: number, t: number): number };
  readonly targets: TargetRule;
}
