import { maxOf } from '../../tensor/extent.js';
import { LOSS_TABLE, lossCount } from '../../nn/losses.js';
import type { Ledger, LedgerLayer, LedgerNeuron, LedgerParam } from '../types.js';
import type { Tr } from './blocks.js';
import { stepBlocks } from './blocks-steps.js';
import { cat, same, type Block, type Math2, type Notation } from './notation.js';

type Line = { lhs: Math2; rhs: Math2 };

/**
 * The backward half of the rendered ledger: for each layer from the output back to the input,
 * how its δ is formed (with every downstream path for hidden neurons), δ in matrix form, each
 * parameter's chain-rule product in symbols and numbers, and the bias sums.
 */
export function backwardBlocks(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  const minLayer = ledger.focus === null ? 1 : -maxOf(ledger.params, (p) => -p.layer);
  out.push({ kind: 'heading', level: 2, text: tr('secBackward') });
  out.push({ kind: 'para', text: tr('backwardIntro') });
  for (let i = ledger.steps.length - 1; i >= 0; i--) {
    const step = ledger.steps[i]!;
    if (step.kind !== 'dense') {
      // NOTE: the layers between dense layers l and l + 1 are how δ of layer l is reached: shown whenever layer l is.
      if (step.block >= minLayer) stepBlocks(step, 'backward', { ledger, tr, nt, out });
      continue;
    }
    if (step.layer >= minLayer) denseBackward(ledger, step.layer, tr, nt, out);
  }
}

function denseBackward(ledger: Ledger, l: number, tr: Tr, nt: Notation, out: Block[]): void {
  const N = ledger.network.batch;
  const ly = ledger.layers[l - 1]!;
  const next = ly.deltaRule === 'hidden' ? ledger.layers[l] : undefined;
  out.push({ kind: 'heading', level: 3, text: tr('layerHeading', { layer: l, role: tr(ly.role === 'hidden' ? 'roleHidden' : 'roleOutput'), act: ly.activation }) });
  const count = ly.neurons[0]?.samples[0]?.fused?.count ?? N;
  const rule = ly.deltaRule === 'hidden' ? tr('deltaHidden', { layer: l }) : ly.deltaRule === 'next' ? tr('deltaNext', { layer: l, what: nextKind(ledger, ly.layer, tr) }) : tr(ly.deltaRule === 'fused' ? 'deltaFused' : ly.deltaRule === 'softmax' ? 'deltaSoftmax' : 'deltaOutput', { count });
  out.push({ kind: 'para', text: rule });
  for (let n = 0; n < N; n++) {
    if (N > 1) out.push({ kind: 'para', text: tr('sample', { n: n + 1 }) });
    out.push({ kind: 'math', lines: ly.neurons.flatMap((nr) => deltaLines(ledger, ly, next, nr, n, nt)) });
  }
  out.push({ kind: 'para', text: tr('deltaMatrix') });
  out.push({ kind: 'math', lines: matrixLines(ledger, ly, next, nt) });
  gradients(ledger, ly, tr, nt, out);
}

/** The kind of the layer right after dense layer `layer`, in words. */
function nextKind(ledger: Ledger, layer: number, tr: Tr): string {
  const at = ledger.steps.findIndex((s) => s.kind === 'dense' && s.layer === layer);
  const next = ledger.steps[at + 1];
  return next === undefined || next.kind === 'dense' ? '' : next.kind === 'activation' ? next.activation : tr(`kind_${next.kind}`);
}

