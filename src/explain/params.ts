import { BackpropError } from '../errors.js';
import { noGrad } from '../autograd/node.js';
import { modelLoss, type LossName } from '../nn/losses.js';
import type { Dense } from '../nn/dense.js';
import type { Sequential } from '../nn/sequential.js';
import { SGD } from '../optim/sgd.js';
import { Tensor } from '../tensor/tensor.js';
import { biasId, nodeId, notebookBiasSumName, notebookWeightName, selects, weightId, type ParamSelector } from './names.js';
import type { LedgerBiasSum, LedgerLayer, LedgerParam, LedgerUpdate } from './types.js';

/**
 * One {@link LedgerParam} per scalar parameter (those chosen by `selector`, or all): its value,
 * its `.grad` from the engine, and the chain-rule contributions δ·x of each sample, whose sum is
 * checked against the `.grad` (`chain` = the largest disagreement). Also each layer's bias
 * gradients and their sum (the seed notebook's `bb2`).
 */
export function buildParams(
  dense: readonly Dense[],
  layers: readonly LedgerLayer[],
  sizes: readonly number[],
  selector: ParamSelector | null,
): { params: LedgerParam[]; biasSums: LedgerBiasSum[]; chain: number } {
  const params: LedgerParam[] = [];
  const biasSums: LedgerBiasSum[] = [];
  let chain = 0;
  dense.forEach((layer, l) => {
    const ly = layers[l]!;
    const gw = layer.weight.grad;
    const gb = layer.bias.grad;
    if (gw === null || gb === null) throw new BackpropError('autograd', `explain: the engine left no gradient on the parameters of layer ${l + 1}`);
    const inputs = l === 0 ? null : layers[l - 1]!.a;
    const xOf = (n: number, j: number): number => (inputs === null ? inputRow(layers, n, j) : inputs[n]![j]!);
    const U = layer.units;
    const I = layer.inputs;
    const N = ly.delta.length;
    const layerNo = l + 1;
    for (let i = 0; i < U; i++) {
      const entries: { kind: 'weight' | 'bias'; col: number | null }[] = [];
      for (let j = 0; j < I; j++) entries.push({ kind: 'weight', col: j });
      entries.push({ kind: 'bias', col: null });
      for (const { kind, col } of entries) {
        const all = chainAll(N, (n) => ly.delta[n]![i]!, (n) => (col === null ? 1 : xOf(n, col)));
        const grad = kind === 'weight' ? gw.data[i * I + col!]! : gb.data[i]!;
        chain = Math.max(chain, Math.abs(all.sum - grad));
        if (selector !== null && !selects(selector, kind, layerNo, i, col)) continue;
        const weight = kind === 'weight';
        params.push({
          id: weight ? weightId(layerNo, i, col!) : biasId(layerNo, i),
          engine: weight ? `${layer.weight.name ?? `${l}.weight`}[${i}][${col}]` : `${layer.bias.name ?? `${l}.bias`}[${i}]`,
          notebook: weight ? notebookWeightName(sizes, layerNo, i, col!) : null,
          kind,
          layer: layerNo,
          row: i,
          col,
          from: weight ? nodeId(sizes, l, col!) : null,
          to: nodeId(sizes, layerNo, i),
          value: weight ? ly.weight[i]![col!]! : ly.bias[i]!,
          grad,
          after: NaN,
          contributions: all.items,
          chainSum: all.sum,
        });
      }
    }
    const perNeuron: number[] = Array.from(gb.data);
    biasSums.push({ layer: layerNo, perNeuron, sum: perNeuron.reduce((a, b) => a + b, 0), notebook: notebookBiasSumName(layerNo) });
  });
  return { params, biasSums, chain };
}

/** The batch input x[n][j] (stored as the first layer's terms). */
function inputRow(layers: readonly LedgerLayer[], n: number, j: number): number {
  return layers[0]!.neurons[0]!.samples[n]!.terms[j]!.x;
}

function chainAll(N: number, delta: (n: number) => number, x: (n: number) => number): { items: LedgerParam['contributions']; sum: number } {
  const items: LedgerParam['contributions'] = [];
  let sum = 0;
  for (let n = 0; n < N; n++) {
    const d = delta(n);
    const xv = x(n);
    items.push({ sample: n, delta: d, x: xv, product: d * xv });
    sum += d * xv;
  }
  return { items, sum };
}

/**
 * One step of plain gradient descent, w ← w − η·∂E/∂w, applied by the engine's {@link SGD} to a
 * copy of the model carrying the same gradients; fills each param's `after` and returns the
 * cost and output after the step (recomputed by the engine). When the ledger is narrowed
 * (`focused`), also the cost after updating only those parameters, the others left as they were.
 */
export function buildUpdate(model: Sequential, loss: LossName, x: Tensor, t: Tensor, lr: number, costBefore: number, params: LedgerParam[], focused = false): LedgerUpdate {
  const copy = model.clone();
  const mine = model.parameters();
  const theirs = copy.parameters();
  theirs.forEach((p, k) => {
    const g = mine[k]!.grad!;
    p.grad = new Tensor(g.data.slice(), g.shape);
  });
  new SGD(theirs, { lr }).step();
  // NOTE: the ledger's parameters are the dense layers', in the order of the model's parameters.
  const after = new Map(copy.namedParameters());
  const tensorOf = (p: LedgerParam): Tensor => after.get(p.engine.slice(0, p.engine.indexOf('[')))!;
  for (const p of params) p.after = p.kind === 'weight' ? tensorOf(p).get(p.row, p.col!) : tensorOf(p).get(p.row);
  const { costAfter, outputAfter } = noGrad(() => {
    const y = copy.forward(x);
    const k = y.shape[1]!;
    return {
      costAfter: modelLoss(copy, loss, x, t).item(),
      outputAfter: Array.from({ length: y.shape[0]! }, (_, r) => Array.from(y.data.subarray(r * k, (r + 1) * k))),
    };
  });
  const update: LedgerUpdate = { lr, costBefore, costAfter, outputAfter, parameterCount: model.parameterCount() };
  if (focused) {
    // NOTE: plain SGD moves each parameter on its own, so "only these" is the same `after` on an untouched copy.
    const only = model.clone();
    const untouched = new Map(only.namedParameters());
    for (const p of params) {
      const t = untouched.get(p.engine.slice(0, p.engine.indexOf('[')))!;
      t.data[p.kind === 'weight' ? p.row * t.shape[1]! + p.col! : p.row] = p.after;
    }
    update.costAfterFocusOnly = noGrad(() => modelLoss(only, loss, x, t).item());
  }
  return update;
}
