import { LOSS_TABLE } from '../../nn/losses.js';
import { message, type Lang, type MessageKey } from '../locales/index.js';
import type { Ledger, SymbolicActivation, SymbolicLoss } from '../types.js';
import { backwardBlocks, checkBlocks, paramLabel, updateBlocks } from './blocks-backward.js';
import { cat, Notation, same, type Block, type Math2 } from './notation.js';

/** Options shared by the renderers. */
export interface RenderOptions {
  /** `en` (default) or `ko`. */
  lang?: Lang;
  /** Significant digits of every number; default 8. */
  digits?: number;
  /** Which sections to render, in ledger order; default all. */
  sections?: readonly LedgerSection[];
  /** Print each section's own heading (default true; false when embedding a section elsewhere). */
  sectionHeadings?: boolean;
}

/** The sections of a rendered ledger, in reading order. */
export type LedgerSection = 'header' | 'forward' | 'cost' | 'symbolic' | 'backward' | 'update' | 'checks';

/** Every section, in reading order. */
export const LEDGER_SECTIONS: readonly LedgerSection[] = ['header', 'forward', 'cost', 'symbolic', 'backward', 'update', 'checks'];

/** Translator bound to one language. */
export type Tr = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

/**
 * The ledger as a list of language-specific blocks (headings, paragraphs, aligned mathematics,
 * tables), in reading order: header, forward pass, cost, derivatives, backward pass with every
 * gradient, update, cost after the update, checks. The text and Markdown renderers lay them out.
 *
 * @example
 * ```ts
 * const blocks = ledgerBlocks(explain(seedNetwork(), [[1, 2, 3]], [[0.5, 0.1]]), { lang: 'ko' });
 * blocks.length;    // 81: headings, paragraphs, aligned mathematics and tables, in reading order
 * ```
 */
export function ledgerBlocks(ledger: Ledger, options: RenderOptions = {}): Block[] {
  const lang = options.lang ?? 'en';
  const tr: Tr = (key, params) => message(lang, key, params);
  const nt = new Notation(ledger, options.digits ?? 8);
  const out: Block[] = [];
  const want = new Set(options.sections ?? LEDGER_SECTIONS);
  const all = ledger.focus === null;
  if (want.has('header')) header(ledger, tr, nt, out);
  if (want.has('forward') && all) forward(ledger, tr, nt, out);
  if (want.has('cost')) cost(ledger, tr, nt, out);
  if (want.has('symbolic') && all) symbolic(ledger, tr, nt, out);
  if (want.has('backward')) backwardBlocks(ledger, tr, nt, out);
  if (want.has('update')) updateBlocks(ledger, tr, nt, out);
  if (want.has('checks')) checkBlocks(ledger, tr, nt, out);
  return options.sectionHeadings === false ? out.filter((b) => !(b.kind === 'heading' && b.level <= 2)) : out;
}

function header(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  const net = ledger.network;
  out.push({ kind: 'heading', level: 1, text: tr('title') });
  out.push({
    kind: 'para',
    text: tr('network', { sizes: net.sizes.join(' → '), acts: net.activations.join(', '), loss: net.loss, n: net.batch, dtype: net.dtype }),
  });
  const parts: string[] = [];
  let id = 1;
  net.sizes.forEach((size, l) => {
    const range = size === 1 ? `${id}` : `${id}–${id + size - 1}`;
    id += size;
    if (l === 0) parts.push(tr('nodesInputs', { range }));
    else if (l === net.sizes.length - 1) parts.push(tr('nodesOutput', { range }));
    else parts.push(tr('nodesHidden', { layer: l, range }));
  });
  out.push({ kind: 'para', text: tr('nodes', { parts: parts.join(' · ') }) });
  const L = net.sizes.length - 1;
  if (net.naming === 'notebook') {
    const from = ledger.nodes.find((n) => n.layer === L - 1)!.id;
    const to = ledger.nodes.find((n) => n.layer === L)!.id;
    out.push({ kind: 'para', text: tr('namingNotebook', { name: nt.weight(L, 0, 0).text, from, k: 1, to, matrix: `W${L}[0][0]`, layer: L }) });
  } else {
    out.push({ kind: 'para', text: tr('namingMatrix', { layer: L }) });
  }
  if (ledger.focus !== null) out.push({ kind: 'para', text: tr('focus', { params: ledger.params.map((p) => paramLabel(ledger, p)).join(', ') }) });
}

