import type { Ledger } from 'backprop/explain';
import type { NetworkView, NodeView, ParamView } from '../views/network.js';
import { short, svg } from '../views/svg.js';

/** What the diagram of an exercise shows: the forward values, and δ once the answer is in. */
export interface ExerciseDiagram {
  ledger: Ledger;
  /** The asked parameter's matrix name (`W2[0][0]`), dashed in the diagram. */
  asked: string;
  /** Answered: every δ is shown, and the asked value. */
  revealed: boolean;
  /** The asked value once revealed (the gradient or the updated weight). */
  value: number;
  titles: string[];
  ariaLabel: string;
}

/**
 * The exercise as the playground's network view: node values of the first sample from the ledger
 * (inputs, a, y; targets beside the outputs), weights and biases with their values; the asked one
 * selected, its title ending in `= ?` until the answer is in.
 */
export function exerciseNetworkView(d: ExerciseDiagram): NetworkView {
  const { ledger } = d;
  const sizes = ledger.network.sizes;
  const L = sizes.length - 1;
  const nodes: NodeView[] = ledger.nodes.map((n) => {
    const a = n.layer === 0 ? ledger.input[0]![n.index]! : ledger.layers[n.layer - 1]!.a[0]![n.index]!;
    const delta = n.layer === 0 || !d.revealed ? null : ledger.layers[n.layer - 1]!.delta[0]![n.index]!;
    return { layer: n.layer, index: n.index, id: n.id, a, delta, target: n.layer === L ? ledger.target[0]![n.index]! : null, heat: null };
  });
  const title = (id: string, value: number): string => {
    const p = ledger.params.find((q) => q.id === id)!;
    const name = p.notebook !== null ? `${p.notebook} = ${id}` : id;
    if (id !== d.asked) return `${name} = ${short(value)}`;
    return `${name} = ${short(value)} · ${d.revealed ? short(d.value) : '?'}`;
  };
  const weights: ParamView[][][] = ledger.layers.map((ly) => ly.weight.map((row, r) => row.map((value, c) => ({ id: `W${ly.layer}[${r}][${c}]`, value, title: title(`W${ly.layer}[${r}][${c}]`, value) }))));
  const biases: ParamView[][] = ledger.layers.map((ly) => ly.bias.map((value, r) => ({ id: `b${ly.layer}[${r}]`, value, title: title(`b${ly.layer}[${r}]`, value) })));
  return { sizes, layerTitles: d.titles, nodes, weights, biases, selected: d.asked, deltaFrom: d.revealed ? 1 : Infinity, flowing: 0, ariaLabel: d.ariaLabel };
}

/** Writes `label` beside the asked connection (at its middle) or bias in a drawn diagram. */
export function labelAsked(host: HTMLElement, asked: string, label: string): void {
  const root = host.querySelector('svg');
  const g = host.querySelector(`[data-param="${CSS.escape(asked)}"]`);
  if (root === null || g === null) return;
  let x: number;
  let y: number;
  const wire = g.querySelector<SVGPathElement>('path.wire');
  if (wire !== null) {
    const m = /M([-\d.]+),([-\d.]+) L([-\d.]+),([-\d.]+)/.exec(wire.getAttribute('d') ?? '');
    if (m === null) return;
    x = (+m[1]! + +m[3]!) / 2;
    y = (+m[2]! + +m[4]!) / 2 - 6;
  } else {
    const rect = g.querySelector('rect');
    if (rect === null) return;
    x = +rect.getAttribute('x')! - 4;
    y = +rect.getAttribute('y')! - 4;
  }
  root.append(svg('text', { x, y, class: 'asked-label', 'text-anchor': 'middle', id: 'asked-label' }, label));
}
