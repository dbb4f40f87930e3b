import type { LayerKindName } from '../../nn/layer-kinds.js';
import { nodeId } from '../names.js';
import type { Ledger, LedgerActivationStep, LedgerDropoutStep, LedgerNormStep, LedgerStep } from '../types.js';
import type { Tr } from './blocks.js';
import { cat, same, type Block, type Math2, type Notation } from './notation.js';

type Line = { lhs: Math2; rhs: Math2 };

/** What a step's renderer is given. */
interface StepContext {
  ledger: Ledger;
  tr: Tr;
  nt: Notation;
  out: Block[];
}

/** How each kind of layer other than dense is shown, forward and backward (dense layers: blocks.ts, blocks-backward.ts). */
interface StepRenderer<S extends LedgerStep> {
  forward(step: S, ctx: StepContext): void;
  backward(step: S, ctx: StepContext): void;
}

/**
 * The symbol of the value a layer passes on, for node `id` of its block: the node's own value
 * (a4, y6, x1) when the next layer is dense or there is none — the value the next weights carry —
 * and otherwise the kind's letter for the value on the way: z (a linear dense layer's output),
 * h (after an activation), u (after a normalisation), d (after dropout).
 */
export function outputSymbol(ledger: Ledger, index: number, id: number, nt: Notation): Math2 {
  const next = ledger.steps[index + 1];
  if (next === undefined || next.kind === 'dense') return nt.value(id);
  const step = ledger.steps[index]!;
  const letter = step.kind === 'dense' ? (ledger.layers[step.layer - 1]!.activation === 'linear' ? 'z' : 'h') : step.kind === 'activation' ? 'h' : step.kind === 'dropout' ? 'd' : 'u';
  return { text: `${letter}${id}`, tex: `${letter}_{${id}}` };
}

/** The symbol of what comes into step `index` for node `id`: the previous layer's output symbol. */
function inputSymbol(ledger: Ledger, index: number, id: number, nt: Notation): Math2 {
  return index === 0 ? nt.value(id) : outputSymbol(ledger, index - 1, id, nt);
}

/** Node ids of a step's features. */
function ids(ledger: Ledger, step: Exclude<LedgerStep, { kind: 'dense' }>): number[] {
  return step.input[0]!.map((_, j) => nodeId(ledger.network.sizes, step.block, j));
}

function heading(step: Exclude<LedgerStep, { kind: 'dense' }>, ctx: StepContext): void {
  const list = ids(ctx.ledger, step);
  const nodes = list.length === 1 ? `${list[0]}` : `${list[0]}–${list[list.length - 1]}`;
  const kind = ctx.tr(`kind_${step.kind}`);
  const what = step.kind === 'activation' ? `${kind} ${step.activation}` : step.kind === 'dropout' ? `${kind} p = ${step.p}` : kind;
  ctx.out.push({ kind: 'heading', level: 3, text: ctx.tr(step.block === 0 ? 'stepOnInputs' : 'stepAfter', { what, layer: step.block, nodes }) });
}

function perSample(ctx: StepContext, n: number): void {
  if (ctx.ledger.network.batch > 1) ctx.out.push({ kind: 'para', text: ctx.tr('sample', { n: n + 1 }) });
}

/**
 * ∂E/∂a of the value a block passes to the next dense layer, by its paths: Σₖ δₖ·wₖⱼ over the
 * neurons k of that layer (what a hidden dense layer's δ shows when the next layer follows it
 * directly).
 */