function forward(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  out.push({ kind: 'heading', level: 2, text: tr('secForward') });
  out.push({ kind: 'para', text: tr('forwardIntro') });
  const N = ledger.network.batch;
  for (const ly of ledger.layers) {
    out.push({ kind: 'heading', level: 3, text: tr('layerHeading', { layer: ly.layer, role: tr(ly.role === 'hidden' ? 'roleHidden' : 'roleOutput'), act: ly.activation }) });
    for (let n = 0; n < N; n++) {
      if (N > 1) out.push({ kind: 'para', text: tr('sample', { n: n + 1 }) });
      const lines: { lhs: Math2; rhs: Math2 }[] = [];
      for (const nr of ly.neurons) {
        const s = nr.samples[n]!;
        const terms = s.terms.map((tm) => nt.prod(nt.factor(tm.w), nt.factor(tm.x)));
        lines.push({ lhs: nt.z(nr.node), rhs: cat(nt.sum([...terms, nt.factor(s.b)]), ' = ', nt.num(s.z)) });
      }
      for (const nr of ly.neurons) {
        const s = nr.samples[n]!;
        const rhs =
          ly.activation === 'softmax'
            ? cat({ text: `e^z${nr.node} / Σ e^z`, tex: `\\frac{e^{z_{${nr.node}}}}{\\sum_k e^{z_k}}` }, ' = ', nt.num(s.a))
            : cat(nt.f(ly.activation, nt.z(nr.node)), ' = ', nt.f(ly.activation, nt.num(s.z)), ' = ', nt.num(s.a));
        lines.push({ lhs: nt.value(nr.node), rhs });
      }
      out.push({ kind: 'math', lines });
    }
  }
}

function cost(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  const net = ledger.network;
  const N = net.batch;
  const out0 = ledger.layers[ledger.layers.length - 1]!;
  const M = N * out0.bias.length;
  out.push({ kind: 'heading', level: 2, text: tr('secCost') });
  out.push({ kind: 'para', text: tr(`cost_${net.loss}`, { n: N, m: M }) });
  const terms: Math2[] = [];
  ledger.output.forEach((row, n) =>
    row.forEach((y, k) => {
      const t = ledger.target[n]![k]!;
      if (net.loss === 'sse' || net.loss === 'mse') terms.push({ text: `(${nt.n(y)} − ${nt.n(t)})²`, tex: `(${nt.num(y).tex}-${nt.num(t).tex})^2` });
      else if (net.loss === 'cross_entropy') {
        if (t !== 0) terms.push({ text: `${nt.n(t)}·ln ${nt.n(y)}`, tex: `${nt.num(t).tex}\\ln ${nt.num(y).tex}` });
      } else terms.push({ text: `${nt.n(t)}·ln ${nt.n(y)} + ${nt.n(1 - t)}·ln ${nt.n(1 - y)}`, tex: `${nt.num(t).tex}\\ln ${nt.num(y).tex}+${nt.num(1 - t).tex}\\ln ${nt.num(1 - y).tex}` });
    }),
  );
  const shown = terms.length > 8 ? [...terms.slice(0, 8), same('…')] : terms;
  const inner = nt.sum(shown);
  const formula: Record<string, { def: Math2; front: Math2 }> = {
    sse: { def: { text: '½·Σ(y − t)²', tex: '\\tfrac12\\sum (y-t)^2' }, front: { text: '½·', tex: '\\tfrac12' } },
    mse: { def: { text: '(1/M)·Σ(y − t)²', tex: '\\tfrac1M\\sum (y-t)^2' }, front: { text: `(1/${M})·`, tex: `\\tfrac{1}{${M}}` } },
    cross_entropy: { def: { text: '−(1/N)·Σ t·ln y', tex: '-\\tfrac1N\\sum t\\ln y' }, front: { text: `−(1/${N})·`, tex: `-\\tfrac{1}{${N}}` } },
    bce: { def: { text: '−(1/M)·Σ[t·ln y + (1 − t)·ln(1 − y)]', tex: '-\\tfrac1M\\sum\\bigl[t\\ln y+(1-t)\\ln(1-y)\\bigr]' }, front: { text: `−(1/${M})·`, tex: `-\\tfrac{1}{${M}}` } },
  };
  const fm = formula[net.loss]!;
  out.push({
    kind: 'math',
    lines: [
      { lhs: same('E'), rhs: fm.def },
      { lhs: same(''), rhs: cat('= ', fm.front, { text: `(${inner.text})`, tex: `\\left(${inner.tex}\\right)` }, ' = ', nt.num(ledger.cost.value)) },
    ],
  });
  if (N > 1) out.push({ kind: 'para', text: tr('costPerSample', { list: ledger.cost.perSample.map((v) => nt.n(v)).join(' + ') }) });
}

