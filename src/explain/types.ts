import type { ActivationName } from '../nn/activations.js';
import type { LossName } from '../nn/losses.js';
import type { DType } from '../tensor/dtype.js';

/**
 * The ledger: a language-neutral, plain-JSON account of one forward pass, one backward pass and
 * one gradient-descent step. Every number is a float64 `number` taken from the engine's own run
 * (tensor values, the retained `.grad` of each layer's z and a, the parameters' `.grad`, the
 * local derivatives returned by each recorded op's backward). Words live in the locales; the
 * ledger only holds names, numbers and formula keys.
 *
 * Indices: layers are numbered from 1 (W1, b1 belong to layer 1, as in the seed notebook);
 * neurons and samples within a layer from 0 (W2[0][0]); nodes through the network from 1
 * (inputs 1–3, hidden 4–5, outputs 6–7 for the seed network).
 */
export interface Ledger {
  format: 'backprop-ledger';
  version: 1;
  network: LedgerNetwork;
  /** Samples as rows, N × inputs. */
  input: number[][];
  /** N × outputs. */
  target: number[][];
  /** One entry per network node, inputs first. */
  nodes: LedgerNode[];
  /** One entry per dense layer: the forward numbers and, per neuron, its δ. */
  layers: LedgerLayer[];
  /** The network's output y (after the output activation), N × outputs. */
  output: number[][];
  cost: LedgerCost;
  /** Derivatives derived by computer algebra (mathjs), with numeric checks. */
  symbolic: LedgerSymbolic;
  /** One entry per scalar parameter (only the chosen ones when `focus` is set). */
  params: LedgerParam[];
  /** Per layer, each neuron's own bias gradient and their sum (the notebook's bb2). */
  biasSums: LedgerBiasSum[];
  update: LedgerUpdate;
  checks: LedgerChecks;
  /** Parameter ids the ledger was narrowed to (`--param`), or null for all. */
  focus: string[] | null;
}

/** The shape of the network and the settings the ledger was made with. */
export interface LedgerNetwork {
  /** Layer sizes, inputs first: [3, 2, 2] for the seed network. */
  sizes: number[];
  /** Activation of each dense layer. */
  activations: ActivationName[];
  loss: LossName;
  /** True when the loss is computed from the logits together with the output activation. */
  fused: boolean;
  /** N, the number of samples in the batch. */
  batch: number;
  dtype: DType;
  /** `notebook`: w41-style names beside W2[0][0]; `matrix`: matrix indices only. */
  naming: LedgerNaming;
}

/** How weights are named in renderings. */
export type LedgerNaming = 'notebook' | 'matrix';

/** A neuron (or an input) numbered through the network. */
export interface LedgerNode {
  /** 1-based number through the network. */
  id: number;
  /** 0 for the inputs, 1… for dense layers. */
  layer: number;
  /** Position within its layer, from 0. */
  index: number;
  role: 'input' | 'hidden' | 'output';
}

/** One dense layer. */
export interface LedgerLayer {
  /** From 1. */
  layer: number;
  activation: ActivationName;
  role: 'hidden' | 'output';
  /** The weights W (units × inputs) and biases b before the update. */
  weight: number[][];
  bias: number[];
  /** Net inputs z (N × units), activations a (N × units), ∂E/∂a and δ = ∂E/∂z (N × units). */
  z: number[][];
  a: number[][];
  /** ∂E/∂a from autograd; null at a fused output (E is computed from z directly). */
  dEda: number[][] | null;
  /** f′(z) from the activation op's backward; null for softmax (see `jacobian`) and fused outputs. */
  dadz: number[][] | null;
  /** δ = ∂E/∂z, the retained gradient of z. */
  delta: number[][];
  /** How δ was formed. */
  deltaRule: DeltaRule;
  neurons: LedgerNeuron[];
}

/**
 * `output`: δ = ∂E/∂a ⊙ f′(z); `fused`: δ = (y − t)/count; `softmax`: δ = Jᵀ·∂E/∂a;
 * `hidden`: δ = (δ_next·W_next) ⊙ f′(z).
 */
export type DeltaRule = 'output' | 'fused' | 'softmax' | 'hidden';

/** One neuron with its numbers for every sample. */
export interface LedgerNeuron {
  node: number;
  index: number;
  samples: LedgerNeuronSample[];
}

/** A neuron's forward and backward numbers for one sample. */
export interface LedgerNeuronSample {
  /** z = Σ w·x + b, term by term. */
  terms: { from: number; w: number; x: number }[];
  b: number;
  z: number;
  a: number;
  /** ∂E/∂a (null at a fused output). */
  dEda: number | null;
  /** f′(z) (null for softmax and fused outputs). */
  dadz: number | null;
  /** δ = ∂E/∂z from autograd. */
  delta: number;
  /** Hidden neurons: ∂E/∂a = Σₖ δₖ·wₖ over the neurons k this one feeds. */
  paths?: { to: number; delta: number; w: number; product: number }[];
  /** Softmax outputs (not fused): δᵢ = Σₖ ∂E/∂yₖ·∂yₖ/∂zᵢ. */
  jacobian?: { to: number; dEda: number; dyk: number; product: number }[];
  /** Fused outputs: δ = (y − t)/count. */
  fused?: { y: number; t: number; count: number };
}