/** How δ of one neuron is formed for sample `n`: ∂E/∂a (from the cost, or summed over the paths) and δ = ∂E/∂a · f′(z), or the fused or softmax form. */
export function deltaLines(ledger: Ledger, ly: LedgerLayer, next: LedgerLayer | undefined, nr: LedgerNeuron, n: number, nt: Notation): Line[] {
  const s = nr.samples[n]!;
  const id = nr.node;
  const d = nt.delta(id);
  if (s.fused !== undefined) {
    const c = s.fused.count;
    return [{ lhs: d, rhs: cat({ text: `(y${id} − t${id})/${c}`, tex: `\\frac{y_{${id}}-t_{${id}}}{${c}}` }, ' = ', { text: `(${nt.n(s.fused.y)} − ${nt.n(s.fused.t)})/${c}`, tex: `\\frac{${nt.num(s.fused.y).tex}-${nt.num(s.fused.t).tex}}{${c}}` }, ' = ', nt.num(s.delta)) }];
  }
  if (s.jacobian !== undefined) {
    const sym = nt.sum(s.jacobian.map((j) => nt.prod(nt.dE(nt.value(j.to)), { text: `∂y${j.to}/∂z${id}`, tex: `\\frac{\\partial y_{${j.to}}}{\\partial z_{${id}}}` })));
    const num = nt.sum(s.jacobian.map((j) => nt.prod(nt.factor(j.dEda), nt.factor(j.dyk))));
    return [{ lhs: d, rhs: cat(sym, ' = ', num, ' = ', nt.num(s.delta)) }];
  }
  const lines: Line[] = [];
  if (ly.deltaRule === 'next' && ly.activation === 'linear') return [{ lhs: d, rhs: cat(nt.dE(nt.z(id)), ' = ', nt.num(s.delta)) }];
  const dEda = nt.dE(ly.deltaRule === 'next' ? { text: `h${id}`, tex: `h_{${id}}` } : nt.value(id));
  if (s.paths !== undefined && next !== undefined) {
    const sym = nt.sum(s.paths.map((p, k) => nt.prod(nt.delta(p.to), nt.weight(next.layer, k, nr.index))));
    const num = nt.sum(s.paths.map((p) => nt.prod(nt.factor(p.delta), nt.factor(p.w))));
    lines.push({ lhs: dEda, rhs: cat(sym, ' = ', num, ' = ', nt.num(s.dEda!)) });
  } else if (ledger.network.loss === 'sse') {
    const t = ledger.target[n]![nr.index]!;
    lines.push({ lhs: dEda, rhs: cat(nt.value(id), ' − ', nt.t(id), ' = ', nt.num(s.a), ' − ', nt.factor(t), ' = ', nt.num(s.dEda!)) });
  } else {
    lines.push({ lhs: dEda, rhs: nt.num(s.dEda!) });
  }
  lines.push({ lhs: d, rhs: cat(nt.prod(dEda, nt.fprime(ly.activation, id)), ' = ', nt.prod(nt.factor(s.dEda!), nt.factor(s.dadz!)), ' = ', nt.num(s.delta)) });
  return lines;
}

