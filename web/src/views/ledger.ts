import { formatNumber } from 'backprop';
import type { Ledger, MessageKey as LedgerKey } from 'backprop/explain';
import type { MessageKey } from '../i18n.js';
import { html } from './svg.js';

/** The ledger panel's input: the selected parameter and, once computed, the library's ledger JSON. */
export interface LedgerView {
  selected: string | null;
  /** `w41` for the notebook's naming, else the matrix id. */
  displayName: string;
  value: number | null;
  /** Backward has run for the current pass (else the panel asks for it). */
  haveGradients: boolean;
  /** The library's `explain()` ledger narrowed to the selected parameter, or null while it loads. */
  ledger: Ledger | null;
  /** The ledger module's own strings (its locale files), once loaded. */
  ledgerText: ((key: LedgerKey, vars?: Record<string, string | number>) => string) | null;
  /** The last update touching this parameter (from the page's optimizer). */
  update: { before: number; after: number; costBefore: number; costAfter: number; lr: number; optimizer: string; grad: number | null } | null;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

export interface LedgerHandlers {
  edit(id: string, value: number): void;
}

const f = (x: number): string => formatNumber(x);
const SUBS = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number): string => String(n).replace(/\d/g, (d) => SUBS[+d]!);

/** Renders the ledger of the selected weight or bias into `host`. */
export function renderLedger(host: HTMLElement, v: LedgerView, on: LedgerHandlers): void {
  const { t } = v;
  // NOTE: while the learner types a value the panel is left alone (it would take the field away
  // mid-typing); once the value is committed the panel is redrawn and the new field gets the focus.
  const typing = document.activeElement instanceof HTMLInputElement && document.activeElement.id === 'param-value' && host.contains(document.activeElement) ? document.activeElement : null;
  if (typing !== null && typing.dataset.committed !== '1' && host.dataset.selected === v.selected) return;
  host.dataset.selected = v.selected ?? '';
  if (v.selected === null) {
    host.replaceChildren(html('p', { class: 'hint' }, t('ledgerHint')));
    return;
  }
  const out: HTMLElement[] = [];
  const name = v.displayName;
  out.push(html('h3', { id: 'ledger-title' }, name === v.selected ? name : `${name} = ${v.selected}`));
  if (v.value !== null) {
    const row = html('div', { class: 'edit-row' });
    const input = html('input', { id: 'param-value', type: 'number', step: 'any', value: String(v.value) });
    input.addEventListener('change', () => {
      input.dataset.committed = '1';
      const x = Number(input.value);
      if (input.value !== '' && Number.isFinite(x)) on.edit(v.selected!, x);
    });
    row.append(html('label', { for: 'param-value' }, t('editValue', { p: name })), input);
    out.push(row);
  }
  const L = v.ledger;
  const p = L?.params.find((q) => q.id === v.selected) ?? null;
  if (!v.haveGradients) {
    out.push(html('p', { class: 'hint' }, t('ledgerNeedsBackward', { p: name })));
  } else if (L === null || p === null || v.ledgerText === null) {
    out.push(html('p', { class: 'hint', 'aria-busy': 'true' }, '…'));
  } else {
    const m = v.ledgerText;
    const grad = html('p', { class: 'grad' });
    grad.append(t('gradient', { p: name }) + ' = ');
    grad.append(html('output', { id: 'ledger-grad' }, f(p.grad)));
    out.push(grad);
    out.push(html('h4', {}, t('chainRule')));
    const ol = html('ol', { class: 'chain' });
    const line = (text: string, cls = ''): void => void ol.append(html('li', cls ? { class: cls } : {}, text));
    const layer = L.layers[p.layer - 1]!;
    const s0 = layer.neurons[p.row]!.samples[0]!;
    // The derivatives the chain uses, as mathjs derived them for the ledger.
    const sym = L.symbolic.activations.find((a) => a.activation === layer.activation);
    const symLine = (): void => {
      if (sym !== undefined) line(t('derivActivation', { f: layer.activation, df: sym.identity.text, raw: sym.raw.text }), 'why');
    };
    switch (layer.deltaRule) {
      case 'output':
        line(m('deltaOutput'), 'why');
        line(t('derivLoss', { loss: L.symbolic.loss.loss, df: L.symbolic.loss.identity.text }), 'why');
        symLine();
        line(t('outputDelta', { n: p.to, dEda: f(s0.dEda!), dadz: f(s0.dadz!), delta: f(s0.delta) }));
        break;
      case 'fused':
        line(m('deltaFused', { count: s0.fused!.count }), 'why');
        line(t('fusedDelta', { n: p.to, y: f(s0.fused!.y), t: f(s0.fused!.t), count: s0.fused!.count, delta: f(s0.delta) }));
        break;
      case 'softmax':
        line(m('deltaSoftmax'), 'why');
        line(t('softmaxDelta', { n: p.to, delta: f(s0.delta) }));
        break;
      case 'hidden': {
        line(m('deltaHidden', { layer: p.layer }), 'why');
        symLine();
        const terms = (s0.paths ?? []).map((q) => `${f(q.delta)} × ${f(q.w)}`).join(' + ');
        line(t('hiddenSum', { n: p.to, terms, dEda: f(s0.dEda!) }));
        line(t('hiddenDelta', { dEda: f(s0.dEda!), dadz: f(s0.dadz!), delta: f(s0.delta) }));
        break;
      }
    }
    if (p.contributions.length === 1) {
      const c = p.contributions[0]!;
      line(p.kind === 'weight'
        ? t('gradWeight', { p: name, to: sub(p.to), from: sub(p.from!), delta: f(c.delta), x: f(c.x), grad: f(p.chainSum) })
        : t('gradBias', { p: name, to: sub(p.to), grad: f(p.chainSum) }));
    } else {
      line(t('perSample', { n: p.contributions.length }));
      const table = html('table', { class: 'contrib' });
      const head = html('tr');
      for (const h of ['#', `δ${sub(p.to)}`, p.from === null ? '1' : `a${sub(p.from)}`, '×']) head.append(html('th', { scope: 'col' }, h));
      table.append(head);
      for (const c of p.contributions.slice(0, 5)) {
        const tr = html('tr');
        for (const x of [String(c.sample), f(c.delta), f(c.x), f(c.product)]) tr.append(html('td', {}, x));
        table.append(tr);
      }
      const li = html('li', { class: 'table' });
      li.append(table);
      ol.append(li);
      if (p.contributions.length > 5) line(t('moreSamples', { n: p.contributions.length - 5 }));
      line(`Σ = ${f(p.chainSum)}`);
    }
    const bias = p.kind === 'bias' && L.network.naming === 'notebook' ? L.biasSums.find((b) => b.layer === p.layer) : undefined;
    if (bias !== undefined && bias.perNeuron.length > 1) {
      line(m('biasSum', { name: bias.notebook, sum: f(bias.sum), terms: bias.perNeuron.map(f).join(' + '), count: bias.perNeuron.length }), 'why');
    }
    out.push(ol);
    out.push(html('p', { class: 'check' }, L.checks.chain === 0 ? m('checkGradExact') : m('checkGrad', { d: formatNumber(L.checks.chain, 2) })));
  }
  const u = v.update;
  if (u !== null) {
    const para = html('p', { class: 'update', id: 'ledger-update' });
    para.textContent = u.optimizer === 'sgd' && u.grad !== null
      ? t('afterUpdate', { p: name, before: f(u.before), lr: f(u.lr), grad: f(u.grad), after: f(u.after) })
      : t('afterUpdateOther', { p: name, opt: u.optimizer, before: f(u.before), after: f(u.after) });
    out.push(para, html('p', { class: 'update' }, t('newCost', { before: f(u.costBefore), after: f(u.costAfter) })));
  }
  host.replaceChildren(...out);
  if (typing !== null) host.querySelector<HTMLInputElement>('#param-value')?.focus();
}