/** The cost before the update. */
export interface LedgerCost {
  loss: LossName;
  value: number;
  /** Each sample's share of E (they add up to E). */
  perSample: number[];
}

/** One scalar parameter: where it sits, its gradient by the chain rule, its update. */
export interface LedgerParam {
  /** Matrix name: `W2[0][0]`, `b1[1]`. */
  id: string;
  /** The engine's name and index: `1.weight[0][0]`. */
  engine: string;
  /** The seed notebook's style (`w41`), or null for biases. */
  notebook: string | null;
  kind: 'weight' | 'bias';
  layer: number;
  row: number;
  /** Column (weights only). */
  col: number | null;
  /** Source node (weights) — null for a bias, whose input is the constant 1. */
  from: number | null;
  /** The neuron it feeds. */
  to: number;
  value: number;
  /** ∂E/∂p, the parameter's `.grad` after the engine's backward. */
  grad: number;
  /** Value after w ← w − η·∂E/∂w (from the engine's SGD step). */
  after: number;
  /** Per sample: δ of the neuron it feeds times its input (1 for a bias). */
  contributions: { sample: number; delta: number; x: number; product: number }[];
  /** Σ contributions (equals `grad` up to rounding). */
  chainSum: number;
}

/** The gradients of one layer's biases and their sum. */
export interface LedgerBiasSum {
  layer: number;
  perNeuron: number[];
  /** The sum, which is the gradient only of a single bias shared by every neuron of the layer. */
  sum: number;
  /** The notebook's name for the sum (`bb2`). */
  notebook: string;
}

/** One step of gradient descent and its effect. */
export interface LedgerUpdate {
  lr: number;
  costBefore: number;
  /** The cost after the step updates every parameter of the network. */
  costAfter: number;
  /** The output after the step updates every parameter. */
  outputAfter: number[][];
  /** How many scalar parameters the step updates (all of the network's). */
  parameterCount: number;
  /** When the ledger is narrowed to some parameters: the cost after updating only those, the others unchanged. */
  costAfterFocusOnly?: number;
}

/** Largest disagreements found while building the ledger (all ≈ 1e-16 for float64). */
export interface LedgerChecks {
  /** max |Σ contributions − .grad| over parameters. */
  chain: number;
  /** max |Σ paths − ∂E/∂a (autograd)| over hidden neurons. */
  paths: number;
  /** max disagreement of symbolic and engine derivatives at the points used. */
  symbolic: number;
}

/** A formula in plain text and in LaTeX. */
export interface Formula {
  text: string;
  tex: string;
}

/** A derivative evaluated at one point by each route, for the numeric check. */
export interface SymbolicPoint {
  /** The argument (z for activations, y for losses). */
  at: number;
  /** Extra argument (the target t for losses). */
  t?: number;
  /** The computer-algebra derivative evaluated here. */
  cas: number;
  /** The textbook identity evaluated here. */
  identity: number;
  /** The engine's local derivative here (from the op's backward or the retained gradient);
   * null where the engine did not use this derivative (an activation fused into the loss). */
  engine: number | null;
}

/** An activation's derivative. */
export interface SymbolicActivation {
  activation: ActivationName;
  /** `mathjs` when derived by mathjs; `piecewise` when derived piece by piece by mathjs;
   * `product-rule` when mathjs lacks the function (gelu's erf) and the rule is applied by hand. */
  method: 'mathjs' | 'piecewise' | 'product-rule';
  f: Formula;
  /** mathjs's derivative (raw). */
  raw: Formula;
  /** The same derivative as sympy printed it in the seed notebook (sigmoid: e^−x/(1 + e^−x)²). */
  alt?: Formula;
  /** The textbook identity. */
  identity: Formula;
  /** True when mathjs `simplify(raw − identity)` (and raw − alt) gives 0, a symbolic proof. */
  proven: boolean;
  /** For piecewise functions, each piece: condition, function, derivative. */
  pieces?: { when: Formula; f: Formula; df: Formula }[];
  points: SymbolicPoint[];
  maxDiff: number;
}

/** The loss derivative (∂E/∂y, or ∂E/∂z when fused). */
export interface SymbolicLoss {
  loss: LossName;
  fused: boolean;
  /** Per element, before the 1/N (or 1/M) scale. */
  f: Formula;
  raw: Formula;
  identity: Formula;
  /** The scale applied for averaging (1 for sse). */
  scale: number;
  points: SymbolicPoint[];
  maxDiff: number;
}

/** The derivatives shown in the ledger. */
export interface LedgerSymbolic {
  activations: SymbolicActivation[];
  loss: SymbolicLoss;
}
