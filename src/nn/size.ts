import { BackpropError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';

/**
 * Largest number of parameters (weights and biases) of a network: what a model file may declare,
 * what `Sequential.mlp` and `Dense.create` build, and what `backprop train` trains, saves and
 * resumes (weights beyond {@link INLINE_PARAMETERS} go to a safetensors file beside the JSON).
 */
export const MAX_PARAMETERS = 50_000_000;

/** Largest number of layers of a network (and of a model file). */
export const MAX_LAYERS = 1000;

/**
 * Networks with more parameters than this keep their weights (and checkpoints their optimizer
 * buffers) as typed arrays, written to a safetensors file beside the JSON instead of inside it:
 * a million float64 numbers is ~20 MB of JSON text, still quick to read; fifty million would pass
 * V8's longest string.
 */
export const INLINE_PARAMETERS = 1_000_000;

/**
 * Parameters of a dense network with these layer sizes (inputs first): Σ (inᵢ·outᵢ + outᵢ).
 *
 * @example
 * ```ts
 * parameterCount([3, 2, 2]);         // 14
 * parameterCount([784, 128, 64, 10]); // 109386
 * ```
 */
export function parameterCount(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return n;
}

/** What {@link trainingBytes} needs besides the sizes. */
export interface TrainingFootprint {
  dtype: DType;
  /** Buffers per parameter the optimizer keeps (Adam 2, SGD with momentum 1, plain SGD 0). */
  optimizerBuffers?: number;
  /** Rows of one step (activations, net inputs and deltas are kept per row). */
  batchSize?: number;
  /** Rows measured at once after every epoch (all training rows). */
  evalRows?: number;
  /** Early stopping keeps a float64 copy of the best weights. */
  earlyStopping?: boolean;
}

/**
 * An estimate of the memory, in bytes, that training a network of these sizes needs: the weights,
 * their gradients, fit's copy of the last good weights, the optimizer's buffers and early
 * stopping's copy, plus per-row layer values of a step and of the measuring pass. The data itself
 * is not counted.
 *
 * @example
 * ```ts
 * trainingBytes([784, 128, 64, 10], { dtype: 'float32', optimizerBuffers: 2, batchSize: 32, evalRows: 8000 });   // ≈ 16 MB
 * ```
 */
export function trainingBytes(sizes: readonly number[], f: TrainingFootprint): number {
  const bytes = f.dtype === 'float32' ? 4 : 8;
  const params = parameterCount(sizes);
  let widths = 0;
  for (let i = 1; i < sizes.length; i++) widths += sizes[i]!;
  const perParam = bytes * (3 + (f.optimizerBuffers ?? 0)) + (f.earlyStopping ? 8 : 0);
  return params * perParam + bytes * widths * (3 * (f.batchSize ?? 32) + 2 * (f.evalRows ?? 0));
}

/**
 * Refuses, before anything is allocated, a network beyond {@link MAX_LAYERS} layers or
 * {@link MAX_PARAMETERS} parameters, naming its size.
 *
 * @throws BackpropError `value`: `the network 100000-100000-10 would have 10,001,100,010 parameters, above the limit of 50,000,000`.
 * @example
 * ```ts
 * checkNetworkSize([2, 30000, 30000, 2]);   // throws: 900,180,002 parameters, above the limit
 * ```
 */
export function checkNetworkSize(sizes: readonly number[], where = 'the network'): void {
  if (sizes.length - 1 > MAX_LAYERS) throw new BackpropError('value', `${where} would have ${sizes.length - 1} layers, above the limit of ${MAX_LAYERS}`);
  const n = parameterCount(sizes);
  if (n > MAX_PARAMETERS) {
    const shape = sizes.length <= 12 ? ` ${sizes.join('-')}` : '';
    throw new BackpropError('value', `${where}${shape} would have ${n.toLocaleString('en-US')} parameters, above the limit of ${MAX_PARAMETERS.toLocaleString('en-US')}`);
  }
}

/** `1.5 GB`, `820 MB`, `12 kB` (decimal units). */
export function formatBytes(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${u === 0 ? n : n.toPrecision(n >= 100 ? 3 : 2)} ${units[u]}`;
}
