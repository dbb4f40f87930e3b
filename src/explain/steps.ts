import { BackpropError } from '../errors.js';
import type { LayerKindName } from '../nn/layer-kinds.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TracedActivation, TracedDropout, TracedNorm, TracedRun, TracedStep } from './graph.js';
import { rows } from './values.js';
import type { LedgerActivationStep, LedgerDropoutStep, LedgerNormStep, LedgerParam, LedgerRunning, LedgerStep, LedgerStepValues } from './types.js';
import { nodeId } from './names.js';

/** Batch norm's running statistics before the traced run, by layer position. */
export type RunningBefore = ReadonlyMap<number, { mean: number[]; variance: number[]; batches: number }>;

/** What a step builder needs besides its traced values. */
interface StepContext {
  /** The dense layer before the step (0 on the inputs). */
  block: number;
  running: RunningBefore;
}

type StepBuilder<S extends TracedStep> = (traced: S, ctx: StepContext) => { step: LedgerStep; check: number };

/**
 * The ledger's account of each layer kind, from what the tracer found in the recorded graph
 * (src/explain/graph.ts). Complete over the kinds: a kind without its entry does not compile. A
 * dense layer is a reference to its entry of `ledger.layers` (built in trace.ts, unchanged); the
 * others carry their numbers and a by-hand backward pass checked against the engine's (`check`).
 */
const STEP_BUILDERS: { readonly [K in LayerKindName]: StepBuilder<Extract<TracedStep, { kind: K }>> } = {
  dense: (traced, { block }) => ({ step: { kind: 'dense', index: traced.index, layer: block }, check: 0 }),
  activation: activationStep,
  batch_norm: normStep,
  layer_norm: normStep,
  dropout: dropoutStep,
};

/**
 * One {@link LedgerStep} per layer, and the largest disagreement between the steps' by-hand
 * backward passes and the engine's gradients.
 */
export function buildSteps(run: TracedRun, running: RunningBefore): { steps: LedgerStep[]; check: number } {
  let dense = 0;
  let check = 0;
  const steps = run.steps.map((traced) => {
    if (traced.kind === 'dense') dense++;
    const build = STEP_BUILDERS[traced.kind] as StepBuilder<TracedStep>;
    const out = build(traced, { block: dense, running });
    check = Math.max(check, out.check);
    return out.step;
  });
  return { steps, check };
}

function gradRows(t: Tensor, what: string): number[][] {
  if (t.grad === null) throw new BackpropError('autograd', `explain: the engine left no gradient on ${what}`);
  const [n, k] = [t.shape[0]!, t.shape[1]!];
  return Array.from({ length: n }, (_, r) => Array.from(t.grad!.data.subarray(r * k, (r + 1) * k)));
}

function values(traced: { index: number; input: Tensor; output: Tensor }, block: number): LedgerStepValues {
  const at = `layer ${traced.index + 1}`;
  return { index: traced.index, block, input: rows(traced.input), output: rows(traced.output), dEdInput: gradRows(traced.input, `the input of ${at}`), dEdOutput: gradRows(traced.output, `the output of ${at}`) };
}

/** a = f(z): the engine's f′ and the check ∂E/∂z = ∂E/∂a·f′(z). */
function activationStep(traced: TracedActivation, { block }: StepContext): { step: LedgerActivationStep; check: number } {
  if (traced.output === null) throw new BackpropError('unsupported', 'explain: the output layer must be a dense layer (an activation layer whose activation is folded into the loss is not explained)');
  const v = values({ ...traced, output: traced.output }, block);
  const F = v.input[0]!.length;
  const dadz = traced.local === null ? null : v.input.map((_, n) => Array.from(traced.local!.subarray(n * F, (n + 1) * F)));
  let check = 0;
  if (dadz !== null) v.dEdInput.forEach((row, n) => row.forEach((g, j) => (check = Math.max(check, Math.abs(v.dEdOutput[n]![j]! * dadz[n]![j]! - g)))));
  return { step: { kind: 'activation', ...v, activation: traced.layer.activation, dadz }, check };
}

/** Dropout: which units were dropped, and the check ∂E/∂h = ∂E/∂a·m/(1 − p). */
function dropoutStep(traced: TracedDropout, { block }: StepContext): { step: LedgerDropoutStep; check: number } {
  const v = values(traced, block);
  const F = v.input[0]!.length;
  const layer = traced.layer;
  const mask = traced.mask === null ? null : v.input.map((_, n) => Array.from(traced.mask!.subarray(n * F, (n + 1) * F)));
  let check = 0;
  v.dEdInput.forEach((row, n) => row.forEach((g, j) => {
    const m = mask === null ? 1 : mask[n]![j]! * layer.scale;
    check = Math.max(check, Math.abs(v.dEdOutput[n]![j]! * m - g));
  }));
  return { step: { kind: 'dropout', ...v, p: layer.p, scale: layer.scale, mask }, check };
}

/**
 * Batch norm or layer norm: the statistics, x̂, and the backward pass derived by hand through x̂,
 * σ² and μ, group by group (a batch-norm feature over the samples, a layer-norm sample over its
 * features), checked against the engine's ∂E/∂x.
 */
