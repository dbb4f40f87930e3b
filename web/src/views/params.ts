import { short, html } from './svg.js';
import type { ParamView } from './network.js';

/** The weight matrices and bias vectors as tables of buttons (the keyboard route to every ledger). */
export function renderParams(host: HTMLElement, weights: ParamView[][][], biases: ParamView[][], selected: string | null, select: (id: string) => void, caption: (l: number) => string): void {
  // NOTE: the tables are redrawn while training; the focused cell is focused again afterwards.
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && host.contains(active) ? active.dataset.param ?? null : null;
  const out: HTMLElement[] = [];
  weights.forEach((layer, l) => {
    const wrap = html('div', { class: 'param-block' });
    const table = html('table', { class: 'params' });
    table.append(html('caption', {}, caption(l + 1)));
    layer.forEach((row, r) => {
      const tr = html('tr');
      for (const p of row) tr.append(cell(p));
      tr.append(html('td', { class: 'gap', 'aria-hidden': 'true' }, ''));
      tr.append(cell(biases[l]![r]!));
      table.append(tr);
    });
    wrap.append(table);
    out.push(wrap);
  });
  host.replaceChildren(...out);
  if (focused !== null) host.querySelector<HTMLElement>(`[data-param="${focused}"]`)?.focus();

  function cell(p: ParamView): HTMLTableCellElement {
    const td = html('td');
    const b = html('button', { type: 'button', class: `param${p.id === selected ? ' selected' : ''} ${p.value >= 0 ? 'pos' : 'neg'}`, 'data-param': p.id, 'aria-label': `${short(p.value)}: ${p.title}`, 'aria-pressed': String(p.id === selected) }, short(p.value));
    b.addEventListener('click', () => select(p.id));
    td.append(b);
    return td;
  }
}
