import type { Sequential } from 'backprop';
import type { LayerWeights } from './state.js';
import { neuronNumbers, type Trace } from './trace.js';

/** A weight or bias of the network: layer from 1 (W1, b1 as in the notebook), row and col from 0. */
export interface ParamRef {
  kind: 'weight' | 'bias';
  layer: number;
  row: number;
  col: number | null;
}

/** `W2[0][0]` / `b1[1]`. */
export function paramId(p: ParamRef): string {
  return p.kind === 'weight' ? `W${p.layer}[${p.row}][${p.col}]` : `b${p.layer}[${p.row}]`;
}

/** Parses `W2[0][0]` / `b1[1]`; null when malformed. */
export function parseParamId(id: string): ParamRef | null {
  let m = /^W(\d+)\[(\d+)\]\[(\d+)\]$/.exec(id);
  if (m) return { kind: 'weight', layer: +m[1]!, row: +m[2]!, col: +m[3]! };
  m = /^b(\d+)\[(\d+)\]$/.exec(id);
  if (m) return { kind: 'bias', layer: +m[1]!, row: +m[2]!, col: null };
  return null;
}

/** Node number through the network, inputs first from 1 (seed network: inputs 1–3, hidden 4–5, outputs 6–7). */
export function nodeNumber(sizes: readonly number[], layer: number, index: number): number {
  let offset = 0;
  for (let l = 0; l < layer; l++) offset += sizes[l]!;
  return offset + index + 1;
}

/**
 * The seed notebook's name of a weight: `w` + the node it leaves + the position (from 1) of the
 * neuron it feeds; W2[0][0] of the seed network is `w41`. Two-digit parts are joined by `_`.
 */
export function notebookName(sizes: readonly number[], p: ParamRef): string | null {
  if (p.kind !== 'weight') return null;
  const from = nodeNumber(sizes, p.layer - 1, p.col!);
  const to = p.row + 1;
  return from < 10 && to < 10 ? `w${from}${to}` : `w${from}_${to}`;
}

/** True when `p` exists in a network with `sizes`. */
export function paramExists(sizes: readonly number[], p: ParamRef): boolean {
  if (p.layer < 1 || p.layer >= sizes.length || p.row >= sizes[p.layer]!) return false;
  return p.kind === 'bias' || (p.col !== null && p.col < sizes[p.layer - 1]!);
}

/** How the δ of the neuron a parameter feeds was formed, for sample 0, with its numbers. */
export type DeltaStory =
  | { rule: 'output'; y: number; t: number; dEda: number; dadz: number; delta: number }
  | { rule: 'fused'; y: number; t: number; count: number; delta: number }
  | { rule: 'softmax'; dEda: number; delta: number }
  | { rule: 'hidden'; paths: { to: number; delta: number; w: number; product: number }[]; dEda: number; dadz: number; delta: number };

/**
 * The chain-rule account of one parameter after Backward — the same fields as the library
 * ledger's `LedgerParam` (value, grad, per-sample contributions δ·x and their sum) plus the story
 * of the δ involved.
 */
export interface ParamLedger {
  id: string;
  notebook: string | null;
  ref: ParamRef;
  /** Source node (weights) or null for a bias (input 1). */
  from: number | null;
  to: number;
  value: number;
  grad: number;
  contributions: { sample: number; delta: number; x: number; product: number }[];
  chainSum: number;
  story: DeltaStory;
  batch: number;
}

/**
 * Builds the account of `p` from the engine's numbers in `trace` (Backward must have run).
 * After an Update the model holds the new weights: pass the weights of the traced pass as
 * `tracedWeights` so values and the paths' w are those the gradient was computed with.
 */
export function paramLedger(model: Sequential, trace: Trace, sizes: readonly number[], p: ParamRef, tracedWeights?: readonly LayerWeights[]): ParamLedger {
  const l = p.layer - 1;
  const layer = model.layers[l]!;
  const N = trace.x.shape[0]!;
  const units = sizes[p.layer]!;
  const inWidth = sizes[p.layer - 1]!;
  const input = l === 0 ? trace.x : trace.as[l - 1]!;
  const deltas = trace.zs[l]!.grad!.data;
  const contributions = [];
  let chainSum = 0;
  for (let s = 0; s < N; s++) {
    const delta = deltas[s * units + p.row]!;
    const x = p.kind === 'bias' ? 1 : input.data[s * inWidth + p.col!]!;
    contributions.push({ sample: s, delta, x, product: delta * x });
    chainSum += delta * x;
  }
  const tensor = p.kind === 'weight' ? layer.weight : layer.bias;
  const flat = p.kind === 'weight' ? p.row * inWidth + p.col! : p.row;
  return {
    id: paramId(p),
    notebook: notebookName(sizes, p),
    ref: p,
    from: p.kind === 'weight' ? nodeNumber(sizes, p.layer - 1, p.col!) : null,
    to: nodeNumber(sizes, p.layer, p.row),
    value: tracedWeights ? (p.kind === 'weight' ? tracedWeights[l]!.W[p.row]![p.col!]! : tracedWeights[l]!.b[p.row]!) : tensor.data[flat]!,
    grad: tensor.grad!.data[flat]!,
    contributions,
    chainSum,
    story: deltaStory(model, trace, sizes, l, p.row, tracedWeights),
    batch: N,
  };
}

function deltaStory(model: Sequential, trace: Trace, sizes: readonly number[], l: number, j: number, tracedWeights?: readonly LayerWeights[]): DeltaStory {
  const L = model.layers.length;
  const n = neuronNumbers(model, trace, l, j, 0);
  const delta = n.delta!;
  if (l === L - 1) {
    const y = n.a;
    const t = trace.t.data[j]!;
    if (trace.fused) return { rule: 'fused', y, t, count: trace.loss === 'bce' ? trace.t.size : trace.t.shape[0]!, delta };
    if (n.dadz === null) return { rule: 'softmax', dEda: n.dEda!, delta };
    return { rule: 'output', y, t, dEda: n.dEda!, dadz: n.dadz, delta };
  }
  const next = model.layers[l + 1]!;
  const nextUnits = sizes[l + 2]!;
  const nextDelta = trace.zs[l + 1]!.grad!.data;
  const paths = [];
  for (let k = 0; k < nextUnits; k++) {
    const w = tracedWeights ? tracedWeights[l + 1]!.W[k]![j]! : next.weight.data[k * sizes[l + 1]! + j]!;
    const d = nextDelta[k]!;
    paths.push({ to: nodeNumber(sizes, l + 2, k), delta: d, w, product: d * w });
  }
  return { rule: 'hidden', paths, dEda: n.dEda!, dadz: n.dadz!, delta };
}
