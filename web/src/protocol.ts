import type { Divergence, OptimizerState, TrainerPosition } from 'backprop';
import type { HealthView } from './health.js';
import type { CsvSource, HistoryPoint, LayerState, LayerWeights, Settings } from './state.js';

/** Everything the worker needs to continue training exactly where the page is. */
export interface TrainJob {
  settings: Settings;
  csv: CsvSource | null;
  weights: LayerWeights[];
  layers: LayerState | null;
  optimizer: OptimizerState | null;
  step: number;
  position: TrainerPosition | null;
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

/**
 * Worker → page: weights, optimizer state, losses and the training-health checks after a chunk of
 * steps; the library's
 * diagnosis when step `step` made the numbers NaN or infinite (the page keeps the last progress);
 * any other error.
 */
export type FromWorker =
  | { type: 'progress'; weights: LayerWeights[]; layers: LayerState | null; optimizer: OptimizerState; step: number; position: TrainerPosition; point: HistoryPoint; health: HealthView | null }
  | { type: 'diverged'; step: number; message: string }
  | { type: 'divergence'; step: number; divergence: Divergence }
  | { type: 'error'; message: string };
