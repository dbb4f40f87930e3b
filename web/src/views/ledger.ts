import { formatNumber } from 'backprop';
import type { MessageKey } from '../i18n.js';
import { html } from './svg.js';

/**
 * The ledger panel's input: the selected parameter, and once computed the library's ledger of it
 * as HTML (`renderHtml` with its compact sections for one parameter, escaped by the library).
 */
export interface LedgerView {
  selected: string | null;
  /** `w41` for the notebook's naming, else the matrix id. */
  displayName: string;
  value: number | null;
  /** Backward has run for the current pass (else the panel asks for it). */
  haveGradients: boolean;
  /** ∂E/∂p from the library's ledger, or null while it loads. */
  grad: number | null;
  /** The library's HTML of the ledger (its chain rule and checks), or null while it loads. */
  body: string | null;
  /** The library's stylesheet for that HTML (`LEDGER_CSS`), once loaded. */
  css: string | null;
  /** The last update touching this parameter (from the page's optimizer). */
  update: { before: number; after: number; costBefore: number; costAfter: number; lr: number; optimizer: string; grad: number | null } | null;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

export interface LedgerHandlers {
  edit(id: string, value: number): void;
}

const f = (x: number): string => formatNumber(x);

/**
 * Renders the ledger panel of the selected weight or bias into `host`: its frame (title, value
 * editor, gradient, the update line) around the library's HTML of the chain rule.
 */
export function renderLedger(host: HTMLElement, v: LedgerView, on: LedgerHandlers): void {
  const { t } = v;
  // NOTE: while the learner types a value the panel is left alone (it would take the field away
  // mid-typing); once the value is committed the panel is redrawn and the new field gets the focus.
  const typing = document.activeElement instanceof HTMLInputElement && document.activeElement.id === 'param-value' && host.contains(document.activeElement) ? document.activeElement : null;
  if (typing !== null && typing.dataset.committed !== '1' && host.dataset.selected === v.selected) return;
  host.dataset.selected = v.selected ?? '';
  if (v.css !== null && document.getElementById('bp-ledger-css') === null) document.head.append(html('style', { id: 'bp-ledger-css' }, v.css));
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
  if (!v.haveGradients) {
    out.push(html('p', { class: 'hint' }, t('ledgerNeedsBackward', { p: name })));
  } else if (v.body === null || v.grad === null) {
    out.push(html('p', { class: 'hint', 'aria-busy': 'true' }, '…'));
  } else {
    const grad = html('p', { class: 'grad' });
    grad.append(t('gradient', { p: name }) + ' = ', html('output', { id: 'ledger-grad' }, f(v.grad)));
    const chain = html('div', { class: 'chain' });
    // NOTE: the library escapes every string of the ledger it puts in this HTML.
    chain.innerHTML = v.body;
    out.push(grad, chain);
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
