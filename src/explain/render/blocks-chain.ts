import { ACTIVATION_TABLE } from '../../nn/activations.js';
import { LOSS_TABLE, lossCount } from '../../nn/losses.js';
import type { Ledger, LedgerLayer, LedgerParam } from '../types.js';
import type { Tr } from './blocks.js';
import { deltaLines, paramLabel } from './blocks-backward.js';
import { cat, same, type Block, type Math2, type Notation } from './notation.js';

/** Samples listed one by one in a parameter's chain (the rest are summed without a row each). */
export const CHAIN_ROWS = 5;

/**
 * The `chain` section: each chosen parameter's gradient by the chain rule, compactly — how δ of
 * the neuron it feeds is formed (the rule, the derivatives computer algebra found for it, and the
 * numbers of the first sample), then ∂E/∂p = Σₙ δ·x with each sample's product (the first
 * {@link CHAIN_ROWS}). What one parameter's panel shows (the playground's ledger); the
 * `backward` section is the full account, every neuron of every layer on the way.
 */
export function chainBlocks(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  for (const p of ledger.params) {
    out.push({ kind: 'heading', level: 2, text: tr('secChain', { p: paramLabel(ledger, p) }) });
    paramChain(ledger, p, tr, nt, out);
  }
}

function paramChain(ledger: Ledger, p: LedgerParam, tr: Tr, nt: Notation, out: Block[]): void {
  const N = ledger.network.batch;
  const ly = ledger.layers[p.layer - 1]!;
  const next = ledger.layers[p.layer];
  const nr = ly.neurons[p.row]!;
  const count = nr.samples[0]?.fused?.count ?? N;
  out.push({ kind: 'para', text: ly.deltaRule === 'hidden' ? tr('deltaHidden', { layer: ly.layer }) : tr(ly.deltaRule === 'fused' ? 'deltaFused' : ly.deltaRule === 'softmax' ? 'deltaSoftmax' : 'deltaOutput', { count }) });
  const derivatives = derivativeLines(ledger, ly);
  if (derivatives.length > 0) {
    out.push({ kind: 'para', text: tr('chainDerivatives') });
    out.push({ kind: 'math', lines: derivatives });
  }
  if (N > 1) out.push({ kind: 'para', text: tr('chainFirstSample', { n: N }) });
  out.push({ kind: 'math', lines: deltaLines(ledger, ly, next, nr, 0, nt) });

  const name = nt.param(p);
  const x = p.from === null ? same('1') : nt.value(p.from);
  const rule = nt.prod(nt.delta(p.to), x);
  if (N === 1) {
    const c = p.contributions[0]!;
    out.push({ kind: 'math', lines: [{ lhs: nt.dE(name), rhs: cat(rule, ' = ', nt.prod(nt.factor(c.delta), nt.factor(c.x)), ' = ', nt.num(p.grad)) }] });
  } else {
    const mean = LOSS_TABLE[ledger.network.loss].reduction !== 'sum';
    const counted = nr.samples[0]?.fused?.count ?? lossCount(ledger.network.loss, N, ledger.output[0]!.length);
    out.push({ kind: 'para', text: mean ? tr('batchMean', { n: N, count: counted }) : tr('batchSum', { n: N }) });
    const rows = p.contributions.slice(0, CHAIN_ROWS).map((c) => [String(c.sample + 1), nt.n(c.delta), nt.n(c.x), nt.n(c.product)]);
    out.push({ kind: 'table', head: [tr('colSample'), nt.delta(p.to).text, x.text, rule.text], rows, numeric: [true, true, true, true] });
    if (N > CHAIN_ROWS) out.push({ kind: 'para', text: tr('chainMore', { n: N - CHAIN_ROWS }) });
    const sum = { text: `Σₙ ${rule.text}`, tex: `\\sum_n ${rule.tex}` };
    out.push({ kind: 'math', lines: [{ lhs: nt.dE(name), rhs: cat(sum, ' = ', nt.num(p.grad)) }] });
  }
  const bs = ledger.biasSums.find((b) => b.layer === ly.layer)!;
  // NOTE: the notebook's bb2 belongs to its two-layer network (as in the backward section).
  if (p.kind === 'bias' && ledger.network.naming === 'notebook' && ledger.layers.length === 2 && ly.role === 'output' && bs.perNeuron.length > 1) {
    const terms = N === 1 ? ly.neurons.map((n) => `δ${n.node}`).join(' + ') : bs.perNeuron.map((_, i) => `∂E/∂b${ly.layer}[${i}]`).join(' + ');
    out.push({ kind: 'para', text: tr('biasSum', { name: bs.notebook, sum: nt.n(bs.sum), terms, count: bs.perNeuron.length }) });
  }
}

/**
 * The derivatives the δ of a layer uses, as computer algebra derived them: the cost's ∂E/∂y at an
 * output (with the engine's averaging factor) and the activation's f′, each in its textbook form
 * and as mathjs printed it. None where the rule needs none (an output fused with its cost, softmax).
 */
function derivativeLines(ledger: Ledger, ly: LedgerLayer): { lhs: Math2; rhs: Math2 }[] {
  const lines: { lhs: Math2; rhs: Math2 }[] = [];
  if (ly.deltaRule === 'fused' || ly.deltaRule === 'softmax') return lines;
  const loss = ledger.symbolic.loss;
  if (ly.deltaRule === 'output' && !loss.fused) {
    const scaled = loss.scale === 1 ? loss.identity : cat(formatScale(loss.scale), ' · (', loss.identity, ')');
    lines.push({ lhs: { text: '∂E/∂y', tex: '\\frac{\\partial E}{\\partial y}' }, rhs: scaled });
  }
  const act = ledger.symbolic.activations.find((a) => a.activation === ly.activation);
  if (act !== undefined) {
    const f = ACTIVATION_TABLE[ly.activation].symbol;
    lines.push({ lhs: { text: `${f.text}′(x)`, tex: `${f.tex}'(x)` }, rhs: cat(act.identity, ' = ', act.raw) });
  }
  return lines;
}

/** The averaging factor 1/M as a fraction when it is one (1/8), else as a number. */
function formatScale(scale: number): Math2 {
  const m = Math.round(1 / scale);
  return Math.abs(1 / m - scale) < 1e-15 * scale ? { text: `1/${m}`, tex: `\\tfrac{1}{${m}}` } : same(String(scale));
}