function matrixLines(ledger: Ledger, ly: LedgerLayer, next: LedgerLayer | undefined, nt: Notation): Line[] {
  const l = ly.layer;
  const D = { text: `δ(${l})`, tex: `\\delta^{(${l})}` };
  const fp = { text: `f′(z(${l}))`, tex: `f'\\bigl(z^{(${l})}\\bigr)` };
  const lines: Line[] = [];
  const blank = same('');
  if (ly.deltaRule === 'hidden' && next !== undefined) {
    const sym = cat({ text: `(δ(${l + 1})·W${l + 1})`, tex: `\\bigl(\\delta^{(${l + 1})}W^{(${l + 1})}\\bigr)` }, ' ⊙ ', fp);
    lines.push({ lhs: D, rhs: sym });
    lines.push({ lhs: blank, rhs: cat('= ', { text: `(${nt.matrix(next.delta).text}·${nt.matrix(next.weight).text})`, tex: `\\left(${nt.matrix(next.delta).tex}${nt.matrix(next.weight).tex}\\right)` }, ' ⊙ ', nt.matrix(ly.dadz!)) });
    lines.push({ lhs: blank, rhs: cat('= ', nt.matrix(ly.delta)) });
  } else if (ly.deltaRule === 'output' || (ly.deltaRule === 'next' && ly.dadz !== null && ly.activation !== 'linear')) {
    lines.push({ lhs: D, rhs: cat({ text: ly.deltaRule === 'next' ? '∂E/∂h' : '∂E/∂y', tex: `\\frac{\\partial E}{\\partial ${ly.deltaRule === 'next' ? 'h' : 'y'}}` }, ' ⊙ ', fp) });
    lines.push({ lhs: blank, rhs: cat('= ', nt.matrix(ly.dEda!), ' ⊙ ', nt.matrix(ly.dadz!)) });
    lines.push({ lhs: blank, rhs: cat('= ', nt.matrix(ly.delta)) });
  } else {
    lines.push({ lhs: D, rhs: nt.matrix(ly.delta) });
  }
  const all = ledger.focus === null;
  if (all) {
    const G = ly.neurons.map((nr) => ledger.params.filter((p) => p.layer === l && p.row === nr.index && p.kind === 'weight').map((p) => p.grad));
    const gb = ly.neurons.map((nr) => ledger.params.find((p) => p.layer === l && p.row === nr.index && p.kind === 'bias')!.grad);
    lines.push({ lhs: { text: `∂E/∂W${l}`, tex: `\\frac{\\partial E}{\\partial W^{(${l})}}` }, rhs: cat({ text: `δ(${l})ᵀ·${l === 1 ? 'X' : `A(${l - 1})`}`, tex: `\\delta^{(${l})\\top}${l === 1 ? 'X' : `A^{(${l - 1})}`}` }, ' = ', nt.matrix(G)) });
    lines.push({ lhs: { text: `∂E/∂b${l}`, tex: `\\frac{\\partial E}{\\partial b^{(${l})}}` }, rhs: cat({ text: `Σₙ δ(${l})`, tex: `\\textstyle\\sum_n \\delta^{(${l})}` }, ' = ', nt.matrix([gb])) });
  }
  return lines;
}

function gradients(ledger: Ledger, ly: LedgerLayer, tr: Tr, nt: Notation, out: Block[]): void {
  const params = ledger.params.filter((p) => p.layer === ly.layer && (p.kind === 'weight' || p.kind === 'bias'));
  if (params.length === 0) return;
  const N = ledger.network.batch;
  out.push({ kind: 'heading', level: 3, text: tr('gradsHeading', { layer: ly.layer }) });
  out.push({ kind: 'para', text: tr('gradRule') });
  if (params.some((p) => p.penalty !== undefined)) out.push({ kind: 'para', text: tr('penaltyTerm') });
  if (N > 1) {
    const count = ly.neurons[0]?.samples[0]?.fused?.count ?? lossCount(ledger.network.loss, N, ledger.output[0]!.length);
    out.push({ kind: 'para', text: LOSS_TABLE[ledger.network.loss].reduction === 'sum' ? tr('batchSum', { n: N }) : tr('batchMean', { n: N, count }) });
  }
  for (const p of params) paramBlocks(ledger, ly, p, tr, nt, out);
  const bs = ledger.biasSums.find((b) => b.layer === ly.layer)!;
  const biasesShown = params.some((p) => p.kind === 'bias');
  if (ly.role === 'output' && bs.perNeuron.length > 1 && biasesShown) {
    out.push({ kind: 'heading', level: 3, text: tr('biasHeading') });
    const list = bs.perNeuron.map((v, i) => `∂E/∂b${ly.layer}[${i}] = ${nt.n(v)}`).join(', ');
    out.push({ kind: 'para', text: tr('biasOwn', { list }) });
    const terms = N === 1 ? ly.neurons.map((nr) => `δ${nr.node}`).join(' + ') : bs.perNeuron.map((_, i) => `∂E/∂b${ly.layer}[${i}]`).join(' + ');
    // NOTE: the notebook's bb2 belongs to its two-layer network; elsewhere the sum means nothing.
    if (ledger.network.naming === 'notebook' && ledger.layers.length === 2) {
      out.push({ kind: 'para', text: tr('biasSum', { name: bs.notebook, sum: nt.n(bs.sum), terms, count: bs.perNeuron.length }) });
    }
  }
}

