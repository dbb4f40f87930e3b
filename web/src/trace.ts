import {
  activate, backward, isFused, lossOf, noGrad, sigmoidBinaryCrossEntropy, softmaxCrossEntropy, sum, Tensor,
  type LossName, type Sequential,
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
export function runForward(model: Sequential, loss: LossName, x: Tensor, t: Tensor): Trace {
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
export function runBackward(model: Sequential, trace: Trace): void {
  model.zeroGrad();
  backward(trace.E);
  trace.backwardDone = true;
}

/** f′(z) elementwise, asked of the activation op's own backward (not a hand-written formula). */
export function localDerivative(activation: Parameters<typeof activate>[0], z: Tensor): Float64Array {
  const leaf = new Tensor(Float64Array.from(z.data), z.shape, { requiresGrad: true });
  sum(activate(activation, leaf)).backward();
  return Float64Array.from(leaf.grad!.data);
}

/** The numbers of one neuron for one sample, after Forward (and Backward). */
export interface NeuronNumbers {
  z: number;
  a: number;
  dEda: number | null;
  dadz: number | null;
  delta: number | null;
}

/** Sample `s`, layer `l` (0-based dense layer), neuron `j`. */
export function neuronNumbers(model: Sequential, trace: Trace, l: number, j: number, s = 0): NeuronNumbers {
  const units = trace.zs[l]!.shape[1]!;
  const k = s * units + j;
  const z = trace.zs[l]!.data[k]!;
  const a = trace.as[l]!.data[k]!;
  if (!trace.backwardDone) return { z, a, dEda: null, dadz: null, delta: null };
  const act = model.layers[l]!.activation;
  const fusedOut = trace.fused && l === trace.zs.length - 1;
  const aGrad = fusedOut ? null : trace.as[l]!.grad;
  const dadz = fusedOut || act === 'softmax' ? null : localDerivative(act, new Tensor(Float64Array.of(z), [1, 1])).at(0)!;
  return { z, a, dEda: aGrad ? aGrad.data[k]! : null, dadz, delta: trace.zs[l]!.grad?.data[k] ?? null };
}
