import { ACTIVATION_TABLE } from '../../functions/activations/index.js';
import { LOSS_TABLE, lossCount, type LossName } from '../../functions/losses/index.js';
import type { Ledger, LedgerParam } from '../types.js';
import { batchShape, biasSumOf, layerInfo, neuronAt, nodeOf, outputLayerOf, sourceOf, type NeuronNumbers } from './read.js';
import type { DetailValue, LedgerRef, MistakeId } from './types.js';

/** What a mistake sees: the ledger, the asked parameter, and the shape of the batch. */
export interface MistakeContext {
  ledger: Ledger;
  p: LedgerParam;
  loss: LossName;
  N: number;
  K: number;
  /** The receiving neuron's numbers for sample n. */
  own(n: number): NeuronNumbers;
}

/** One way a mistake applies to a question: the gradient it gives, its figures and the lines it contradicts. */
export interface MistakeValue {
  value: number;
  detail: Record<string, DetailValue>;
  lines: LedgerRef[];
  /** `fused`: the mistake as made at an output folded into the loss (explained in its own words). */
  variant?: 'fused';
}

/**
 * One entry of the catalogue. `gradient` mistakes give a wrong ∂E/∂p (and, for an `updated`
 * question, the update made with it); `update` mistakes are slips in w ← w − η·∂E/∂w itself and
 * receive the right gradient, the parameter's value and η.
 */
export type Mistake =
  | { readonly id: MistakeId; readonly stage: 'gradient'; values(c: MistakeContext): MistakeValue[] }
  | { readonly id: MistakeId; readonly stage: 'update'; values(c: MistakeContext, u: { grad: number; value: number; lr: number }): MistakeValue[] };

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Σₙ δ′ₙ·xₙ: the parameter's gradient with a mistaken δ (and, if given, a mistaken carried value). */
function gradWith(c: MistakeContext, delta: (n: number) => number, carried: (n: number) => number = (n) => c.p.contributions[n]!.x): number {
  let s = 0;
  for (let n = 0; n < c.N; n++) s += delta(n) * carried(n);
  return s;
}

/** The receiving neuron's node number, its activation and the symbol of f′ at it (σ′(z6)). */
function at(c: MistakeContext): { node: number; act: string; fprime: string } {
  const act = layerInfo(c.ledger, c.p.layer).activation;
  const node = c.p.to;
  return { node, act, fprime: `${ACTIVATION_TABLE[act].symbol.text}′(z${node})` };
}

/** Per-sample refs of the receiving neuron: `kinds` for every sample, then the gradient. */
function ownLines(c: MistakeContext, ...kinds: ('dEda' | 'dadz' | 'delta')[]): LedgerRef[] {
  const out: LedgerRef[] = [];
  for (const n of range(c.N)) for (const kind of kinds) out.push({ kind, layer: c.p.layer, row: c.p.row, sample: n });
  out.push({ kind: 'grad' });
  return out;
}

/** Refs of the output layer's error for the first sample (∂E/∂y, or δ at an output folded into the loss). */
function errorLines(c: MistakeContext): LedgerRef[] {
  const L = outputLayerOf(c.ledger);
  const info = layerInfo(c.ledger, L);
  const kind = info.deltaRule === 'fused' ? 'delta' : 'dEda';
  const rows = c.p.layer === L ? [c.p.row] : range(info.units);
  return [{ kind: 'cost' }, ...rows.map((row): LedgerRef => ({ kind, layer: L, row, sample: 0 })), { kind: 'grad' }];
}

/** A receiving neuron whose δ is ∂E/∂a · f′(z) with both factors in the ledger (an elementwise activation not folded into the loss). */
function hasChainFactors(c: MistakeContext): boolean {
  const s = c.own(0);
  return s.dEda !== null && s.dadz !== null;
}

/**
 * The mistake catalogue, in the order a learner meets the steps: the activation's derivative,
 * the cost, the carried value, the paths of a hidden neuron, the bias, the batch, the update.
 * Every value is computed from the ledger's numbers (z, a, ∂E/∂a, f′(z), δ, paths,
 * contributions, bias sums — all from the engine's autograd run) and the activation and loss
 * tables (f, f′, the reduction); the right answer is never derived a second time.
 */