function paramBlocks(ledger: Ledger, ly: LedgerLayer, p: LedgerParam, tr: Tr, nt: Notation, out: Block[]): void {
  const N = ledger.network.batch;
  const nr = ly.neurons[p.row]!;
  const to = p.to;
  const xSym = p.from === null ? same('1') : nt.value(p.from);
  const name = nt.param(p);
  const notebook = ledger.network.naming === 'notebook' && p.kind === 'weight';
  const lhs = notebook ? { text: `∂E/∂${p.id} (b${p.notebook})`, tex: nt.dE(name).tex } : nt.dE(name);
  const tags = notebook ? [`${p.notebook} = ${p.id}`, `b${p.notebook}`] : [];
  const s0 = nr.samples[0]!;
  const next = ledger.layers[ly.layer];
  let symRhs: Math2;
  let factors: (n: number) => Math2;
  if (ly.deltaRule === 'output') {
    symRhs = nt.prod(nt.dE(nt.value(to)), nt.fprime(ly.activation, to), xSym);
    factors = (n) => nt.prod(nt.factor(nr.samples[n]!.dEda!), nt.factor(nr.samples[n]!.dadz!), nt.factor(p.contributions[n]!.x));
  } else if (ly.deltaRule === 'hidden' && next !== undefined) {
    const paths = nt.sum(s0.paths!.map((q, k) => nt.prod(nt.delta(q.to), nt.weight(next.layer, k, nr.index))));
    symRhs = nt.prod({ text: `(${paths.text})`, tex: `\\left(${paths.tex}\\right)` }, nt.fprime(ly.activation, to), xSym);
    factors = (n) => {
      const s = nr.samples[n]!;
      const num = nt.sum(s.paths!.map((q) => nt.prod(nt.factor(q.delta), nt.factor(q.w))));
      return nt.prod({ text: `(${num.text})`, tex: `\\left(${num.tex}\\right)` }, nt.factor(s.dadz!), nt.factor(p.contributions[n]!.x));
    };
  } else {
    symRhs = nt.prod(nt.delta(to), xSym);
    factors = (n) => nt.prod(nt.factor(p.contributions[n]!.delta), nt.factor(p.contributions[n]!.x));
  }
  const tag = tags.length > 0 ? { text: '', tex: `\\qquad\\text{(${tags.join(', ').replace(/_/g, '\\_')})}` } : same('');
  // NOTE: with an L1/L2 penalty the gradient is the chain rule's sum plus λ₁·sign(w) + λ₂·w.
  const pen = ledger.penalty;
  const extraSym = p.penalty === undefined || pen === undefined ? same('') : cat(...(pen.l1 > 0 ? [{ text: ` + λ₁·sign(${name.text})`, tex: ` + \\lambda_1\\operatorname{sign}(${name.tex})` }] : []), ...(pen.l2 > 0 ? [{ text: ` + λ₂·${name.text}`, tex: ` + \\lambda_2 ${name.tex}` }] : []));
  const extraNum = p.penalty === undefined || pen === undefined ? same('') : cat(...(pen.l1 > 0 ? [` + ${nt.n(pen.l1)}·${Math.sign(p.value)}`] : []), ...(pen.l2 > 0 ? [' + ', nt.prod(nt.factor(pen.l2), nt.factor(p.value))] : []));
  const lines: Line[] = [{ lhs, rhs: cat(symRhs, extraSym, tag) }];
  if (N === 1) {
    lines.push({ lhs: same(''), rhs: cat('= ', factors(0), extraNum, ' = ', nt.num(p.grad)) });
  } else {
    const sum = nt.sum(p.contributions.map((c) => nt.prod(nt.factor(c.delta), nt.factor(c.x))));
    lines.push({ lhs: same(''), rhs: cat('= ', { text: `Σₙ δ${to}·${xSym.text}`, tex: `\\sum_n \\delta_{${to}}${xSym.tex}` }, extraSym, ' = ', sum, extraNum, ' = ', nt.num(p.grad)) });
  }
  out.push({ kind: 'math', lines });
  if (N === 1 && ly.deltaRule === 'hidden' && next !== undefined && p.from !== null) {
    out.push({ kind: 'para', text: tr('hiddenPaths') });
    const pathLines: Line[] = s0.paths!.map((q, k) => {
      const w = nt.weight(next.layer, k, nr.index);
      const product = q.delta * q.w * s0.dadz! * p.contributions[0]!.x;
      const route = { text: `   (${p.from}→${to}→${q.to})`, tex: `\\qquad(${p.from}\\to${to}\\to${q.to})` };
      return {
        lhs: nt.prod(nt.delta(q.to), w, nt.fprime(ly.activation, to), xSym),
        rhs: cat(nt.prod(nt.factor(q.delta), nt.factor(q.w), nt.factor(s0.dadz!), nt.factor(p.contributions[0]!.x)), ' = ', nt.num(product), route),
      };
    });
    const products = s0.paths!.map((q) => q.delta * q.w * s0.dadz! * p.contributions[0]!.x);
    pathLines.push({ lhs: { text: 'Σ', tex: '\\textstyle\\sum' }, rhs: cat(nt.sum(products.map((v) => nt.factor(v))), extraNum, ' = ', nt.num(p.grad)) });
    out.push({ kind: 'math', lines: pathLines });
  }
}

