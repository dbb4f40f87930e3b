import { ACTIVATION_TABLE } from '../../functions/activations/index.js';
import { LOSS_TABLE, lossCount } from '../../functions/losses/index.js';
import { cat, same, type Math2, type Notation } from '../render/notation.js';
import type { Ledger, LedgerParam } from '../types.js';
import { batchShape, biasSumOf, layerInfo, neuronAt, nodeOf } from './read.js';
import type { LedgerRef } from './types.js';

/** One line of mathematics, aligned at its equals sign. */
export type MathLine = { lhs: Math2; rhs: Math2 };

/**
 * The ledger lines `refs` point to, written out with the ledger's numbers in its notation (the
 * same symbols as the rendered ledger: δ6, σ′(z6), w41), each line once, in the order given.
 */
export function ledgerLines(ledger: Ledger, p: LedgerParam, refs: readonly LedgerRef[], nt: Notation): MathLine[] {
  const seen = new Set<string>();
  const out: MathLine[] = [];
  for (const ref of refs) {
    const key = JSON.stringify(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(...refLines(ledger, p, ref, nt));
  }
  return out;
}

function refLines(ledger: Ledger, p: LedgerParam, ref: LedgerRef, nt: Notation): MathLine[] {
  switch (ref.kind) {
    case 'cost': {
      const f = LOSS_TABLE[ledger.network.loss].formula;
      return [{ lhs: same('E'), rhs: { text: f.text.replace(/^E = /, ''), tex: f.tex.replace(/^E=/, '') } }];
    }
    case 'dEda':
      return [dEdaLine(ledger, ref.layer, ref.row, ref.sample, nt)];
    case 'dadz': {
      const s = neuronAt(ledger, ref.layer, ref.row, ref.sample);
      const act = layerInfo(ledger, ref.layer).activation;
      const f = ACTIVATION_TABLE[act].symbol;
      const id = nodeOf(ledger, ref.layer, ref.row);
      return [{ lhs: nt.fprime(act, id), rhs: cat({ text: `${f.text}′(${nt.n(s.z)})`, tex: `${f.tex}'(${nt.num(s.z).tex})` }, ' = ', nt.num(s.dadz ?? NaN)) }];
    }
    case 'delta':
      return [deltaLine(ledger, ref.layer, ref.row, ref.sample, nt)];
    case 'value': {
      if (ref.layer === 0) {
        const x = ledger.input[ref.sample]![ref.row]!;
        return [{ lhs: nt.value(ref.row + 1), rhs: nt.num(x) }];
      }
      const s = neuronAt(ledger, ref.layer, ref.row, ref.sample);
      const act = layerInfo(ledger, ref.layer).activation;
      const id = nodeOf(ledger, ref.layer, ref.row);
      return [{ lhs: nt.value(id), rhs: cat(nt.f(act, nt.z(id)), ' = ', nt.f(act, nt.num(s.z)), ' = ', nt.num(s.a)) }];
    }
    case 'grad':
      return [gradLine(ledger, p, nt)];
    case 'biasSums': {
      const sums = biasSumOf(ledger, ref.layer);
      const lines: MathLine[] = sums.perNeuron.map((g, i) => ({ lhs: nt.dE({ text: `b${ref.layer}[${i}]`, tex: `b^{(${ref.layer})}_{${i}}` }), rhs: nt.num(g) }));
      lines.push({ lhs: same('Σ'), rhs: cat(nt.sum(sums.perNeuron.map((g) => nt.factor(g))), ' = ', nt.num(sums.sum)) });
      return lines;
    }
    case 'update': {
      const name = nt.param(p);
      return [{
        lhs: cat(name, ' − η·', nt.dE(name)),
        rhs: cat(nt.num(p.value), ' − ', nt.num(ledger.update.lr), '·', nt.factor(p.grad), ' = ', nt.num(p.after)),
      }];
    }
  }
}

/** ∂E/∂a of a neuron: the sum over its paths (hidden), or the loss's derivative at the output. */
function dEdaLine(ledger: Ledger, layer: number, row: number, n: number, nt: Notation): MathLine {
  const s = neuronAt(ledger, layer, row, n);
  const id = nodeOf(ledger, layer, row);
  const lhs = nt.dE(nt.value(id));
  if (s.paths !== null) {
    const next = layer + 1;
    const sym = nt.sum(s.paths.map((q, k) => nt.prod(nt.delta(q.to), nt.weight(next, k, row))));
    const num = nt.sum(s.paths.map((q) => nt.prod(nt.factor(q.delta), nt.factor(q.w))));
    return { lhs, rhs: cat(sym, ' = ', num, ' = ', nt.num(s.dEda ?? NaN)) };
  }
  const t = ledger.target[n]![row]!;
  const loss = ledger.network.loss;
  const { N, K } = batchShape(ledger);
  const count = lossCount(loss, N, K);
  if (loss === 'sse') return { lhs, rhs: cat(nt.value(id), ' − ', nt.t(id), ' = ', nt.num(s.a), ' − ', nt.factor(t), ' = ', nt.num(s.dEda ?? NaN)) };
  if (loss === 'mse') {
    const sym = { text: `2·(${nt.value(id).text} − ${nt.t(id).text})/${count}`, tex: `\\frac{2(${nt.value(id).tex}-${nt.t(id).tex})}{${count}}` };
    const num = { text: `2·(${nt.n(s.a)} − ${nt.n(t)})/${count}`, tex: `\\frac{2(${nt.num(s.a).tex}-${nt.num(t).tex})}{${count}}` };
    return { lhs, rhs: cat(sym, ' = ', num, ' = ', nt.num(s.dEda ?? NaN)) };
  }
  return { lhs, rhs: nt.num(s.dEda ?? NaN) };
}

/** δ of a neuron: (y − t)/count at a fused output, ∂E/∂a · f′(z) elsewhere. */
function deltaLine(ledger: Ledger, layer: number, row: number, n: number, nt: Notation): MathLine {
  const s = neuronAt(ledger, layer, row, n);
  const id = nodeOf(ledger, layer, row);
  const act = layerInfo(ledger, layer).activation;
  const lhs = nt.delta(id);
  if (s.fused !== null) {
    const c = s.fused.count;
    return {
      lhs,
      rhs: cat({ text: `(y${id} − t${id})/${c}`, tex: `\\frac{y_{${id}}-t_{${id}}}{${c}}` }, ' = ', { text: `(${nt.n(s.fused.y)} − ${nt.n(s.fused.t)})/${c}`, tex: `\\frac{${nt.num(s.fused.y).tex}-${nt.num(s.fused.t).tex}}{${c}}` }, ' = ', nt.num(s.delta)),
    };
  }
  if (s.dEda === null || s.dadz === null) return { lhs, rhs: nt.num(s.delta) };
  const dEda = nt.dE(nt.value(id));
  return { lhs, rhs: cat(nt.prod(dEda, nt.fprime(act, id)), ' = ', nt.prod(nt.factor(s.dEda), nt.factor(s.dadz)), ' = ', nt.num(s.delta)) };
}

/** The asked parameter's gradient: δ times the value it carries (1 for a bias), summed over the samples. */
function gradLine(ledger: Ledger, p: LedgerParam, nt: Notation): MathLine {
  const xSym = p.from === null ? same('1') : nt.value(p.from);
  const lhs = nt.dE(nt.param(p));
  const sym = nt.prod(nt.delta(p.to), xSym);
  if (p.contributions.length === 1) {
    const c = p.contributions[0]!;
    return { lhs, rhs: cat(sym, ' = ', nt.prod(nt.factor(c.delta), nt.factor(c.x)), ' = ', nt.num(p.grad)) };
  }
  const sum = nt.sum(p.contributions.map((c) => nt.prod(nt.factor(c.delta), nt.factor(c.x))));
  return { lhs, rhs: cat({ text: `Σₙ ${sym.text}`, tex: `\\sum_n ${sym.tex}` }, ' = ', sum, ' = ', nt.num(p.grad)) };
}
