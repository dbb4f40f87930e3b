import { BackpropError } from '../../errors.js';
import type { ActivationName } from '../../nn/activations.js';
import type { DeltaRule, Ledger, LedgerParam } from '../types.js';

/*
 * The practice catalogue reads the ledger only through these accessors: where a dense layer's
 * numbers sit (layer → neuron → sample) is known here and nowhere else in practice/, so a ledger
 * that grows other layer kinds changes this file alone.
 */

/** One neuron's numbers for one sample, as the catalogue uses them. */
export interface NeuronNumbers {
  z: number;
  a: number;
  /** ∂E/∂a (null at an output folded into the loss). */
  dEda: number | null;
  /** f′(z) (null for softmax and outputs folded into the loss). */
  dadz: number | null;
  delta: number;
  /** Hidden neurons: the paths δₖ·wₖ to the next layer's neurons (node numbers `to`). */
  paths: readonly { to: number; delta: number; w: number; product: number }[] | null;
  /** Outputs folded into the loss: y, t and the count of the reduction. */
  fused: { y: number; t: number; count: number } | null;
  /** The values coming into the neuron (the previous layer's outputs, or the inputs). */
  inputs: readonly number[];
}

/** The numbers of neuron `row` of layer `layer` (from 1) for sample `sample`. */
export function neuronAt(ledger: Ledger, layer: number, row: number, sample: number): NeuronNumbers {
  const s = ledger.layers[layer - 1]?.neurons[row]?.samples[sample];
  if (s === undefined) throw new BackpropError('value', `practice: the ledger has no neuron ${row} in layer ${layer} for sample ${sample}`);
  return { z: s.z, a: s.a, dEda: s.dEda, dadz: s.dadz, delta: s.delta, paths: s.paths ?? null, fused: s.fused ?? null, inputs: s.terms.map((t) => t.x) };
}

/** The network node number of neuron `row` of layer `layer`. */
export function nodeOf(ledger: Ledger, layer: number, row: number): number {
  return ledger.layers[layer - 1]!.neurons[row]!.node;
}

/** How a layer forms its δ, its activation, and how many neurons it has. */
export function layerInfo(ledger: Ledger, layer: number): { activation: ActivationName; deltaRule: DeltaRule; units: number; role: 'hidden' | 'output' } {
  const ly = ledger.layers[layer - 1];
  if (ly === undefined) throw new BackpropError('value', `practice: the ledger has no layer ${layer}`);
  return { activation: ly.activation, deltaRule: ly.deltaRule, units: ly.neurons.length, role: ly.role };
}

/** The parameter with matrix name `id` (`W2[0][0]`, `b1[1]`); throws when the ledger lacks it. */
export function paramOf(ledger: Ledger, id: string): LedgerParam {
  const p = ledger.params.find((q) => q.id === id);
  if (p === undefined) throw new BackpropError('argument', `practice: the ledger has no parameter ${id}; it has ${ledger.params.slice(0, 6).map((q) => q.id).join(', ')}${ledger.params.length > 6 ? ', …' : ''}`);
  return p;
}

/** For a weight: the layer (from 1, 0 = the inputs) and position of the node it leaves; null for a bias. */
export function sourceOf(p: LedgerParam): { layer: number; row: number } | null {
  return p.kind === 'weight' ? { layer: p.layer - 1, row: p.col! } : null;
}

/** Samples N and outputs K of the batch. */
export function batchShape(ledger: Ledger): { N: number; K: number } {
  return { N: ledger.network.batch, K: ledger.output[0]!.length };
}

/** The gradients of every bias of a layer and their sum (the seed notebook's bb2). */
export function biasSumOf(ledger: Ledger, layer: number): { perNeuron: readonly number[]; sum: number } {
  const b = ledger.biasSums.find((s) => s.layer === layer);
  if (b === undefined) throw new BackpropError('value', `practice: the ledger has no bias sums for layer ${layer}`);
  return b;
}

/** Every layer's weights (outputs × inputs) and biases, from layer 1. */
export function layerWeights(ledger: Ledger): { layer: number; weight: readonly (readonly number[])[]; bias: readonly number[] }[] {
  return ledger.layers.map((ly) => ({ layer: ly.layer, weight: ly.weight, bias: ly.bias }));
}

/** Every net input z of every layer and sample. */
export function netInputs(ledger: Ledger): number[] {
  return ledger.layers.flatMap((ly) => ly.z.flat());
}

/** The output layer's number (from 1). */
export function outputLayerOf(ledger: Ledger): number {
  return ledger.layers.length;
}
