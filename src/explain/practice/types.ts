/**
 * The mistakes the catalogue knows, one id each. A mistake is one slip in an otherwise right
 * computation; its value is computed from the ledger's numbers (see `catalogue.ts`).
 */
export type MistakeId =
  | 'activation-derivative-left-out'
  | 'derivative-at-output'
  | 'sigmoid-derivative-elsewhere'
  | 'derivative-applied-twice'
  | 'cost-without-half'
  | 'square-derivative-without-two'
  | 'mean-left-out'
  | 'mean-added'
  | 'mean-over-samples-only'
  | 'error-sign-reversed'
  | 'carried-net-input'
  | 'carried-network-input'
  | 'carried-own-output'
  | 'one-path-only'
  | 'paths-multiplied'
  | 'bias-sum'
  | 'bias-times-input'
  | 'one-sample-only'
  | 'update-sign-reversed'
  | 'update-without-rate'
  | 'gradient-not-update';

/** What an exercise asks for: ∂E/∂p, or p after one step of gradient descent w ← w − η·∂E/∂w. */
export type Ask = 'gradient' | 'updated';

/** A question about one scalar parameter of a ledger. */
export interface Question {
  /** The parameter's matrix name in the ledger: `W2[0][0]`, `b2[1]`. */
  param: string;
  ask: Ask;
}

/**
 * A line of the ledger a mistake contradicts, by what it computes (the renderers write it out
 * with the ledger's numbers). Layers from 1, neurons and samples from 0, as in the ledger.
 */
export type LedgerRef =
  /** The cost's definition, E = ½·Σ(y − t)² or its kin. */
  | { kind: 'cost' }
  /** ∂E/∂a of a neuron for one sample: the loss derivative at an output, the sum over paths at a hidden neuron. */
  | { kind: 'dEda'; layer: number; row: number; sample: number }
  /** f′(z) of a neuron for one sample. */
  | { kind: 'dadz'; layer: number; row: number; sample: number }
  /** δ = ∂E/∂z of a neuron for one sample. */
  | { kind: 'delta'; layer: number; row: number; sample: number }
  /** The value a neuron sends on, a = f(z), for one sample (what its outgoing weights carry). */
  | { kind: 'value'; layer: number; row: number; sample: number }
  /** The asked parameter's gradient: δ times the carried value, summed over the samples. */
  | { kind: 'grad' }
  /** Each bias gradient of a layer, and their sum. */
  | { kind: 'biasSums'; layer: number }
  /** The asked parameter's update, w ← w − η·∂E/∂w. */
  | { kind: 'update' };

/** A value of a mistake's detail: a number (formatted by the renderer) or a symbol such as `σ′(z6)`. */
export type DetailValue = number | string;

/**
 * One mistake applied to one question: the number it gives, the figures its explanation names
 * (`detail`, the placeholders of its locale text) and the ledger lines it contradicts.
 */
export interface Candidate {
  id: MistakeId;
  value: number;
  detail: Readonly<Record<string, DetailValue>>;
  lines: readonly LedgerRef[];
  /** `fused`: the mistake as made at an output folded into the loss (explained in its own words). */
  variant?: 'fused';
  /** For an `updated` question: the mistake was made in the gradient, and the update step itself was right. */
  inGradient?: boolean;
}

/** The right value of a question and every mistake's value that differs from it. */
export interface Candidates {
  question: Question;
  right: number;
  /** The gradient (the right one) of the asked parameter, also for an `updated` question. */
  grad: number;
  mistakes: Candidate[];
}

/**
 * The verdict on an answer: `right` within tolerance; `mistake` when it matches a mistake's value
 * (the closest one in `mistake`, any others that also match in `alsoMatches`); `unknown` otherwise.
 */
export interface Diagnosis {
  question: Question;
  answer: number;
  right: number;
  verdict: 'right' | 'mistake' | 'unknown';
  mistake: Candidate | null;
  alsoMatches: Candidate[];
  /** How many mistakes were compared (for "none of the N mistakes" when nothing matched). */
  compared: number;
  /** The relative tolerance used. */
  tolerance: number;
}
