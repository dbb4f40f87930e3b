import { HIDDEN_ACTIVATIONS as LIBRARY_HIDDEN, type ActivationName, type LossName, type OptimizerName, type OptimizerState, type SyntheticName, type TrainerPosition } from 'backprop';

/** The datasets offered: the seed notebook's single sample, the 2-D synthetic sets, or a dropped CSV. */
export type DatasetChoice = 'seed' | SyntheticName | 'csv';
export const DATASETS: readonly DatasetChoice[] = ['seed', 'xor', 'circle', 'gauss', 'spiral', 'moons', 'csv'];
/** The library's hidden activations (its activation table), with `linear` moved to the end of the menu. */
export const HIDDEN_ACTIVATIONS: readonly ActivationName[] = [...LIBRARY_HIDDEN.filter((a) => a !== 'linear'), 'linear'];
export type Lang = 'en' | 'ko';

/** Every setting a learner can change. Plain data: it round-trips through the URL hash. */
export interface Settings {
  dataset: DatasetChoice;
  /** 0 … 0.5 (TensorFlow Playground's scale). */
  noise: number;
  /** Fraction of the rows used for training, 0.1 … 0.9; the rest are the test set. */
  trainRatio: number;
  /** Neurons per hidden layer, e.g. [4, 4]. */
  hidden: number[];
  /** Activation of the hidden layers (the output activation follows from the loss). */
  activation: ActivationName;
  loss: LossName;
  optimizer: OptimizerName;
  /** η. */
  lr: number;
  batch: number;
  seed: number;
  /** λ of the optimizer's weight decay (λ·w added to each gradient by the optimizer; the link's `l2`). */
  l2: number;
  /** A batch norm after each hidden dense layer, before its activation (`backprop train --batch-norm`). */
  batchNorm: boolean;
  /** p of a dropout after each hidden activation, 0 … 0.9 (0: none; `--dropout P`). */
  dropout: number;
  /** λ₁ of the L1 penalty λ₁·Σ|w| added to the loss (`--l1`). */
  l1: number;
  /** λ₂ of the L2 penalty (λ₂/2)·Σw² added to the loss (`--l2`), beside the optimizer's weight decay. */
  l2Penalty: number;
  /** Training steps between two screen updates while playing. */
  speed: number;
  lang: Lang;
}

/** One dense layer's numbers: W is outputs × inputs. */
export interface LayerWeights {
  W: number[][];
  b: number[];
}

/**
 * What the network holds besides its dense weights, as plain numbers (a link and the worker's
 * messages carry them): batch norm's γ, β, running mean and variance and batches tracked, and the
 * state of each dropout layer's mask generator — so a run continues exactly where it was.
 */
export interface LayerState {
  /** Every parameter and buffer of the layers other than the dense ones, in state-dict order. */
  values: number[];
  /** The four state words of each dropout generator, in layer order. */
  rng: number[];
}

/** A CSV the learner dropped on the page (kept in the link when small). */
export interface CsvSource {
  name: string;
  text: string;
  target: string;
}

/** One point of the loss curve. */
export interface HistoryPoint {
  step: number;
  train: number;
  test: number;
}

/**
 * The whole state of the playground, trained weights included. Everything else (the model, the
 * data, the traced numbers) is derived from it, so a link made from it reproduces the screen.
 */
export interface AppState {
  settings: Settings;
  /** Current weights, or null for freshly initialised ones (from `settings.seed`). */
  weights: LayerWeights[] | null;
  /** The other layers' numbers (batch norm, dropout), or null for a network of dense layers only or fresh ones. */
  layers: LayerState | null;
  /** Optimizer buffers (momentum, Adam moments), or null before the first step. */
  optimizer: OptimizerState | null;
  /** Training steps taken (one step = one mini-batch). */
  step: number;
  /** Where the library's Trainer is at `step` (its shuffling), or null when only the step is known. */
  position: TrainerPosition | null;
  history: HistoryPoint[];
  csv: CsvSource | null;
  /** The weight or bias whose ledger is open: `W2[0][0]`, `b1[1]`, or null. */
  selected: string | null;
}

/** The seed notebook's settings: 3 → 2 → 2 sigmoid, ½·SSE, plain gradient descent with η = 0.5. */
export const SEED_SETTINGS: Settings = {
  dataset: 'seed', noise: 0, trainRatio: 0.5, hidden: [2], activation: 'sigmoid', loss: 'sse',
  optimizer: 'sgd', lr: 0.5, batch: 1, seed: 1, l2: 0, batchNorm: false, dropout: 0, l1: 0, l2Penalty: 0, speed: 10, lang: 'en',
};

/** Settings a 2-D dataset starts from (TensorFlow Playground-like, a little faster). */
export const SYNTHETIC_DEFAULTS: Omit<Settings, 'dataset' | 'lang' | 'seed'> = {
  noise: 0, trainRatio: 0.5, hidden: [4, 4], activation: 'tanh', loss: 'bce',
  optimizer: 'adam', lr: 0.03, batch: 10, l2: 0, batchNorm: false, dropout: 0, l1: 0, l2Penalty: 0, speed: 20,
};

export function initialState(): AppState {
  return { settings: { ...SEED_SETTINGS, hidden: [...SEED_SETTINGS.hidden] }, weights: null, layers: null, optimizer: null, step: 0, position: null, history: [], csv: null, selected: null };
}

/** Max neurons per hidden layer and hidden layers. */
export const MAX_NEURONS = 8;
export const MAX_LAYERS = 6;
