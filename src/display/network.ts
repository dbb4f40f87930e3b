import type { Lang } from '../explain/locales/index.js';
import { isLayerKind } from '../nn/layer-kinds.js';
import type { Sequential } from '../nn/sequential.js';
import { forwardTrace, type RecordedPass } from '../nn/trace.js';
import { Tensor } from '../tensor/tensor.js';
import { STYLE, escapeHtml } from './html.js';
import { t } from './locales/index.js';

/** Options of {@link networkSvg}. */
export interface NetworkViewOptions {
  lang?: Lang;
  /** A batch to run forward (without a graph): the first sample's values are written in the neurons. */
  x?: Tensor | readonly (readonly number[])[];
  /** Targets written beside the output neurons (the first sample's). */
  target?: Tensor | readonly (readonly number[])[];
  /** A pass from `recordForward`: its values, and once `backward()` has run, every neuron's δ. */
  pass?: RecordedPass;
  /** Neurons drawn of a layer wider than this + 2: its first and last ones around a gap. Default 10. */
  maxNeurons?: number;
}

/** One column of neurons: the inputs, or one dense layer. */
interface Column {
  title: string;
  sub: string[];
  size: number;
  /** Layer index in the Sequential, or -1 for the inputs. */
  layer: number;
  /** The dense layer's number from 1 (W1, b1, …), 0 for the inputs. */
  dense: number;
  firstId: number;
  shown: (number | null)[];
  a: ArrayLike<number> | null;
  delta: ArrayLike<number> | null;
  target: ArrayLike<number> | null;
}

/**
 * The network as a standalone SVG in the playground's drawing style: one column per layer, every
 * neuron a circle numbered through the network as the seed notebook numbers it (inputs 1–3,
 * hidden 4–5, outputs 6–7), wires blue for positive weights and orange for negative ones with
 * their width proportional to |w|, each bias a small square of its sign; every wire and bias has
 * a tooltip with its name and value. Given `x` or a recorded `pass`, the neurons show their
 * activations (and targets and δ); layers wider than `maxNeurons` are elided in the middle.
 *
 * @example
 * ```ts
 * networkSvg(seedNetwork(), { x: [[1, 2, 3]], target: [[0.5, 0.1]] });   // '<svg …>' with a6 = 0.861
 * ```
 */