export const MISTAKES: readonly Mistake[] = [
  {
    id: 'activation-derivative-left-out',
    stage: 'gradient',
    values(c) {
      const { node, act, fprime } = at(c);
      const first = c.own(0);
      if (first.fused !== null) {
        // NOTE: at an output folded into the loss, δ = (y − t)/count already holds f′; without it, δ is ∂E/∂y alone.
        const spec = LOSS_TABLE[c.loss];
        const value = gradWith(c, (n) => {
          const f = c.own(n).fused!;
          return spec.cas.identityAt(f.y, f.t) / f.count;
        });
        return [{ value, detail: { node, act, dEdy: spec.cas.identity.text }, lines: ownLines(c, 'delta'), variant: 'fused' }];
      }
      if (!hasChainFactors(c)) return [];
      return [{ value: gradWith(c, (n) => c.own(n).dEda!), detail: { node, act, fprime, dadz: first.dadz! }, lines: ownLines(c, 'dadz', 'delta') }];
    },
  },
  {
    id: 'derivative-at-output',
    stage: 'gradient',
    values(c) {
      const { node, act, fprime } = at(c);
      const spec = ACTIVATION_TABLE[layerInfo(c.ledger, c.p.layer).activation];
      if (!hasChainFactors(c) || spec.f === undefined || spec.df === undefined) return [];
      const f = spec.f;
      const df = spec.df;
      const wrong = (n: number): number => {
        const a = c.own(n).a;
        return df(1, a, f(a));
      };
      const s = c.own(0);
      return [{
        value: gradWith(c, (n) => c.own(n).dEda! * wrong(n)),
        detail: { node, act, fprime, fAtA: `${spec.symbol.text}′(a${node})`, a: s.a, z: s.z, used: wrong(0), dadz: s.dadz! },
        lines: ownLines(c, 'dadz', 'delta'),
      }];
    },
  },
  {
    id: 'sigmoid-derivative-elsewhere',
    stage: 'gradient',
    values(c) {
      const { node, act, fprime } = at(c);
      const s = c.own(0);
      if (act === 'sigmoid' || !hasChainFactors(c)) return [];
      // NOTE: a·(1 − a) is the sigmoid's own rule from the table, σ′ = y(1 − y), applied to this activation's output.
      const sigmoid = ACTIVATION_TABLE.sigmoid.df!;
      const wrong = (n: number): number => sigmoid(1, c.own(n).z, c.own(n).a);
      return [{ value: gradWith(c, (n) => c.own(n).dEda! * wrong(n)), detail: { node, act, fprime, a: s.a, used: wrong(0), dadz: s.dadz! }, lines: ownLines(c, 'dadz', 'delta') }];
    },
  },
  {
    id: 'derivative-applied-twice',
    stage: 'gradient',
    values(c) {
      const { node, act } = at(c);
      if (c.own(0).fused === null) return [];
      // NOTE: y(1 − y) is σ′ for a sigmoid output and ∂yᵢ/∂zᵢ, the diagonal of the Jacobian, for a softmax.
      const diag = (n: number): number => c.own(n).a * (1 - c.own(n).a);
      return [{ value: gradWith(c, (n) => c.own(n).delta * diag(n)), detail: { node, act, factor: diag(0) }, lines: ownLines(c, 'delta') }];
    },
  },
  {
    id: 'cost-without-half',
    stage: 'gradient',
    values: (c) => (c.loss === 'sse' ? [{ value: 2 * c.p.grad, detail: {}, lines: errorLines(c) }] : []),
  },
  {
    id: 'square-derivative-without-two',
    stage: 'gradient',
    values: (c) => (c.loss === 'mse' ? [{ value: c.p.grad / 2, detail: { count: lossCount(c.loss, c.N, c.K) }, lines: errorLines(c) }] : []),
  },
  {
    id: 'mean-left-out',
    stage: 'gradient',
    values(c) {
      const count = lossCount(c.loss, c.N, c.K);
      return LOSS_TABLE[c.loss].reduction !== 'sum' && count > 1 ? [{ value: c.p.grad * count, detail: { count }, lines: errorLines(c) }] : [];
    },
  },
  {
    id: 'mean-added',
    stage: 'gradient',
    values(c) {
      const M = c.N * c.K;
      return LOSS_TABLE[c.loss].reduction === 'sum' && M > 1 ? [{ value: c.p.grad / M, detail: { count: M }, lines: errorLines(c) }] : [];
    },
  },
  {
    id: 'mean-over-samples-only',
    stage: 'gradient',
    values: (c) => (LOSS_TABLE[c.loss].reduction === 'all' && c.K > 1 ? [{ value: c.p.grad * c.K, detail: { n: c.N, count: c.N * c.K }, lines: errorLines(c) }] : []),
  },
  {
    id: 'error-sign-reversed',
    stage: 'gradient',
    values: (c) => [{ value: -c.p.grad, detail: {}, lines: errorLines(c) }],
  },
  {
    id: 'carried-net-input',
    stage: 'gradient',
    values(c) {
      const src = sourceOf(c.p);
      if (src === null || src.layer === 0 || layerInfo(c.ledger, src.layer).activation === 'linear') return [];
      const from = neuronAt(c.ledger, src.layer, src.row, 0);
      const value = gradWith(c, (n) => c.p.contributions[n]!.delta, (n) => neuronAt(c.ledger, src.layer, src.row, n).z);
      const lines: LedgerRef[] = [...range(c.N).map((n): LedgerRef => ({ kind: 'value', layer: src.layer, row: src.row, sample: n })), { kind: 'grad' }];
      return [{ value, detail: { from: c.p.from!, z: from.z, a: from.a }, lines }];
    },
  },
  {
    id: 'carried-network-input',
    stage: 'gradient',
    values(c) {
      const src = sourceOf(c.p);
      const xs = c.ledger.input;
      if (src === null || src.layer === 0 || src.row >= xs[0]!.length) return [];
      // NOTE: the textbook's ∂z/∂w = x read literally: the network's input at the source neuron's position, where the layer before sends a.
      const value = gradWith(c, (n) => c.p.contributions[n]!.delta, (n) => xs[n]![src.row]!);
      const lines: LedgerRef[] = [...range(c.N).map((n): LedgerRef => ({ kind: 'value', layer: src.layer, row: src.row, sample: n })), { kind: 'grad' }];
      return [{ value, detail: { from: c.p.from!, input: src.row + 1, x: xs[0]![src.row]!, a: neuronAt(c.ledger, src.layer, src.row, 0).a }, lines }];
    },
  },
  {
    id: 'carried-own-output',
    stage: 'gradient',
    values(c) {
      const src = sourceOf(c.p);
      if (src === null) return [];
      const value = gradWith(c, (n) => c.p.contributions[n]!.delta, (n) => c.own(n).a);
      const lines: LedgerRef[] = [...range(c.N).map((n): LedgerRef => ({ kind: 'value', layer: src.layer, row: src.row, sample: n })), { kind: 'grad' }];
      return [{ value, detail: { from: c.p.from!, to: c.p.to, a: c.own(0).a, x: c.p.contributions[0]!.x }, lines }];
    },
  },
  {
    id: 'one-path-only',
    stage: 'gradient',
    values(c) {
      const paths = c.own(0).paths;
      if (paths === null || paths.length < 2 || c.own(0).dadz === null) return [];
      return paths.map((path, k) => ({
        value: gradWith(c, (n) => c.own(n).paths![k]!.product * c.own(n).dadz!),
        detail: { node: c.p.to, via: path.to, count: paths.length },
        lines: ownLines(c, 'dEda', 'delta'),
      }));
    },
  },
  {
    id: 'paths-multiplied',
    stage: 'gradient',
    values(c) {
      const paths = c.own(0).paths;
      if (paths === null || paths.length < 2 || c.own(0).dadz === null) return [];
      const product = (n: number): number => c.own(n).paths!.reduce((acc, q) => acc * q.product, 1);
      return [{ value: gradWith(c, (n) => product(n) * c.own(n).dadz!), detail: { node: c.p.to, count: paths.length, used: product(0), dEda: c.own(0).dEda! }, lines: ownLines(c, 'dEda', 'delta') }];
    },
  },
  {
    id: 'bias-sum',
    stage: 'gradient',
    values(c) {
      if (c.p.kind !== 'bias' || layerInfo(c.ledger, c.p.layer).units < 2) return [];
      const sums = biasSumOf(c.ledger, c.p.layer);
      return [{ value: sums.sum, detail: { count: sums.perNeuron.length, layer: c.p.layer }, lines: [{ kind: 'biasSums', layer: c.p.layer }, { kind: 'grad' }] }];
    },
  },
  {
    id: 'bias-times-input',
    stage: 'gradient',
    values(c) {
      if (c.p.kind !== 'bias') return [];
      return c.own(0).inputs.map((x, j) => ({
        value: gradWith(c, (n) => c.p.contributions[n]!.delta, (n) => c.own(n).inputs[j]!),
        detail: { node: c.p.to, from: c.p.layer === 1 ? j + 1 : nodeOf(c.ledger, c.p.layer - 1, j), x },
        lines: [{ kind: 'grad' }],
      }));
    },
  },
  {
    id: 'one-sample-only',
    stage: 'gradient',
    values(c) {
      if (c.N < 2) return [];
      // NOTE: one sample alone, under the loss's own reduction: its term of the sum, rescaled from a batch of N to a batch of 1.
      const scale = lossCount(c.loss, c.N, c.K) / lossCount(c.loss, 1, c.K);
      return range(c.N).map((n) => ({ value: c.p.contributions[n]!.product * scale, detail: { sample: n + 1, n: c.N }, lines: [{ kind: 'grad' }] }));
    },
  },
  {
    id: 'update-sign-reversed',
    stage: 'update',
    values: (_c, u) => [{ value: u.value + u.lr * u.grad, detail: { lr: u.lr }, lines: [{ kind: 'update' }] }],
  },
  {
    id: 'update-without-rate',
    stage: 'update',
    values: (_c, u) => [{ value: u.value - u.grad, detail: { lr: u.lr }, lines: [{ kind: 'update' }] }],
  },
  {
    id: 'gradient-not-update',
    stage: 'update',
    values: (_c, u) => [{ value: u.grad, detail: { lr: u.lr }, lines: [{ kind: 'grad' }, { kind: 'update' }] }],
  },
];

/** Every mistake id, in catalogue order. */
export const MISTAKE_IDS: readonly MistakeId[] = MISTAKES.map((m) => m.id);

/** The context of a question on parameter `p` of `ledger`. */
export function mistakeContext(ledger: Ledger, p: LedgerParam): MistakeContext {
  const { N, K } = batchShape(ledger);
  return { ledger, p, loss: ledger.network.loss, N, K, own: (n) => neuronAt(ledger, p.layer, p.row, n) };
}
