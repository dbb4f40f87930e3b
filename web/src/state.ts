import { HIDDEN_ACTIVATIONS as LIBRARY_HIDDEN, type ActivationName, type LossName, type OptimizerName, type OptimizerState, type SyntheticName } from 'backprop';

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
  /** λ, the L2 penalty added to each gradient (the optimizers' weightDecay). */
  l2: number;
  /** Training steps between two screen updates while playing. */
  speed: number;
  lang: Lang;
}

/** One dense layer's numbers: W is outputs × inputs. */
export interface LayerWeights {
  W: number[][];
  b: number[];
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
  /** Optimizer buffers (momentum, Adam moments), or null before the first step. */
  optimizer: OptimizerState | null;
  /** Training steps taken (one step = one mini-batch). */
  step: number;
  history: HistoryPoint[];
  csv: CsvSource | null;
  /** The weight or bias whose ledger is open: `W2[0][0]`, `b1[1]`, or null. */
  selected: string | null;
}

/** The seed notebook's settings: 3 → 2 → 2 sigmoid, ½·SSE, plain gradient descent with η = 0.5. */
export const SEED_SETTINGS: Settings = {
  dataset: 'seed', noise: 0, trainRatio: 0.5, hidden: [2], activation: 'sigmoid', loss: 'sse',
  optimizer: 'sgd', lr: 0.5, batch: 1, seed: 1, l2: 0, speed: 10, lang: 'en',
};

/** Settings a 2-D dataset starts from (TensorFlow Playground-like, a little faster). */
export const SYNTHETIC_DEFAULTS: Omit<Settings, 'dataset' | 'lang' | 'seed'> = {
  noise: 0, trainRatio: 0.5, hidden: [4, 4], activation: 'tanh', loss: 'bce',
  optimizer: 'adam', lr: 0.03, batch: 10, l2: 0, speed: 20,
};

export function initialState(): AppState {
  return { settings: { ...SEED_SETTINGS, hidden: [...SEED_SETTINGS.hidden] }, weights: null, optimizer: null, step: 0, history: [], csv: null, selected: null };
}

/** Max neurons per hidden layer and hidden layers. */
export const MAX_NEURONS = 8;
export const MAX_LAYERS = 6;
