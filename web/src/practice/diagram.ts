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

/** The label's font size (px, as in practice.css), its line height, and the smallest it is shrunk to. */
const LABEL_PX = 11;
const LINE = 12;
const LABEL_MIN_PX = 8;

/**
 * Writes `head value` (`∂E/∂w41 = ?`, `w41 → 0.6915`) beside the asked parameter of a drawn
 * diagram: above the middle of its wire, or to the left of its bias square. When one line is wider
 * than the room between the two columns of neurons, the value goes on a second line below the
 * head (the label grows upward); what is still too wide is shrunk, down to 8 px, so the label
 * never covers a neuron or its number.
 */
export function labelAsked(host: HTMLElement, asked: string, head: string, value: string): void {
  const root = host.querySelector('svg');
  const g = host.querySelector(`[data-param="${CSS.escape(asked)}"]`);
  if (root === null || g === null) return;
  const ends = (path: SVGPathElement | null): number[] | null => {
    const m = /M([-\d.]+),([-\d.]+) L([-\d.]+),([-\d.]+)/.exec(path?.getAttribute('d') ?? '');
    return m === null ? null : m.slice(1, 5).map(Number);
  };
  const wire = ends(g.querySelector<SVGPathElement>('path.wire'));
  let at: { x: number; y: number; anchor: 'middle' | 'end'; room: number };
  if (wire !== null) {
    const [x1, y1, x2, y2] = wire as [number, number, number, number];
    // NOTE: the wire runs from the edge of one circle to the edge of the next: its horizontal span is the room.
    at = { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, anchor: 'middle', room: x2 - x1 - 6 };
  } else {
    const rect = g.querySelector('rect');
    // NOTE: any wire into the same layer starts at the edge of a neuron of the column before.
    const into = ends(root.querySelector<SVGPathElement>(`[data-param^="${CSS.escape(asked.replace(/^b(\d+)\[.*$/, 'W$1['))}"] path.wire`));
    if (rect === null || into === null) return;
    const x = +rect.getAttribute('x')! - 3;
    at = { x, y: +rect.getAttribute('y')! + 9, anchor: 'end', room: x - into[0]! - 6 };
  }
  const text = svg('text', { x: at.x, y: at.y, class: 'asked-label', 'text-anchor': at.anchor, id: 'asked-label' }, `${head} ${value}`);
  root.append(text);
  if (text.getBBox().width > at.room) {
    text.setAttribute('y', String(at.y - LINE));
    text.replaceChildren(svg('tspan', {}, `${head} `), svg('tspan', { x: at.x, dy: LINE }, value));
  }
  const width = text.getBBox().width;
  if (width > at.room) text.style.fontSize = `${Math.max(LABEL_MIN_PX, (LABEL_PX * at.room) / width).toFixed(1)}px`;
}
