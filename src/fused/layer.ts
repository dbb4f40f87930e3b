import { ACTIVATION_TABLE, type ActivationSpec } from '../functions/activations/index.js';
import type { FloatArray } from '../kernels/types.js';
import type { Tensor } from '../tensor/tensor.js';

/** One dense layer as the fused path sees it: the model's parameters and preallocated buffers. */
export interface FusedLayer {
  readonly inputs: number;
  readonly units: number;
  /** The activation's table entry, kept in step with the model's layer. */
  act: ActivationSpec;
  readonly weight: Tensor;
  readonly bias: Tensor;
  /**
   * The model's own weight (units × inputs) and bias data, updated in place by optimizers; the
   * stack re-reads them from the tensors before each step (`Tensor.moveData` may give them new storage).
   */
  w: FloatArray;
  b: FloatArray;
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

/** Whether the layer applies no activation (its output buffer is z itself). */
export function isLinear(L: FusedLayer): boolean {
  return L.act === ACTIVATION_TABLE.linear;
}

/** A layer's output buffer: a = f(z), or z itself for a linear layer. */
export function outputOf(L: FusedLayer): FloatArray {
  return isLinear(L) ? L.z : L.a;
}
