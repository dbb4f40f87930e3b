import type { Divergence, OptimizerState } from 'backprop';
import type { CsvSource, HistoryPoint, LayerWeights, Settings } from './state.js';

/** Everything the worker needs to continue training exactly where the page is. */
export interface TrainJob {
  settings: Settings;
  csv: CsvSource | null;
  weights: LayerWeights[];
  optimizer: OptimizerState | null;
  step: number;
}

/**
 * Page → worker. `ack` says the page has drawn the last progress; only then does the worker go
 * on (back-pressure), so the page always holds the worker's latest state and Pause can simply
 * end the worker.
 */
export type ToWorker =
  | { type: 'start'; job: TrainJob }
  /** First message: where the kernels' own worker script is (Vite does not emit a worker started by a worker). */
  | { type: 'kernels'; workerUrl: string }
  | { type: 'ack' }
  | { type: 'speed'; speed: number };

/** Worker → page: weights, optimizer state and losses after a chunk of steps. */
export type FromWorker =
  | { type: 'progress'; weights: LayerWeights[]; optimizer: OptimizerState; step: number; point: HistoryPoint }
  | { type: 'diverged'; step: number; divergence: Divergence }
  | { type: 'error'; message: string };