function symbolic(ledger: Ledger, tr: Tr, nt: Notation, out: Block[]): void {
  out.push({ kind: 'heading', level: 2, text: tr('secSymbolic') });
  out.push({ kind: 'para', text: tr('symbolicIntro') });
  for (const s of ledger.symbolic.activations) activationBlocks(s, tr, nt, out);
  lossBlocks(ledger.symbolic.loss, tr, nt, out);
}

function activationBlocks(s: SymbolicActivation, tr: Tr, nt: Notation, out: Block[]): void {
  out.push({ kind: 'heading', level: 3, text: tr('symActivation', { act: s.activation }) });
  if (s.method === 'piecewise') out.push({ kind: 'para', text: tr('symPiecewise') });
  if (s.method === 'product-rule') out.push({ kind: 'para', text: tr('symProductRule') });
  if (s.activation === 'softmax') out.push({ kind: 'para', text: tr('symSoftmax') });
  const lines = [
    { lhs: { text: `${tr('symFunction')}: f(x)`, tex: `\\text{${tr('symFunction')}: } f(x)` }, rhs: s.f },
    { lhs: { text: `${tr('symRaw')}: f′(x)`, tex: `\\text{${tr('symRaw')}: } f'(x)` }, rhs: s.raw },
  ];
  if (s.alt !== undefined) lines.push({ lhs: { text: `${tr('symAlt')}`, tex: `\\text{${tr('symAlt')}}` }, rhs: s.alt });
  lines.push({ lhs: { text: `${tr('symIdentity')}`, tex: `\\text{${tr('symIdentity')}}` }, rhs: s.identity });
  out.push({ kind: 'math', lines });
  if (s.method === 'mathjs' && s.activation !== 'softmax') out.push({ kind: 'para', text: tr(s.proven ? 'symProven' : 'symNumeric') });
  pointsTable(s.points, false, tr, nt, out);
}

function lossBlocks(s: SymbolicLoss, tr: Tr, nt: Notation, out: Block[]): void {
  out.push({ kind: 'heading', level: 3, text: tr('symLoss', { loss: s.fused ? `${s.loss} + ${LOSS_TABLE[s.loss].onLogits!.activation}` : s.loss }) });
  const v = s.fused ? 'z' : 'y';
  out.push({
    kind: 'math',
    lines: [
      { lhs: same('E'), rhs: s.f },
      { lhs: { text: `∂E/∂${s.fused && s.loss === 'cross_entropy' ? 'z1' : v}`, tex: `\\frac{\\partial E}{\\partial ${s.fused && s.loss === 'cross_entropy' ? 'z_1' : v}}` }, rhs: s.raw },
      { lhs: { text: tr('symIdentity'), tex: `\\text{${tr('symIdentity')}}` }, rhs: s.identity },
    ],
  });
  if (s.scale !== 1) out.push({ kind: 'para', text: tr('symLossScale', { scale: nt.n(s.scale) }) });
  if (s.fused) out.push({ kind: 'para', text: tr(s.loss === 'bce' ? 'whyFusedSigmoid' : 'whyFusedSoftmax') });
  pointsTable(s.points, true, tr, nt, out);
}

function pointsTable(points: SymbolicActivation['points'], withT: boolean, tr: Tr, nt: Notation, out: Block[]): void {
  out.push({ kind: 'para', text: tr('symCheck') });
  const head = [tr('colAt'), ...(withT ? [tr('colT')] : []), tr('colCas'), tr('colIdentity'), tr('colEngine')];
  const rows = points.map((p) => [nt.n(p.at), ...(withT ? [nt.n(p.t ?? NaN)] : []), nt.n(p.cas), nt.n(p.identity), p.engine === null ? tr('notUsed') : nt.n(p.engine)]);
  out.push({ kind: 'table', head, rows, numeric: head.map(() => true) });
  let d = 0;
  for (const p of points) d = Math.max(d, Math.abs(p.cas - p.identity), p.engine === null ? 0 : Math.abs(p.engine - p.identity));
  out.push({ kind: 'para', text: tr('symMaxDiff', { d: nt.n(d) }) });
}
