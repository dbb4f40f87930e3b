import { short, svg } from './svg.js';

/** One neuron as drawn: its number, activation (after Forward) and δ (after Backward). */
export interface NodeView {
  layer: number;
  index: number;
  id: number;
  a: number | null;
  delta: number | null;
  /** Target of an output neuron (seed preset). */
  target: number | null;
  /** A small heatmap of this neuron over the plane (data URL), for 2-D data. */
  heat: string | null;
  /** Dead or saturated on the whole batch at the last health check: drawn greyed. */
  stuck?: boolean;
  /** Dropped by dropout in the recorded pass (its first sample): drawn crossed out. */
  dropped?: boolean;
}

/** The layers between a dense layer (from 1) and the next: its batch norm and dropout, with their explanations (tooltips). */
export interface BandView {
  layer: number;
  batchNorm: string | null;
  dropout: { p: number; title: string } | null;
}

/** One weight or bias as drawn. */
export interface ParamView {
  id: string;
  /** Tooltip / accessible name, e.g. `w41 = W2[0][0] = 0.7`. */
  title: string;
  value: number;
}

/** Everything the diagram shows: plain data in, SVG out. */
export interface NetworkView {
  sizes: number[];
  layerTitles: string[];
  nodes: NodeView[];
  /** weights[l][row][col] for dense layer l (from 0). */
  weights: ParamView[][][];
  biases: ParamView[][];
  selected: string | null;
  /** Dense layers (from 1) whose δ are shown; during Backward this grows from the output down. */
  deltaFrom: number;
  /** Dense layer (from 1) whose weights carry the flowing gradient right now, or 0. */
  flowing: number;
  ariaLabel: string;
  /** Health warnings: layers (from 1) marked where gradients vanish, and the tooltips of the marks. */
  warnLayers?: number[];
  marks?: { stuck: string; vanishing: string };
  /** Batch norm and dropout after the dense layers that have them. */
  bands?: BandView[];
  /** Tooltip of a dropped unit. */
  droppedTitle?: string;
}

export interface NetworkHandlers {
  select(id: string): void;
  /** Dragging a weight vertically: the new value. */
  drag(id: string, value: number): void;
}

const COL_W = 150;
const ROW_H = 92;
const R = 24;

