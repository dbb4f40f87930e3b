import { formatNumber } from 'backprop';
import type { MessageKey } from '../i18n.js';
import type { ParamLedger } from '../ledger.js';
import { html } from './svg.js';

/** The ledger panel's input: the selected parameter and, when known, its chain-rule account. */
export interface LedgerView {
  selected: string | null;
  /** `w41` for the notebook's naming, else the matrix id. */
  displayName: string;
  value: number | null;
  ledger: ParamLedger | null;
  /** The last update touching this parameter. */
  update: { before: number; after: number; costBefore: number; costAfter: number; lr: number; optimizer: string; grad: number | null } | null;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

export interface LedgerHandlers {
  edit(id: string, value: number): void;
}

const f = (x: number): string => formatNumber(x);

/** Renders the ledger of the selected weight or bias into `host`. */
export function renderLedger(host: HTMLElement, v: LedgerView, on: LedgerHandlers): void {
  const { t } = v;
  if (v.selected === null) {
    host.replaceChildren(html('p', { class: 'hint' }, t('ledgerHint')));
    return;
  }
  const out: HTMLElement[] = [];
  const name = v.displayName;
  out.push(html('h3', { id: 'ledger-title' }, name === v.selected ? name : `${name} = ${v.selected}`));
  if (v.value !== null) {
    const row = html('div', { class: 'edit-row' });
    const label = html('label', { for: 'param-value' }, t('value'));
    const input = html('input', { id: 'param-value', type: 'number', step: 'any', value: String(v.value), 'aria-label': t('editValue', { p: name }) });
    input.addEventListener('change', () => {
      const x = Number(input.value);
      if (input.value !== '' && Number.isFinite(x)) on.edit(v.selected!, x);
    });
    row.append(label, input);
    out.push(row);
  }
  const L = v.ledger;
  if (L === null) {
    out.push(html('p', { class: 'hint' }, t('ledgerNeedsBackward', { p: name })));
  } else {
    const grad = html('p', { class: 'grad' });
    grad.append(t('gradient', { p: name }) + ' = ');
    grad.append(html('output', { id: 'ledger-grad' }, f(L.grad)));
    out.push(grad);
    out.push(html('h4', {}, t('chainRule')));
    const ol = html('ol', { class: 'chain' });
    const line = (text: string): void => void ol.append(html('li', {}, text));
    const s = L.story;
    if (s.rule === 'output') line(t('outputDelta', { n: L.to, dEda: f(s.dEda), dadz: f(s.dadz), delta: f(s.delta) }));
    else if (s.rule === 'fused') line(t('fusedDelta', { n: L.to, y: f(s.y), t: f(s.t), count: s.count, delta: f(s.delta) }));
    else if (s.rule === 'softmax') line(t('softmaxDelta', { n: L.to, delta: f(s.delta) }));
    else {
      const terms = s.paths.map((p) => `${f(p.delta)} × ${f(p.w)}`).join(' + ');
      line(t('hiddenSum', { n: L.to, terms, dEda: f(s.dEda) }));
      line(t('hiddenDelta', { dEda: f(s.dEda), dadz: f(s.dadz), delta: f(s.delta) }));
    }
    if (L.batch === 1) {
      const c = L.contributions[0]!;
      line(L.ref.kind === 'weight'
        ? t('gradWeight', { p: name, to: sub(L.to), from: sub(L.from!), delta: f(c.delta), x: f(c.x), grad: f(L.chainSum) })
        : t('gradBias', { p: name, to: sub(L.to), grad: f(L.chainSum) }));
    } else {
      line(t('perSample', { n: L.batch }));
      const table = html('table', { class: 'contrib' });
      const head = html('tr');
      for (const h of ['#', `δ${sub(L.to)}`, L.from === null ? '1' : `a${sub(L.from)}`, '×']) head.append(html('th', { scope: 'col' }, h));
      table.append(head);
      for (const c of L.contributions.slice(0, 5)) {
        const tr = html('tr');
        for (const x of [String(c.sample), f(c.delta), f(c.x), f(c.product)]) tr.append(html('td', {}, x));
        table.append(tr);
      }
      ol.append(html('li', {}, ''));
      ol.lastElementChild!.append(table);
      if (L.contributions.length > 5) line(t('moreSamples', { n: L.contributions.length - 5 }));
      line(`Σ = ${f(L.chainSum)}`);
    }
    out.push(ol);
  }
  const u = v.update;
  if (u !== null) {
    const p = html('p', { class: 'update', id: 'ledger-update' });
    p.textContent = u.optimizer === 'sgd' && u.grad !== null
      ? t('afterUpdate', { p: name, before: f(u.before), lr: f(u.lr), grad: f(u.grad), after: f(u.after) })
      : t('afterUpdateOther', { p: name, opt: u.optimizer, before: f(u.before), after: f(u.after) });
    out.push(p, html('p', { class: 'update' }, t('newCost', { before: f(u.costBefore), after: f(u.costAfter) })));
  }
  host.replaceChildren(...out);
}

const SUBS = '₀₁₂₃₄₅₆₇₈₉';
function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBS[+d]!);
}
