import type { FloatArray } from '../kernels/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { ACT, type ActCode } from './activation-kernels.js';

/** One dense layer as the fused path sees it: the model's parameters and preallocated buffers. */
export interface FusedLayer {
  readonly inputs: number;
  readonly units: number;
  /** Activation code (see `ACT`), kept in step with the model's layer. */
  act: ActCode;
  readonly weight: Tensor;
  readonly bias: Tensor;
  /** The model's own weight (units × inputs) and bias data, updated in place by optimizers. */
  readonly w: FloatArray;
  readonly b: FloatArray;
  /** ∂E/∂W and ∂E/∂b, installed as the parameters' `.grad`. */
  readonly gradW: Tensor;
  readonly gradB: Tensor;
  /** Net input z = x·Wᵀ + b, [capacity, units]. */
  z: FloatArray;
  /** Output a = f(z), [capacity, units] (unused for linear layers: their output is z). */
  a: FloatArray;
  /** δ = ∂E/∂z, [capacity, units]. */
  delta: FloatArray;
}

/** A layer's output buffer: a = f(z), or z itself for a linear layer. */
export function outputOf(L: FusedLayer): FloatArray {
  return L.act === ACT.linear ? L.z : L.a;
}
