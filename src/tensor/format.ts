import type { Tensor } from './tensor.js';

/**
 * Formats a number with at most `digits` significant digits, without trailing zeros.
 *
 * @example
 * ```ts
 * formatNumber(0.041662675483871574);   // '0.041662675' (8 significant digits)
 * formatNumber(2.2117236e-13);          // '2.2117236e-13'
 * ```
 */
export function formatNumber(x: number, digits = 8): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 10 ** digits) {
    let s = x.toPrecision(digits);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    return s;
  }
  const [mant, exp] = x.toExponential(digits - 1).split('e') as [string, string];
  const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
  return `${m}e${exp}`;
}

/** Text form of a tensor used by `Tensor.toString()`; long axes are elided with `…`. */
export function formatTensor(t: Tensor, digits = 8, edge = 4): string {
  const shape = t.shape;
  const data = t.data;
  const strs: string[] = new Array(data.length);
  let width = 0;
  for (let i = 0; i < data.length; i++) {
    strs[i] = formatNumber(data[i]!, digits);
    if (strs[i]!.length > width) width = strs[i]!.length;
  }
  const pad = (s: string): string => s.padStart(width);
  const suffix = `, dtype=${t.dtype}${t.requiresGrad ? ', requiresGrad=true' : ''})`;
  if (shape.length === 0) return `tensor(${strs[0]}${suffix}`;
  const render = (axis: number, offset: number, stride: number, indent: string): string => {
    const n = shape[axis]!;
    const inner = stride / n;
    const idx: (number | null)[] = [];
    if (n > 2 * edge + 1) {
      for (let i = 0; i < edge; i++) idx.push(i);
      idx.push(null);
      for (let i = n - edge; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    if (axis === shape.length - 1) {
      return `[${idx.map((i) => (i === null ? '…' : pad(strs[offset + i]!))).join(', ')}]`;
    }
    const sep = `,${'\n'.repeat(shape.length - axis - 1)}${indent} `;
    return `[${idx.map((i) => (i === null ? '…' : render(axis + 1, offset + i * inner, inner, indent + ' '))).join(sep)}]`;
  };
  return `tensor(${render(0, 0, data.length, '       ')}${suffix}`;
}