export function networkSvg(model: Sequential, options: NetworkViewOptions = {}): string {
  const lang = options.lang ?? 'en';
  const cols = columns(model, options, lang);
  const maxSlots = Math.max(...cols.map((c) => c.shown.length));
  const ROW = maxSlots <= 4 ? 92 : maxSlots <= 8 ? 64 : 50;
  const R = maxSlots <= 4 ? 24 : maxSlots <= 8 ? 18 : 15;
  const COL = 150;
  const top = 50 + (cols.some((c) => c.sub.length > 1) ? 12 : 0);
  const width = COL * (cols.length - 1) + 2 * 70 + 30;
  const height = top + (maxSlots - 1) * ROW + ROW / 2 - 10 + R + 22;
  const pos = (c: number, slot: number): [number, number] => {
    const n = cols[c]!.shown.length;
    return [70 + c * COL, top + (maxSlots - n) * ROW * 0.5 + slot * ROW + ROW / 2 - 10];
  };
  let maxW = 1e-12;
  for (const layer of model.layers) if (isLayerKind(layer, 'dense')) for (const w of layer.weight.data) maxW = Math.max(maxW, Math.abs(w));
  const label = t(lang, 'diagramLabel', { sizes: model.sizes.join('-') });
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}" font-family="${escapeHtml(STYLE.sans)}" font-size="11">`,
    `<title>${escapeHtml(label)}</title>`,
  ];
  cols.forEach((col, c) => {
    const x = pos(c, 0)[0];
    out.push(`<text x="${x}" y="16" text-anchor="middle" font-size="12" font-weight="600" fill="${STYLE.muted}">${escapeHtml(col.title)}</text>`);
    col.sub.forEach((s, k) => out.push(`<text x="${x}" y="${30 + 12 * k}" text-anchor="middle" fill="${STYLE.muted}">${escapeHtml(s)}</text>`));
  });
  // Wires first, so the neurons are drawn over their ends.
  cols.forEach((col, c) => {
    if (c === 0) return;
    const layer = model.layers[col.layer]!;
    if (!isLayerKind(layer, 'dense')) return;
    const prev = cols[c - 1]!;
    const W = layer.weight.data;
    col.shown.forEach((i, si) => {
      if (i === null) return;
      prev.shown.forEach((j, sj) => {
        if (j === null) return;
        const w = W[i * prev.size + j]!;
        const [x1, y1] = pos(c - 1, sj);
        const [x2, y2] = pos(c, si);
        const tip = `W${col.dense}[${i}][${j}] = ${short(w)} (${prev.firstId + j} → ${col.firstId + i})`;
        out.push(`<path d="M${x1 + R},${y1} L${x2 - R},${y2}" fill="none" stroke="${w >= 0 ? STYLE.pos : STYLE.neg}" stroke-linecap="round" stroke-width="${(0.8 + (6 * Math.abs(w)) / maxW).toFixed(2)}"><title>${escapeHtml(tip)}</title></path>`);
      });
    });
  });
  const showIds = model.sizes.reduce((a, b) => a + b, 0) <= 99;
  cols.forEach((col, c) => {
    const layer = col.layer >= 0 ? model.layers[col.layer]! : null;
    const bias = layer !== null && isLayerKind(layer, 'dense') ? layer.bias.data : null;
    col.shown.forEach((i, slot) => {
      const [x, y] = pos(c, slot);
      if (i === null) {
        out.push(`<text x="${x}" y="${y + 2}" text-anchor="middle" font-size="16" fill="${STYLE.muted}">⋮</text>`);
        out.push(`<text x="${x}" y="${y + 16}" text-anchor="middle" fill="${STYLE.muted}">${escapeHtml(t(lang, 'more', { n: col.size - col.shown.length + 1 }))}</text>`);
        return;
      }
      out.push(`<circle cx="${x}" cy="${y}" r="${R}" fill="${c === 0 ? '#eef2f6' : '#fff'}" stroke="${STYLE.muted}" stroke-width="1.5"/>`);
      if (showIds) out.push(`<text x="${x}" y="${y - R - 5}" text-anchor="middle" fill="${STYLE.muted}">${col.firstId + i}</text>`);
      if (col.a !== null) {
        const v = short(col.a[i]!);
        out.push(`<text x="${x}" y="${y + 4}" text-anchor="middle" font-weight="600">${escapeHtml(c === 0 && v.length <= 3 ? `x=${v}` : v)}</text>`);
      }
      if (col.target !== null) out.push(`<text x="${x + R + 6}" y="${y + 4}" fill="${STYLE.muted}">t=${escapeHtml(short(col.target[i]!))}</text>`);
      if (col.delta !== null) out.push(`<text x="${x}" y="${y + R + 13}" text-anchor="middle" font-weight="600" fill="${STYLE.delta}">δ=${escapeHtml(short(col.delta[i]!))}</text>`);
      if (bias !== null) {
        const b = bias[i]!;
        out.push(`<rect x="${x - R - 12}" y="${y - R - 6}" width="11" height="11" rx="2" fill="${b >= 0 ? STYLE.pos : STYLE.neg}"><title>${escapeHtml(`b${col.dense}[${i}] = ${short(b)}`)}</title></rect>`);
      }
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The columns of the drawing, with the values to write in them. */
function columns(model: Sequential, options: NetworkViewOptions, lang: Lang): Column[] {
  const max = Math.max(2, options.maxNeurons ?? 10);
  const firstRow = (v: Tensor | readonly (readonly number[])[] | undefined): ArrayLike<number> | null => {
    if (v === undefined) return null;
    if (v instanceof Tensor) return v.data.subarray(0, v.shape[v.ndim - 1] ?? 1);
    return v[0] ?? null;
  };
  const pass = options.pass;
  const x = pass ? pass.x : options.x;
  const xt = pass === undefined && x !== undefined ? (x instanceof Tensor ? x : toTensor(x)) : null;
  const trace = xt === null ? null : forwardTrace(model, xt.dtype === model.dtype ? xt : xt.astype(model.dtype));
  const denseCount = model.layers.filter((l) => isLayerKind(l, 'dense')).length;
  const cols: Column[] = [
    { title: t(lang, 'input'), sub: [], size: model.inputSize, layer: -1, dense: 0, firstId: 1, shown: kept(model.inputSize, max), a: firstRow(x), delta: null, target: null },
  ];
  let dense = 0;
  model.layers.forEach((layer, index) => {
    const last = cols[cols.length - 1]!;
    if (!isLayerKind(layer, 'dense')) {
      last.sub.push(t(lang, 'after', { kinds: layer.kind }));
      return;
    }
    dense++;
    const rec = pass?.layers[index];
    const a = rec ? firstRow(rec.a) : trace ? firstRow(trace[index]!.output) : null;
    const delta = rec && pass!.backwardDone && rec.z.grad ? firstRow(rec.z.grad) : null;
    const isLast = dense === denseCount;
    cols.push({
      title: isLast ? t(lang, 'output') : t(lang, 'hidden', { n: dense }),
      sub: [layer.activation],
      size: layer.units,
      layer: index,
      dense,
      firstId: last.firstId + last.size,
      shown: kept(layer.units, max),
      a,
      delta,
      target: isLast ? firstRow(options.target ?? pass?.t) : null,
    });
  });
  return cols;
}

/** The neurons drawn of a layer of n: all, or the first and last ones around a gap (null). */
function kept(n: number, max: number): (number | null)[] {
  if (n <= max + 2) return Array.from({ length: n }, (_, i) => i);
  const head = Math.ceil(max / 2);
  const tail = max - head;
  return [...Array.from({ length: head }, (_, i) => i), null, ...Array.from({ length: tail }, (_, i) => n - tail + i)];
}

function toTensor(rows: readonly (readonly number[])[]): Tensor {
  return new Tensor(Float64Array.from(rows.flat()), [rows.length, rows[0]?.length ?? 0]);
}

/** 4 significant digits, as the playground writes numbers in its diagram. */
export function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return String(Number(x.toPrecision(4)));
  return x.toExponential(2);
}
