import { formatTensor } from '../tensor/format.js';
import type { Tensor } from '../tensor/tensor.js';
import { STYLE, escapeHtml } from './html.js';
import { alignedNumbers } from './numbers.js';
import type { MediaBundle } from './protocol.js';

/** Options of {@link tensorHtml}. */
export interface TensorViewOptions {
  /** Decimals at most (numpy's `precision`); default 8. */
  decimals?: number;
  /** Rows, columns and blocks kept at each end of a long axis (numpy's `edgeitems`); default 5. */
  edge?: number;
}

/**
 * A tensor as an HTML table, the way numpy prints an array: numbers aligned at the decimal point
 * in one notation, long axes elided in the middle (⋯, ⋮) keeping `edge` items at each end, small
 * grey indices on the rows and columns, and the shape and dtype underneath. A 3-D or larger
 * tensor is a sequence of 2-D tables headed by their leading indices (`[0, :, :]`).
 *
 * @example
 * ```ts
 * tensorHtml(tensor([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]));   // 2 rows × 3 columns, 'shape [2, 3] · float64'
 * ```
 */
export function tensorHtml(t: Tensor, options: TensorViewOptions = {}): string {
  const edge = options.edge ?? 5;
  const shape = t.shape;
  const rows = shape.length >= 2 ? shape[shape.length - 2]! : 1;
  const cols = shape.length >= 1 ? shape[shape.length - 1]! : 1;
  const blockShape = shape.slice(0, -2);
  const blocks = product(blockShape.map((n) => kept(n, edge)));
  const rowIdx = kept(rows, edge);
  const colIdx = kept(cols, edge);
  // Format only what is shown, all of it together (one notation for the whole tensor, as numpy).
  const shownFlat: number[] = [];
  for (const b of blocks) {
    if (b.includes(null)) continue;
    const base = blockOffset(b as number[], shape);
    for (const r of rowIdx) for (const c of colIdx) if (r !== null && c !== null) shownFlat.push(base + r * cols + c);
  }
  const strs = alignedNumbers(shownFlat.map((i) => t.data[i]!), options.decimals ?? 8);
  const text = new Map(shownFlat.map((i, k) => [i, strs[k]!]));
  const grey = `color:${STYLE.muted};font-size:80%;font-weight:normal;padding:0 4px`;
  const cell = 'padding:1px 6px;text-align:right;white-space:pre;border:0';
  const table = (base: number): string => {
    const head = shape.length >= 2 || cols > 1
      ? `<tr><th style="border:0"></th>${colIdx.map((c) => `<th style="${grey};text-align:center;border:0">${c === null ? '' : c}</th>`).join('')}</tr>`
      : '';
    const body = rowIdx.map((r) => {
      const label = shape.length >= 2 ? (r === null ? '' : String(r)) : '';
      const tds = colIdx.map((c) => {
        if (r === null) return `<td style="${cell};text-align:center">${c === null ? '⋱' : '⋮'}</td>`;
        if (c === null) return `<td style="${cell};text-align:center">⋯</td>`;
        return `<td style="${cell}">${escapeHtml(text.get(base + r * cols + c)!)}</td>`;
      });
      return `<tr><th style="${grey};text-align:right;border:0">${label}</th>${tds.join('')}</tr>`;
    });
    return `<table style="border-collapse:collapse;font-family:${STYLE.mono};font-size:13px;font-variant-numeric:tabular-nums;margin:2px 0">${head}${body.join('')}</table>`;
  };
  const parts: string[] = [];
  for (const b of blocks) {
    if (blockShape.length > 0) {
      const label = `[${b.map((i) => (i === null ? '…' : String(i))).join(', ')}, :, :]`;
      parts.push(`<div style="${grey};font-family:${STYLE.mono}">${label}</div>`);
    }
    if (!b.includes(null)) parts.push(table(blockOffset(b as number[], shape)));
  }
  const notes = [`shape [${shape.join(', ')}]`, t.dtype, ...(t.requiresGrad ? ['requiresGrad'] : []), ...(t.name ? [t.name] : [])];
  const caption = `<div style="color:${STYLE.muted};font-size:85%;font-family:${STYLE.sans}">${escapeHtml(notes.join(' · '))}</div>`;
  return `<div class="bp-tensor" style="display:inline-block">${parts.join('')}${caption}</div>`;
}

/**
 * What a tensor shows in a notebook: {@link tensorHtml}, and numpy-style text for `text/plain`.
 *
 * @example
 * ```ts
 * tensorBundle(tensor([1, 2]))['text/plain'];   // 'tensor([1, 2], dtype=float64)'
 * ```
 */
export function tensorBundle(t: Tensor, options: TensorViewOptions = {}): MediaBundle {
  return { 'text/plain': formatTensor(t), 'text/html': tensorHtml(t, options) };
}

/** The indices shown along an axis of length n: all, or `edge` at each end with null for the gap. */
function kept(n: number, edge: number): (number | null)[] {
  if (n <= 2 * edge + 1) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), null, ...Array.from({ length: edge }, (_, i) => n - edge + i)];
}

/** Every combination of the per-axis choices, the last axis fastest; after a gap, one gap. */
function product(axes: (number | null)[][]): (number | null)[][] {
  return axes.reduce<(number | null)[][]>((acc, axis) => acc.flatMap((prefix) => (prefix.includes(null) ? [[...prefix, null]] : axis.map((i) => [...prefix, i]))), [[]]);
}

/** The flat offset of the 2-D block at leading indices `b`. */
function blockOffset(b: readonly number[], shape: readonly number[]): number {
  let off = 0;
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (k < b.length) off += b[k]! * stride;
    stride *= shape[k]!;
  }
  return off;
}