function normStep(traced: TracedNorm, { block, running }: StepContext): { step: LedgerNormStep; check: number } {
  const v = values(traced, block);
  const layer = traced.layer;
  const batch = traced.kind === 'batch_norm';
  const N = v.input.length;
  const F = v.input[0]!.length;
  const byFeature = batch;
  const batchStatistics = batch ? layer.training : true;
  const groups = byFeature ? F : N;
  const n = byFeature ? N : F;
  const at = (g: number, k: number): [number, number] => (byFeature ? [k, g] : [g, k]);
  const x = v.input;
  const mean: number[] = [];
  const variance: number[] = [];
  const before = batch ? running.get(traced.index) : undefined;
  for (let g = 0; g < groups; g++) {
    if (!batchStatistics) {
      mean.push(before!.mean[g]!);
      variance.push(before!.variance[g]!);
      continue;
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += x[at(g, k)[0]]![at(g, k)[1]]!;
    const mu = s / n;
    let q = 0;
    for (let k = 0; k < n; k++) q += (x[at(g, k)[0]]![at(g, k)[1]]! - mu) ** 2;
    mean.push(mu);
    variance.push(q / n);
  }
  const gamma = layer.weight === null ? null : Array.from(layer.weight.data);
  const beta = layer.bias === null ? null : Array.from(layer.bias.data);
  const groupOf = (r: number, j: number): number => (byFeature ? j : r);
  const xhat = x.map((row, r) => row.map((xv, j) => (xv - mean[groupOf(r, j)]!) / Math.sqrt(variance[groupOf(r, j)]! + layer.eps)));
  const dxhat = v.dEdOutput.map((row, r) => row.map((g, j) => g * (gamma === null ? 1 : gamma[j]!)));
  const dvar: number[] = [];
  const dmu: number[] = [];
  const dx = x.map((row) => row.map(() => 0));
  for (let g = 0; g < groups; g++) {
    const s2 = variance[g]! + layer.eps;
    const std = Math.sqrt(s2);
    let dv = 0;
    let dm = 0;
    let centred = 0;
    for (let k = 0; k < n; k++) {
      const [r, j] = at(g, k);
      dv += dxhat[r]![j]! * (x[r]![j]! - mean[g]!) * -0.5 * s2 ** -1.5;
      dm += -dxhat[r]![j]! / std;
      centred += -2 * (x[r]![j]! - mean[g]!);
    }
    if (!batchStatistics) {
      dv = 0;
      dm = 0;
    } else {
      dm += (dv * centred) / n;
    }
    dvar.push(dv);
    dmu.push(dm);
    for (let k = 0; k < n; k++) {
      const [r, j] = at(g, k);
      dx[r]![j] = dxhat[r]![j]! / std + (batchStatistics ? (dv * 2 * (x[r]![j]! - mean[g]!)) / n + dm / n : 0);
    }
  }
  let check = 0;
  dx.forEach((row, r) => row.forEach((d, j) => (check = Math.max(check, Math.abs(d - v.dEdInput[r]![j]!) / Math.max(1, Math.abs(d))))));
  let runningStats: LedgerRunning | null = null;
  if (batch && batchStatistics && before !== undefined) {
    const bn = traced.layer as TracedNorm<'batch_norm'>['layer'];
    const batches = bn.numBatchesTracked.data[0]!;
    runningStats = {
      factor: bn.momentum ?? 1 / batches,
      unbiased: variance.map((s) => (s * N) / (N - 1)),
      meanBefore: before.mean,
      varBefore: before.variance,
      meanAfter: Array.from(bn.runningMean.data),
      varAfter: Array.from(bn.runningVar.data),
      batches,
    };
  }
  return {
    step: { kind: traced.kind, ...v, eps: layer.eps, batchStatistics, mean, variance, xhat, gamma, beta, derivation: { dxhat, dvar, dmu, dx }, running: runningStats },
    check,
  };
}

/**
 * One {@link LedgerParam} per γ and β of the normalisation steps: ∂E/∂γⱼ = Σₙ ∂E/∂uₙⱼ·x̂ₙⱼ and
 * ∂E/∂βⱼ = Σₙ ∂E/∂uₙⱼ, each sample's product listed, the sum checked against the engine's `.grad`.
 */
export function normParams(steps: readonly LedgerStep[], run: TracedRun, sizes: readonly number[]): { params: LedgerParam[]; chain: number } {
  const params: LedgerParam[] = [];
  let chain = 0;
  for (const step of steps) {
    if (step.kind !== 'batch_norm' && step.kind !== 'layer_norm') continue;
    const traced = run.steps[step.index] as TracedNorm;
    const { weight, bias } = traced.layer;
    if (weight === null || bias === null) continue;
    const names = [`${step.index}.weight`, `${step.index}.bias`];
    [weight, bias].forEach((t, which) => {
      const kind = which === 0 ? 'gamma' : 'beta';
      for (let j = 0; j < t.size; j++) {
        const contributions = step.dEdOutput.map((row, n) => {
          const x = kind === 'gamma' ? step.xhat[n]![j]! : 1;
          return { sample: n, delta: row[j]!, x, product: row[j]! * x };
        });
        const sum = contributions.reduce((a, c) => a + c.product, 0);
        const grad = t.grad!.data[j]!;
        chain = Math.max(chain, Math.abs(sum - grad));
        params.push({
          id: `${kind === 'gamma' ? 'γ' : 'β'}${step.block}[${j}]`,
          engine: `${t.name ?? names[which]}[${j}]`,
          notebook: null,
          kind,
          layer: step.block,
          step: step.index,
          row: j,
          col: null,
          from: null,
          to: nodeId(sizes, step.block, j),
          value: t.data[j]!,
          grad,
          after: NaN,
          contributions,
          chainSum: sum,
        });
      }
    });
  }
  return { params, chain };
}
