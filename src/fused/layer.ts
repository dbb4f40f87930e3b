import type { FloatArray } from '../kernels/types.js';
import type { Dense } from '../nn/dense.js';
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { ACT, actCode, type ActCode } from './activation-kernels.js';

/** One dense layer as the fused path sees it: the model's parameters and preallocated buffers. */
export interface FusedLayer {
  readonly inputs: number;
  readonly units: number;
  /** Activation code (see `ACT`), kept in step with the model's layer. */
  act: ActCode;
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

/** A layer's output buffer: a = f(z), or z itself for a linear layer. */
export function outputOf(L: FusedLayer): FloatArray {
  return L.act === ACT.linear ? L.z : L.a;
}

/**
 * The fused view of a dense layer, with empty row buffers (sized later) and the given arrays as
 * the gradients' storage.
 */
export function fusedLayer(layer: Dense, gradW: FloatArray, gradB: FloatArray): FusedLayer {
  const dtype = layer.weight.dtype;
  return {
    inputs: layer.inputs,
    units: layer.units,
    act: actCode(layer.activation),
    weight: layer.weight,
    bias: layer.bias,
    w: layer.weight.data,
    b: layer.bias.data,
    gradW: new Tensor(gradW, layer.weight.shape),
    gradB: new Tensor(gradB, layer.bias.shape),
    z: allocate(dtype, 0),
    a: allocate(dtype, 0),
    delta: allocate(dtype, 0),
  };
}