/** How the ledger names a parameter to the reader: `w41 = W2[0][0]` with the notebook's names, else `W2[0][0]`. */
export function paramLabel(ledger: Ledger, p: LedgerParam): string {
  return ledger.network.naming === 'notebook' && p.notebook !== null ? `${p.notebook} = ${p.id}` : p.id;
}

/** The update table and the cost after the update. */
export function updateBlocks(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  const u = ledger.update;
  out.push({ kind: 'heading', level: 2, text: tr('secUpdate', { lr: nt.n(u.lr) }) });
  const rows = ledger.params.map((p) => [
    paramLabel(ledger, p),
    nt.n(p.value),
    nt.n(p.grad),
    nt.n(p.after),
  ]);
  out.push({ kind: 'table', head: [tr('colParam'), tr('colBefore'), tr('colGrad'), tr('colAfter')], rows, numeric: [false, true, true, true] });
  const change = (after: number): Record<string, string> => ({ before: nt.n(u.costBefore), after: nt.n(after), change: nt.n(after - u.costBefore) });
  // NOTE: a narrowed ledger lists some parameters, but the step (and so the cost after it) moves them all: say so, and show both costs.
  const shown = ledger.focus === null ? null : { params: ledger.params.map((p) => paramLabel(ledger, p)).join(', '), count: String(u.parameterCount) };
  if (shown !== null) out.push({ kind: 'para', text: tr('updateFocusNote', shown) });
  out.push({ kind: 'heading', level: 2, text: tr('secAfter') });
  if (shown === null || u.costAfterFocusOnly === undefined) {
    out.push({ kind: 'para', text: tr('costChange', change(u.costAfter)) });
  } else {
    out.push({ kind: 'para', text: tr('costChangeAll', { ...change(u.costAfter), count: shown.count }) });
    out.push({ kind: 'para', text: tr('costChangeOnly', { ...change(u.costAfterFocusOnly), params: shown.params }) });
  }
  if (u.lr > 0) out.push({ kind: 'para', text: tr(u.costAfter < u.costBefore ? 'improved' : 'worsened') });
  const vec = (m: number[][]): string => nt.matrix(m).text;
  out.push({ kind: 'para', text: tr('outputAfter', { y: vec(u.outputAfter), t: vec(ledger.target) }) });
}

/** The checks: chain-rule sums, path sums and symbolic derivatives against the engine. */
export function checkBlocks(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  out.push({ kind: 'heading', level: 2, text: tr('secChecks') });
  const c = ledger.checks;
  // NOTE: "differs by at most 0" reads oddly: an exact agreement is said as such.
  const check = (key: 'checkGrad' | 'checkPaths' | 'checkSymbolic' | 'checkSteps', d: number): Block => ({ kind: 'para', text: d === 0 ? tr(`${key}Exact`) : tr(key, { d: nt.n(d) }) });
  out.push(check('checkGrad', c.chain));
  if (ledger.layers.length > 1) out.push(check('checkPaths', c.paths));
  out.push(check('checkSymbolic', c.symbolic));
  if (c.steps !== undefined) out.push(check('checkSteps', c.steps));
}