function pathLines(step: Exclude<LedgerStep, { kind: 'dense' }>, ctx: StepContext): void {
  const { ledger, nt, tr, out } = ctx;
  const next = ledger.steps[step.index + 1];
  if (next === undefined || next.kind !== 'dense') return;
  const layer = ledger.layers[next.layer - 1]!;
  out.push({ kind: 'para', text: tr('stepPaths', { layer: next.layer }) });
  const list = ids(ledger, step);
  for (let n = 0; n < ledger.network.batch; n++) {
    perSample(ctx, n);
    const lines = list.map((id, j) => {
      const sym = nt.sum(layer.neurons.map((nr, k) => nt.prod(nt.delta(nr.node), nt.weight(next.layer, k, j))));
      const num = nt.sum(layer.neurons.map((nr, k) => nt.prod(nt.factor(layer.delta[n]![k]!), nt.factor(layer.weight[k]![j]!))));
      return { lhs: nt.dE(nt.value(id)), rhs: cat(sym, ' = ', num, ' = ', nt.num(step.dEdOutput[n]![j]!)) };
    });
    out.push({ kind: 'math', lines });
  }
}

const activationRenderer: StepRenderer<LedgerActivationStep> = {
  forward(step, ctx) {
    const { ledger, nt, out } = ctx;
    heading(step, ctx);
    const list = ids(ledger, step);
    for (let n = 0; n < ledger.network.batch; n++) {
      perSample(ctx, n);
      out.push({ kind: 'math', lines: list.map((id, j) => ({ lhs: outputSymbol(ledger, step.index, id, nt), rhs: cat(nt.f(step.activation, inputSymbol(ledger, step.index, id, nt)), ' = ', nt.f(step.activation, nt.num(step.input[n]![j]!)), ' = ', nt.num(step.output[n]![j]!)) })) });
    }
  },
  backward(step, ctx) {
    const { ledger, nt, tr, out } = ctx;
    heading(step, ctx);
    pathLines(step, ctx);
    out.push({ kind: 'para', text: tr('activationBackward') });
    const list = ids(ledger, step);
    for (let n = 0; n < ledger.network.batch; n++) {
      perSample(ctx, n);
      out.push({
        kind: 'math',
        lines: list.map((id, j) => {
          const a = outputSymbol(ledger, step.index, id, nt);
          const z = inputSymbol(ledger, step.index, id, nt);
          const fp = { text: `${nt.f(step.activation, z).text.replace('(', '′(')}`, tex: `${nt.f(step.activation, z).tex.replace('(', "'(")}` };
          const local = step.dadz === null ? same('…') : nt.factor(step.dadz[n]![j]!);
          return { lhs: nt.dE(z), rhs: cat(nt.prod(nt.dE(a), fp), ' = ', nt.prod(nt.factor(step.dEdOutput[n]![j]!), local), ' = ', nt.num(step.dEdInput[n]![j]!)) };
        }),
      });
    }
  },
};

const dropoutRenderer: StepRenderer<LedgerDropoutStep> = {
  forward(step, ctx) {
    const { ledger, nt, tr, out } = ctx;
    heading(step, ctx);
    const list = ids(ledger, step);
    if (step.mask === null) {
      out.push({ kind: 'para', text: tr('dropoutEval', { p: step.p }) });
      return;
    }
    out.push({ kind: 'para', text: tr('dropoutForward', { p: step.p, scale: nt.n(step.scale) }) });
    for (let n = 0; n < ledger.network.batch; n++) {
      const dropped = list.filter((_, j) => step.mask![n]![j] === 0);
      out.push({ kind: 'para', text: tr(dropped.length === 0 ? 'dropoutNone' : 'dropoutDropped', { n: n + 1, nodes: dropped.join(', '), count: dropped.length, of: list.length }) });
      out.push({
        kind: 'math',
        lines: list.map((id, j) => {
          const m = step.mask![n]![j]!;
          return { lhs: outputSymbol(ledger, step.index, id, nt), rhs: cat(`${m}·`, inputSymbol(ledger, step.index, id, nt), `·${nt.n(step.scale)} = ${m}·`, nt.factor(step.input[n]![j]!), `·${nt.n(step.scale)} = `, nt.num(step.output[n]![j]!)) };
        }),
      });
    }
  },
  backward(step, ctx) {
    const { ledger, nt, tr, out } = ctx;
    heading(step, ctx);
    pathLines(step, ctx);
    if (step.mask === null) {
      out.push({ kind: 'para', text: tr('dropoutEvalBackward') });
      return;
    }
    out.push({ kind: 'para', text: tr('dropoutBackward', { scale: nt.n(step.scale) }) });
    const list = ids(ledger, step);
    for (let n = 0; n < ledger.network.batch; n++) {
      perSample(ctx, n);
      out.push({
        kind: 'math',
        lines: list.map((id, j) => {
          const m = step.mask![n]![j]!;
          const rhs = cat(nt.prod(nt.dE(outputSymbol(ledger, step.index, id, nt)), same(`${m}`), same(nt.n(step.scale))), ' = ', nt.prod(nt.factor(step.dEdOutput[n]![j]!), same(`${m}`), same(nt.n(step.scale))), ' = ', nt.num(step.dEdInput[n]![j]!));
          return { lhs: nt.dE(inputSymbol(ledger, step.index, id, nt)), rhs };
        }),
      });
    }
  },
};

