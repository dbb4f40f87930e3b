import { displayLedger } from '../display/ledger.js';
import { withDisplay } from '../display/protocol.js';
import { BackpropError } from '../errors.js';
import { noGrad } from '../autograd/node.js';
import { activate } from '../nn/activations.js';
import { BatchNorm1d } from '../nn/batch-norm.js';
import { Dense } from '../nn/dense.js';
import { LOSS_TABLE, lossFromLogits, type LossName } from '../nn/losses.js';
import { checkPenalty, PENALTY_TABLE, penalizedParameters, type Penalty } from '../nn/penalty.js';
import type { Sequential } from '../nn/sequential.js';
import { shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { traceRun, type TracedRun } from './graph.js';
import { nodeId, numberNodes, parseParamName } from './names.js';
import { buildParams, buildUpdate } from './params.js';
import { buildSteps, normParams, type RunningBefore } from './steps.js';
import { buildSymbolic } from './symbolic-section.js';
import type { DeltaRule, Ledger, LedgerLayer, LedgerNaming, LedgerNeuron, LedgerPenalty, LedgerStep } from './types.js';
import { rows, rowsOf } from './values.js';

/** Settings of {@link explain}. */
export interface ExplainOptions {
  /** The cost function; default `sse` (½·Σ(y − t)², the seed notebook's). */
  loss?: LossName;
  /** η of the update step shown at the end; default 0.5 (the seed notebook's). */
  lr?: number;
  /** `notebook` (w41 beside W2[0][0]), `matrix` (W2[0][0] only) or `auto` (notebook up to 99 nodes); default `auto`. */
  naming?: LedgerNaming | 'auto';
  /** Narrow the ledger to one parameter or one matrix: `W1[0][2]`, `w41`, `b2`, `0.weight[0][2]`. */
  param?: string;
  /** Refuse networks with more scalar parameters than this (unless `param` narrows); default 5000. */
  maxParameters?: number;
  /** L1/L2 penalties added to the cost (their λ·w terms then show in each weight's gradient). */
  penalty?: Penalty;
  /**
   * `train` (default): the step as training takes it — batch norm with the batch's statistics
   * (and their running averages updated), dropout with a fresh mask; `eval`: the running
   * statistics, no dropout. The model's mode, running statistics and generators are left as they were.
   */
  mode?: 'train' | 'eval';
  /** Refuse more samples than this (the ledger shows every sample's numbers); default 1000. */
  maxSamples?: number;
}

/**
 * Explains one step of backpropagation with the numbers: runs the model on `input`, lets the
 * engine's autograd compute every gradient, and returns a language-neutral {@link Ledger} of
 * the forward steps, the cost, the derivatives used, each parameter's chain-rule product and
 * value, the δ of every layer, and one gradient-descent step with the cost after it.
 *
 * Every gradient in the ledger is read from the engine (`.grad` of the parameters, the retained
 * `.grad` of each layer's z and a, the local derivatives of each recorded op); none is derived a
 * second time by hand. As a side effect the model's parameters hold ∂E/∂p in `.grad`, as after
 * `loss.backward()`; their values are not changed (the update is applied to a copy).
 *
 * Shape: input N × inputs, target N × outputs (samples as rows).
 *
 * @example
 * ```ts
 * const ledger = explain(seedNetwork(), SEED.input, SEED.target, { lr: 0.5 });   // nn/seed.ts
 * ledger.params.find((p) => p.notebook === 'w41')!.grad;   // 0.04047892…
 * renderText(ledger, { lang: 'ko' });
 * ```
 */
export function explain(model: Sequential, input: Tensor | number[][], target: Tensor | number[][], options: ExplainOptions = {}): Ledger {
  const loss = options.loss ?? 'sse';
  const lr = options.lr ?? 0.5;
  if (!(Number.isFinite(lr) && lr >= 0)) throw new BackpropError('value', `explain: the learning rate must be a finite number ≥ 0, got ${lr}`);
  const x = toTensor(input, model, 'input', model.inputSize);
  const t = toTensor(target, model, 'target', model.outputSize);
  if (x.shape[0] !== t.shape[0]) {
    throw new BackpropError('shape', `explain: input has ${x.shape[0]} samples but target has ${t.shape[0]}`);
  }
  // NOTE: 20,000 samples made a 31 MB ledger in 10 s; a million would print for hours.
  const maxSamples = options.maxSamples ?? 1000;
  if (x.shape[0]! > maxSamples) {
    throw new BackpropError('unsupported', `explain: ${x.shape[0]} samples, more than maxSamples = ${maxSamples} that a ledger can show readably; explain a few rows`);
  }
  if (!(model.layers[model.layers.length - 1] instanceof Dense)) {
    throw new BackpropError('unsupported', `explain: the network must end with a dense layer (it ends with ${model.layers[model.layers.length - 1]!.describe()})`);
  }
  const sizes = model.sizes;
  const selector = options.param === undefined ? null : parseParamName(options.param, sizes);
  const maxParameters = options.maxParameters ?? 5000;
  if (selector === null && model.parameterCount() > maxParameters) {
    throw new BackpropError(
      'unsupported',
      `explain: the network has ${model.parameterCount()} parameters, more than maxParameters = ${maxParameters} that a ledger can show readably; narrow it with param (e.g. "W1[0][0]") or raise maxParameters`,
    );
  }
  const naming: LedgerNaming = options.naming === 'matrix' || options.naming === 'notebook' ? options.naming : sizes.reduce((a, b) => a + b, 0) <= 99 ? 'notebook' : 'matrix';
  const penalty = checkPenalty(options.penalty, 'explain') ? options.penalty! : undefined;
  // NOTE: a training step changes batch norm's running statistics and dropout's generator; the
  // ledger shows those changes but leaves the model as it found it (only .grad is set).
  return model.preservingState(() => {
    model.train(options.mode !== 'eval');
    const running: RunningBefore = new Map(model.layers.flatMap((l, i) => (l instanceof BatchNorm1d ? [[i, { mean: Array.from(l.runningMean.data), variance: Array.from(l.runningVar.data), batches: l.numBatchesTracked.data[0]! }] as const] : [])));
    const run = traceRun(model, loss, x, t, penalty);
    const layers = buildLayers(run, t);
    const { steps, check: stepCheck } = buildSteps(run, running);
    const N = x.shape[0]!;
    const output = layers[layers.length - 1]!.a;
    const penalised = penalty === undefined ? undefined : { p: penalty, params: new Set(penalizedParameters(model, penalty)) };
    const { params, biasSums, chain } = buildParams(run.layers.map((l) => l.layer), run.layers.map((l) => rows(l.input)), layers, sizes, selector, penalised);
    const norm = selector === null ? normParams(steps, run, sizes) : { params: [], chain: 0 };
    params.push(...norm.params);
    const masks = new Map(run.steps.flatMap((s) => (s.kind === 'dropout' && s.mask !== null ? [[s.index, s.mask] as const] : [])));
    const update = buildUpdate(model, loss, x, t, lr, run.cost, params, selector !== null, penalty, masks);
    const symbolic = buildSymbolic(run, layers, steps, loss, rows(t));
    const mixed = steps.some((s) => s.kind !== 'dense');
    const ledger: Ledger = {
      format: 'backprop-ledger',
      version: 1,
      network: { sizes, activations: run.layers.map((l) => l.layer.activation), loss, fused: run.fused, batch: N, dtype: model.dtype, naming },
      input: rows(x),
      target: rows(t),
      nodes: numberNodes(sizes),
      layers,
      steps,
      output,
      cost: { loss, value: run.cost, perSample: perSampleCost(model, loss, layers[layers.length - 1]!, t) },
      symbolic,
      params,
      biasSums,
      update,
      checks: { chain: Math.max(chain, norm.chain), paths: Math.max(pathsCheck(layers), stepPathsCheck(steps, layers)), symbolic: Math.max(symbolic.loss.maxDiff, ...symbolic.activations.map((a) => a.maxDiff)), ...(mixed && { steps: stepCheck }) },
      focus: selector === null ? null : params.map((p) => p.id),
    };
    if (penalty !== undefined) ledger.penalty = penaltyOf(model, penalty, run.dataCost);
    return withDisplay<Ledger>(ledger, displayLedger);
  });
}

/** The penalty's sums over the penalised weights, and its value. */
function penaltyOf(model: Sequential, p: Penalty, loss: number): LedgerPenalty {
  const weights = penalizedParameters(model, p);
  const sumAbs = weights.reduce((s, w) => s + PENALTY_TABLE.l1.value(w.data), 0);
  const halfSumSquares = weights.reduce((s, w) => s + PENALTY_TABLE.l2.value(w.data), 0);
  const l1 = p.l1 ?? 0;
  const l2 = p.l2 ?? 0;
  return { l1, l2, sumAbs, halfSumSquares, value: l1 * sumAbs + l2 * halfSumSquares, loss };
}

function toTensor(v: Tensor | number[][], model: Sequential, what: string, cols: number): Tensor {
  const t = v instanceof Tensor ? v : new Tensor(Float64Array.from(v.flat()), [v.length, v[0]?.length ?? 0]);
  if (t.ndim !== 2 || t.shape[1] !== cols || t.shape[0] === 0) {
    throw new BackpropError('shape', `explain: expected the ${what} as N × ${cols} (samples as rows), got ${shapeToString(t.shape)}`);
  }
  return t.dtype === model.dtype ? t : t.astype(model.dtype);
}

function buildLayers(run: TracedRun, t: Tensor): LedgerLayer[] {
  const L = run.layers.length;
  const sizes = [run.layers[0]!.layer.inputs, ...run.layers.map((l) => l.layer.units)];
  // NOTE: a dense layer followed by another kind of layer gets its ∂E/∂a from that layer, not by paths.
  const denseNext = run.steps.flatMap((s, i) => (s.kind === 'dense' ? [run.steps[i + 1]?.kind ?? 'dense'] : [])).map((k) => k === 'dense');
  const out: LedgerLayer[] = [];
  for (let l = 0; l < L; l++) {
    const tr = run.layers[l]!;
    const layer = tr.layer;
    const N = tr.z.shape[0]!;
    const U = layer.units;
    const last = l === L - 1;
    const a = tr.a ?? noGrad(() => activate(layer.activation, tr.z));
    if (tr.z.grad === null || (tr.a !== null && tr.a.grad === null)) {
      throw new BackpropError('autograd', `explain: the engine left no gradient on z or a of layer ${l + 1}`);
    }
    const deltaRule: DeltaRule = !last ? (denseNext[l] ? 'hidden' : 'next') : tr.a === null ? 'fused' : layer.activation === 'softmax' ? 'softmax' : 'output';
    out.push({
      layer: l + 1,
      activation: layer.activation,
      role: last ? 'output' : 'hidden',
      weight: layer.weight.to2D(),
      bias: layer.bias.to1D(),
      z: rows(tr.z),
      a: rows(a),
      dEda: tr.a === null ? null : rowsOf(tr.a.grad!.data, N, U),
      dadz: tr.local === null ? null : rowsOf(tr.local, N, U),
      delta: rowsOf(tr.z.grad.data, N, U),
      deltaRule,
      neurons: [],
    });
  }
  for (let l = 0; l < L; l++) out[l]!.neurons = buildNeurons(run, out, l, sizes, t);
  return out;
}

function buildNeurons(run: TracedRun, layers: LedgerLayer[], l: number, sizes: readonly number[], t: Tensor): LedgerNeuron[] {
  const ly = layers[l]!;
  const tr = run.layers[l]!;
  const inputs = rows(tr.input);
  const next = layers[l + 1];
  const K = t.shape[1]!;
  const N = inputs.length;
  const fusedCount = run.fused && ly.activation === 'softmax' ? N : N * K;
  return ly.bias.map((b, i) => ({
    node: nodeId(sizes, l + 1, i),
    index: i,
    samples: inputs.map((x, n) => {
      const s: LedgerNeuron['samples'][number] = {
        terms: x.map((xv, j) => ({ from: nodeId(sizes, l, j), w: ly.weight[i]![j]!, x: xv })),
        b,
        z: ly.z[n]![i]!,
        a: ly.a[n]![i]!,
        dEda: ly.dEda === null ? null : ly.dEda[n]![i]!,
        dadz: ly.dadz === null ? null : ly.dadz[n]![i]!,
        delta: ly.delta[n]![i]!,
      };
      if (next !== undefined && ly.deltaRule === 'hidden') {
        s.paths = next.bias.map((_, k) => {
          const d = next.delta[n]![k]!;
          const w = next.weight[k]![i]!;
          return { to: nodeId(sizes, l + 2, k), delta: d, w, product: d * w };
        });
      } else if (ly.deltaRule === 'softmax') {
        const J = tr.jacobian![n]!;
        s.jacobian = ly.bias.map((_, k) => {
          const g = ly.dEda![n]![k]!;
          return { to: nodeId(sizes, l + 1, k), dEda: g, dyk: J[k]![i]!, product: g * J[k]![i]! };
        });
      } else if (ly.deltaRule === 'fused') {
        s.fused = { y: ly.a[n]![i]!, t: t.data[n * K + i]!, count: fusedCount };
      }
      return s;
    }),
  }));
}

/**
 * Each sample's share of the cost, computed by the engine one row at a time from the output
 * layer's net inputs of the batch (a row on its own through batch norm or dropout would be another
 * computation).
 */
function perSampleCost(model: Sequential, loss: LossName, out: LedgerLayer, t: Tensor): number[] {
  const N = out.z.length;
  const scale = LOSS_TABLE[loss].reduction === 'sum' ? 1 : 1 / N;
  const act = model.outputActivation;
  return noGrad(() => out.z.map((z, n) => scale * lossFromLogits(loss, act, new Tensor(Float64Array.from(z), [1, z.length]).astype(t.dtype), sliceRow(t, n)).item()));
}

function sliceRow(t: Tensor, n: number): Tensor {
  const k = t.shape[1]!;
  return new Tensor(t.data.slice(n * k, (n + 1) * k), [1, k]);
}

/** max |Σₖ δₖ·wₖⱼ − ∂E/∂aⱼ| over the layers of other kinds that feed a dense layer. */
function stepPathsCheck(steps: readonly LedgerStep[], layers: readonly LedgerLayer[]): number {
  let m = 0;
  steps.forEach((st, i) => {
    const next = steps[i + 1];
    if (st.kind === 'dense' || next?.kind !== 'dense') return;
    const ly = layers[next.layer - 1]!;
    st.dEdOutput.forEach((row, n) => row.forEach((g, j) => {
      let sum = 0;
      for (let k = 0; k < ly.weight.length; k++) sum += ly.delta[n]![k]! * ly.weight[k]![j]!;
      m = Math.max(m, Math.abs(sum - g));
    }));
  });
  return m;
}

/** max |Σ paths − ∂E/∂a| over hidden neurons and samples. */
function pathsCheck(layers: LedgerLayer[]): number {
  let m = 0;
  for (const ly of layers) {
    for (const nr of ly.neurons) {
      for (const s of nr.samples) {
        if (s.paths === undefined || s.dEda === null) continue;
        const sum = s.paths.reduce((acc, p) => acc + p.product, 0);
        m = Math.max(m, Math.abs(sum - s.dEda));
      }
    }
  }
  return m;
}
