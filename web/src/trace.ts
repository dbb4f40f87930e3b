import {
  activate, backward, isFused, lossOf, noGrad, sigmoidBinaryCrossEntropy, softmaxCrossEntropy,
  type Dense, type LossName, type Sequential, type Tensor,
} from 'backprop';

/**
 * One recorded forward pass over a batch, kept so that Backward can run on it and every number
 * can be shown: per dense layer its input, z (net input) and a (activation), all N × units.
 */
export interface Trace {
  x: Tensor;
  t: Tensor;
  zs: Tensor[];
  as: Tensor[];
  E: Tensor;
  cost: number;
  fused: boolean;
  loss: LossName;
  /** Set by {@link runBackward}. */
  backwardDone: boolean;
}

/** Forward pass with z and a of every layer retained (for δ = ∂E/∂z and ∂E/∂a after Backward). */
export function runForward(model: Sequential<Dense>, loss: LossName, x: Tensor, t: Tensor): Trace {
  const L = model.layers.length;
  const fused = isFused(loss, model.layers[L - 1]!.activation);
  const zs: Tensor[] = [];
  const as: Tensor[] = [];
  let a = x;
  let E: Tensor | null = null;
  model.layers.forEach((layer, l) => {
    const z = layer.preActivation(a).retainGrad();
    zs.push(z);
    if (l === L - 1 && fused) {
      E = loss === 'bce' ? sigmoidBinaryCrossEntropy(z, t) : softmaxCrossEntropy(z, t);
      a = noGrad(() => activate(layer.activation, z));
    } else {
      a = activate(layer.activation, z).retainGrad();
    }
    as.push(a);
  });
  E ??= lossOf(loss, a, t);
  return { x, t, zs, as, E, cost: E.item(), fused, loss, backwardDone: false };
}

/** Backward through the recorded pass: parameters get ∂E/∂p, each z gets δ, each a gets ∂E/∂a. */
export function runBackward(model: Sequential<Dense>, trace: Trace): void {
  model.zeroGrad();
  backward(trace.E);
  trace.backwardDone = true;
}