/** The group shown in full: the first feature (batch norm) or sample (layer norm) that any gradient reaches. */
function shownGroup(step: LedgerNormStep): number {
  const batch = step.kind === 'batch_norm';
  const groups = batch ? step.input[0]!.length : step.input.length;
  for (let g = 0; g < groups; g++) {
    const reached = batch ? step.dEdOutput.some((row) => row[g] !== 0) : step.dEdOutput[g]!.some((v) => v !== 0);
    if (reached) return g;
  }
  return 0;
}

const normRenderer: StepRenderer<LedgerNormStep> = {
  forward(step, ctx) {
    const { ledger, nt, tr, out } = ctx;
    const batch = step.kind === 'batch_norm';
    heading(step, ctx);
    const list = ids(ledger, step);
    const N = ledger.network.batch;
    const eps = nt.n(step.eps);
    out.push({ kind: 'para', text: tr(batch ? (step.batchStatistics ? 'bnForward' : 'bnForwardEval') : 'lnForward', { eps, n: N, f: list.length }) });
    const x = (id: number, n: number): Math2 => ({ text: `${inputSymbol(ledger, step.index, id, nt).text}[${n + 1}]`, tex: `${inputSymbol(ledger, step.index, id, nt).tex}^{[${n + 1}]}` });
    const hat = (id: number, n: number): Math2 => ({ text: `x̂${id}[${n + 1}]`, tex: `\\hat{x}_{${id}}^{[${n + 1}]}` });
    const groups = batch ? list.length : N;
    for (let g = 0; g < groups; g++) {
      const lines: Line[] = [];
      const members = batch ? Array.from({ length: N }, (_, n) => [n, g] as const) : list.map((_, j) => [g, j] as const);
      const tag = batch ? `${list[g]}` : `[${g + 1}]`;
      const mu = { text: `μ${tag}`, tex: `\\mu_{${tag}}` };
      const s2 = { text: `σ²${tag}`, tex: `\\sigma^2_{${tag}}` };
      if (step.batchStatistics) {
        const xs = members.map(([n, j]) => nt.factor(step.input[n]![j]!));
        lines.push({ lhs: mu, rhs: cat({ text: `(${nt.sum(xs).text})/${members.length}`, tex: `\\frac{${nt.sum(xs).tex}}{${members.length}}` }, ' = ', nt.num(step.mean[g]!)) });
        const sq = members.map(([n, j]) => ({ text: `(${nt.n(step.input[n]![j]!)} − ${nt.factor(step.mean[g]!).text})²`, tex: `(${nt.num(step.input[n]![j]!).tex}-${nt.factor(step.mean[g]!).tex})^2` }));
        lines.push({ lhs: s2, rhs: cat({ text: `(${nt.sum(sq).text})/${members.length}`, tex: `\\frac{${nt.sum(sq).tex}}{${members.length}}` }, ' = ', nt.num(step.variance[g]!)) });
      } else {
        lines.push({ lhs: mu, rhs: nt.num(step.mean[g]!) }, { lhs: s2, rhs: nt.num(step.variance[g]!) });
      }
      for (const [n, j] of members) {
        const id = list[j]!;
        const std = Math.sqrt(step.variance[g]! + step.eps);
        lines.push({ lhs: hat(id, n), rhs: cat({ text: `(${x(id, n).text} − ${mu.text})/√(${s2.text} + ε)`, tex: `\\frac{${x(id, n).tex}-${mu.tex}}{\\sqrt{${s2.tex}+\\varepsilon}}` }, ' = ', { text: `(${nt.n(step.input[n]![j]!)} − ${nt.factor(step.mean[g]!).text})/${nt.n(std)}`, tex: `\\frac{${nt.num(step.input[n]![j]!).tex}-${nt.factor(step.mean[g]!).tex}}{${nt.num(std).tex}}` }, ' = ', nt.num(step.xhat[n]![j]!)) });
        const u = { text: `${outputSymbol(ledger, step.index, id, nt).text}[${n + 1}]`, tex: `${outputSymbol(ledger, step.index, id, nt).tex}^{[${n + 1}]}` };
        const gamma = step.gamma === null ? null : { text: `γ${id}`, tex: `\\gamma_{${id}}` };
        const beta = step.beta === null ? null : { text: `β${id}`, tex: `\\beta_{${id}}` };
        const sym = gamma === null ? hat(id, n) : cat(nt.prod(gamma, hat(id, n)), ' + ', beta!);
        const num = step.gamma === null ? nt.num(step.xhat[n]![j]!) : cat(nt.prod(nt.factor(step.gamma[j]!), nt.factor(step.xhat[n]![j]!)), ' + ', nt.factor(step.beta![j]!));
        lines.push({ lhs: u, rhs: cat(sym, ' = ', num, ' = ', nt.num(step.output[n]![j]!)) });
      }
      out.push({ kind: 'math', lines });
    }
    if (step.running !== null) {
      const r = step.running;
      out.push({ kind: 'para', text: tr('bnRunning', { m: nt.n(r.factor), n: N, count: r.batches }) });
      out.push({
        kind: 'math',
        lines: [
          { lhs: same('running_mean'), rhs: cat(nt.matrix([r.meanBefore]), ` → `, nt.matrix([r.meanAfter])) },
          { lhs: { text: 'σ²·N/(N − 1)', tex: '\\sigma^2\\frac{N}{N-1}' }, rhs: nt.matrix([r.unbiased]) },
          { lhs: same('running_var'), rhs: cat(nt.matrix([r.varBefore]), ` → `, nt.matrix([r.varAfter])) },
        ],
      });
    }
  },
  backward(step, ctx) {
    const { ledger, nt, tr, out } = ctx;
    const batch = step.kind === 'batch_norm';
    heading(step, ctx);
    pathLines(step, ctx);
    const list = ids(ledger, step);
    const N = ledger.network.batch;
    const d = step.derivation;
    const g = shownGroup(step);
    const members = batch ? Array.from({ length: N }, (_, n) => [n, g] as const) : list.map((_, j) => [g, j] as const);
    const n = members.length;
    const tag = batch ? `${list[g]}` : `[${g + 1}]`;
    out.push({ kind: 'para', text: tr(batch ? (step.batchStatistics ? 'bnBackward' : 'bnBackwardEval') : 'lnBackward', { node: list[g]!, sample: g + 1, n }) });
    const mu = { text: `μ${tag}`, tex: `\\mu_{${tag}}` };
    const s2 = { text: `σ²${tag}`, tex: `\\sigma^2_{${tag}}` };
    const std = Math.sqrt(step.variance[g]! + step.eps);
    const xs = (k: number): Math2 => {
      const [r, j] = members[k]!;
      return { text: `${inputSymbol(ledger, step.index, list[j]!, nt).text}[${r + 1}]`, tex: `${inputSymbol(ledger, step.index, list[j]!, nt).tex}^{[${r + 1}]}` };
    };
    const hat = (k: number): Math2 => {
      const [r, j] = members[k]!;
      return { text: `x̂${list[j]}[${r + 1}]`, tex: `\\hat{x}_{${list[j]}}^{[${r + 1}]}` };
    };
    const us = (k: number): Math2 => {
      const [r, j] = members[k]!;
      const o = outputSymbol(ledger, step.index, list[j]!, nt);
      return { text: `${o.text}[${r + 1}]`, tex: `${o.tex}^{[${r + 1}]}` };
    };
    const lines: Line[] = [];
    members.forEach(([r, j], k) => {
      const gamma = step.gamma === null ? 1 : step.gamma[j]!;
      lines.push({ lhs: nt.dE(hat(k)), rhs: cat(nt.prod(nt.dE(us(k)), { text: step.gamma === null ? '1' : `γ${list[j]}`, tex: step.gamma === null ? '1' : `\\gamma_{${list[j]}}` }), ' = ', nt.prod(nt.factor(step.dEdOutput[r]![j]!), nt.factor(gamma)), ' = ', nt.num(d.dxhat[r]![j]!)) });
    });
    if (step.batchStatistics) {
      const varTerms = members.map(([r, j]) => nt.prod(nt.factor(d.dxhat[r]![j]!), nt.factor(step.input[r]![j]! - step.mean[g]!)));
      lines.push({
        lhs: nt.dE(s2),
        rhs: cat({ text: `Σ ∂E/∂x̂·(x − ${mu.text})·(−½)(${s2.text} + ε)^(−3/2)`, tex: `\\sum \\frac{\\partial E}{\\partial \\hat{x}}(x-${mu.tex})\\cdot(-\\tfrac12)(${s2.tex}+\\varepsilon)^{-3/2}` }, ' = ', { text: `(${nt.sum(varTerms).text})·(−½)·${nt.n((step.variance[g]! + step.eps) ** -1.5)}`, tex: `\\left(${nt.sum(varTerms).tex}\\right)\\cdot(-\\tfrac12)\\cdot ${nt.num((step.variance[g]! + step.eps) ** -1.5).tex}` }, ' = ', nt.num(d.dvar[g]!)),
      });
      const muTerms = members.map(([r, j]) => nt.factor(d.dxhat[r]![j]!));
      lines.push({
        lhs: nt.dE(mu),
        rhs: cat({ text: `Σ ∂E/∂x̂·(−1/√(${s2.text} + ε)) + ∂E/∂${s2.text}·Σ −2(x − ${mu.text})/${n}`, tex: `\\sum \\frac{\\partial E}{\\partial \\hat{x}}\\left(-\\frac{1}{\\sqrt{${s2.tex}+\\varepsilon}}\\right) + \\frac{\\partial E}{\\partial ${s2.tex}}\\sum\\frac{-2(x-${mu.tex})}{${n}}` }, ' = ', { text: `−(${nt.sum(muTerms).text})/${nt.n(std)} + ${nt.factor(d.dvar[g]!).text}·0`, tex: `-\\frac{${nt.sum(muTerms).tex}}{${nt.num(std).tex}} + ${nt.factor(d.dvar[g]!).tex}\\cdot 0` }, ' = ', nt.num(d.dmu[g]!)),
      });
    }
    members.forEach(([r, j], k) => {
      const sym = step.batchStatistics
        ? { text: `∂E/∂${hat(k).text}/√(${s2.text} + ε) + ∂E/∂${s2.text}·2(${xs(k).text} − ${mu.text})/${n} + ∂E/∂${mu.text}/${n}`, tex: `\\frac{\\partial E/\\partial ${hat(k).tex}}{\\sqrt{${s2.tex}+\\varepsilon}} + \\frac{\\partial E}{\\partial ${s2.tex}}\\frac{2(${xs(k).tex}-${mu.tex})}{${n}} + \\frac{\\partial E/\\partial ${mu.tex}}{${n}}` }
        : { text: `∂E/∂${hat(k).text}/√(${s2.text} + ε)`, tex: `\\frac{\\partial E/\\partial ${hat(k).tex}}{\\sqrt{${s2.tex}+\\varepsilon}}` };
      const num = step.batchStatistics
        ? { text: `${nt.n(d.dxhat[r]![j]!)}/${nt.n(std)} + ${nt.factor(d.dvar[g]!).text}·2·${nt.factor(step.input[r]![j]! - step.mean[g]!).text}/${n} + ${nt.factor(d.dmu[g]!).text}/${n}`, tex: `\\frac{${nt.num(d.dxhat[r]![j]!).tex}}{${nt.num(std).tex}} + ${nt.factor(d.dvar[g]!).tex}\\cdot\\frac{2\\cdot ${nt.factor(step.input[r]![j]! - step.mean[g]!).tex}}{${n}} + \\frac{${nt.factor(d.dmu[g]!).tex}}{${n}}` }
        : { text: `${nt.n(d.dxhat[r]![j]!)}/${nt.n(std)}`, tex: `\\frac{${nt.num(d.dxhat[r]![j]!).tex}}{${nt.num(std).tex}}` };
      lines.push({ lhs: nt.dE(xs(k)), rhs: cat(sym, ' = ', num, ' = ', nt.num(d.dx[r]![j]!)) });
    });
    out.push({ kind: 'math', lines });
    const engine = members.map(([r, j]) => nt.n(step.dEdInput[r]![j]!)).join(', ');
    out.push({ kind: 'para', text: tr('normEngine', { values: engine }) });
    // NOTE: the note on the dense bias before the matrices, so that the sentence introducing them comes right above them.
    const before = step.index > 0 ? ledger.steps[step.index - 1] : undefined;
    if (batch && step.batchStatistics && before?.kind === 'dense' && ledger.layers[before.layer - 1]!.activation === 'linear') out.push({ kind: 'para', text: tr('bnBias', { layer: before.layer }) });
    out.push({ kind: 'para', text: tr('normAll') });
    const matrix: Line[] = [{ lhs: { text: '∂E/∂x', tex: '\\frac{\\partial E}{\\partial x}' }, rhs: nt.matrix(step.dEdInput) }];
    if (step.gamma !== null) {
      const gg = ctx.ledger.params.filter((p) => p.step === step.index && p.kind === 'gamma').map((p) => p.grad);
      const gb = ctx.ledger.params.filter((p) => p.step === step.index && p.kind === 'beta').map((p) => p.grad);
      if (gg.length > 0) matrix.push({ lhs: { text: '∂E/∂γ', tex: '\\frac{\\partial E}{\\partial\\gamma}' }, rhs: cat({ text: 'Σₙ ∂E/∂u·x̂', tex: '\\sum_n \\frac{\\partial E}{\\partial u}\\hat{x}' }, ' = ', nt.matrix([gg])) });
      if (gb.length > 0) matrix.push({ lhs: { text: '∂E/∂β', tex: '\\frac{\\partial E}{\\partial\\beta}' }, rhs: cat({ text: 'Σₙ ∂E/∂u', tex: '\\sum_n \\frac{\\partial E}{\\partial u}' }, ' = ', nt.matrix([gb])) });
    }
    out.push({ kind: 'math', lines: matrix });
  },
};

/**
 * The renderers of the layer kinds other than dense, by kind (dense layers are rendered by
 * blocks.ts and blocks-backward.ts, as before). Complete over the kinds.
 */
export const STEP_RENDERERS: { readonly [K in Exclude<LayerKindName, 'dense'>]: StepRenderer<Extract<LedgerStep, { kind: K }>> } = {
  activation: activationRenderer,
  batch_norm: normRenderer,
  layer_norm: normRenderer,
  dropout: dropoutRenderer,
};

/** Renders one non-dense step forward or backward. */
export function stepBlocks(step: Exclude<LedgerStep, { kind: 'dense' }>, direction: 'forward' | 'backward', ctx: StepContext): void {
  const renderer = STEP_RENDERERS[step.kind] as StepRenderer<LedgerStep>;
  renderer[direction](step, ctx);
}