/** Draws the network into `host` (replacing what was there). */
export function renderNetwork(host: HTMLElement, v: NetworkView, on: NetworkHandlers): void {
  const cols = v.sizes.length;
  const rows = Math.max(...v.sizes);
  const width = COL_W * (cols - 1) + 2 * 70;
  const height = ROW_H * rows + 60;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': v.ariaLabel, class: cols > 3 ? 'network wide' : 'network', 'data-delta-from': v.deltaFrom, 'data-flowing': v.flowing });
  const pos = (layer: number, index: number): [number, number] => {
    const n = v.sizes[layer]!;
    const x = 70 + layer * COL_W;
    const y = 46 + (rows - n) * ROW_H * 0.5 + index * ROW_H + ROW_H / 2 - 10;
    return [x, y];
  };
  v.layerTitles.forEach((t, l) => {
    root.append(svg('text', { x: pos(l, 0)[0], y: 16, class: 'layer-title', 'text-anchor': 'middle' }, t));
    if (v.warnLayers?.includes(l)) {
      root.append(svg('rect', { x: pos(l, 0)[0] - R - 10, y: 22, width: 2 * R + 20, height: height - 26, rx: 6, class: 'warn-band' }));
      const mark = svg('text', { x: pos(l, 0)[0], y: 34, class: 'warn-mark', 'text-anchor': 'middle', 'data-warn-layer': l }, '⚠ ∇ → 0');
      mark.append(svg('title', {}, v.marks?.vanishing ?? ''));
      root.append(mark);
    }
  });
  // NOTE: batch norm sits between a dense layer's z and its activation: a band behind the column, marked BN; dropout, after the activation, is marked under it.
  for (const b of v.bands ?? []) {
    const [x] = pos(b.layer, 0);
    const top = pos(b.layer, 0)[1] - R - 14;
    const bottom = pos(b.layer, v.sizes[b.layer]! - 1)[1] + R + 30;
    if (b.batchNorm !== null) {
      const band = svg('g', { class: 'layer-band batch-norm', 'data-band': `bn${b.layer}` });
      band.append(svg('rect', { x: x - R - 6, y: top, width: 2 * R + 12, height: bottom - top, rx: 8 }));
      band.append(svg('text', { x, y: top + 10, 'text-anchor': 'middle', class: 'band-label' }, 'BN γ,β'));
      band.append(svg('title', {}, b.batchNorm));
      root.append(band);
    }
    if (b.dropout !== null) {
      const mark = svg('text', { x, y: bottom + 12, 'text-anchor': 'middle', class: 'band-label dropout', 'data-band': `drop${b.layer}` }, `dropout p=${b.dropout.p}`);
      mark.append(svg('title', {}, b.dropout.title));
      root.append(mark);
    }
  }
  let maxW = 1e-9;
  for (const layer of v.weights) for (const row of layer) for (const p of row) maxW = Math.max(maxW, Math.abs(p.value));
  const edges = svg('g', { class: 'edges' });
  v.weights.forEach((layer, l) => {
    layer.forEach((row, r) => {
      row.forEach((p, c) => {
        const [x1, y1] = pos(l, c);
        const [x2, y2] = pos(l + 1, r);
        const g = svg('g', { class: `edge${p.id === v.selected ? ' selected' : ''}${v.flowing === l + 1 ? ' flowing' : ''}`, 'data-param': p.id });
        const d = `M${x1 + R},${y1} L${x2 - R},${y2}`;
        g.append(svg('path', { d, class: `wire ${p.value >= 0 ? 'pos' : 'neg'}`, 'stroke-width': (0.8 + 6 * Math.abs(p.value) / maxW).toFixed(2) }));
        const hit = svg('path', { d, class: 'hit' });
        hit.append(svg('title', {}, p.title));
        g.append(hit);
        attachDrag(g, p, on);
        edges.append(g);
      });
    });
  });
  root.append(edges);
  const nodes = svg('g', { class: 'nodes' });
  for (const n of v.nodes) {
    const [x, y] = pos(n.layer, n.index);
    const g = svg('g', { class: `node${n.layer === 0 ? ' input' : ''}${n.stuck ? ' stuck' : ''}${n.dropped ? ' dropped' : ''}`, 'data-node': n.id });
    if (n.stuck) g.append(svg('title', {}, v.marks?.stuck ?? ''));
    if (n.dropped) g.append(svg('title', {}, v.droppedTitle ?? ''));
    if (n.heat) {
      g.append(svg('image', { href: n.heat, x: x - R, y: y - R, width: 2 * R, height: 2 * R, preserveAspectRatio: 'none', class: 'heat' }));
      g.append(svg('rect', { x: x - R, y: y - R, width: 2 * R, height: 2 * R, class: 'frame' }));
    } else {
      g.append(svg('circle', { cx: x, cy: y, r: R, class: 'body' }));
    }
    g.append(svg('text', { x, y: y - R - 5, class: 'node-id', 'text-anchor': 'middle' }, String(n.id)));
    if (n.a !== null && !n.heat) g.append(svg('text', { x, y: y + 4, class: 'node-a', 'text-anchor': 'middle' }, n.layer === 0 && short(n.a).length <= 3 ? `x=${short(n.a)}` : short(n.a)));
    if (n.a !== null && n.heat) g.append(svg('text', { x, y: y + R + 13, class: 'node-a-below', 'text-anchor': 'middle' }, short(n.a)));
    if (n.dropped) g.append(svg('path', { d: `M${x - R},${y - R} L${x + R},${y + R} M${x + R},${y - R} L${x - R},${y + R}`, class: 'drop-cross' }));
    if (n.target !== null) g.append(svg('text', { x: x + R + 6, y: y + 4, class: 'node-t' }, `t=${short(n.target)}`));
    if (n.delta !== null && n.layer >= v.deltaFrom) {
      g.append(svg('text', { x, y: y + R + (n.heat ? 26 : 14), class: 'node-delta', 'text-anchor': 'middle' }, `δ=${short(n.delta)}`));
    }
    nodes.append(g);
  }
  root.append(nodes);
  const biases = svg('g', { class: 'biases' });
  v.biases.forEach((layer, l) => {
    layer.forEach((p, r) => {
      const [x, y] = pos(l + 1, r);
      const g = svg('g', { class: `bias${p.id === v.selected ? ' selected' : ''}`, 'data-param': p.id });
      g.append(svg('rect', { x: x - R - 12, y: y - R - 6, width: 11, height: 11, rx: 2, class: p.value >= 0 ? 'pos' : 'neg' }));
      const hit = svg('rect', { x: x - R - 16, y: y - R - 10, width: 19, height: 19, class: 'hit' });
      hit.append(svg('title', {}, p.title));
      g.append(hit);
      g.addEventListener('click', () => on.select(p.id));
      biases.append(g);
    });
  });
  root.append(biases);
  host.replaceChildren(root);
}

/** Click selects; a vertical drag changes the weight (up = larger), 0.01 per pixel. */
function attachDrag(g: SVGGElement, p: ParamView, on: NetworkHandlers): void {
  g.addEventListener('pointerdown', (ev) => {
    const startY = ev.clientY;
    const start = p.value;
    let moved = false;
    // NOTE: listeners sit on window because every change redraws the diagram under the pointer.
    const target = window;
    ev.preventDefault();
    const move = (e: PointerEvent): void => {
      const dy = startY - e.clientY;
      if (!moved && Math.abs(dy) < 4) return;
      moved = true;
      on.drag(p.id, Number((start + dy * 0.01).toFixed(4)));
    };
    const up = (): void => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      target.removeEventListener('pointercancel', up);
      if (!moved) on.select(p.id);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
    target.addEventListener('pointercancel', up);
  });
}
