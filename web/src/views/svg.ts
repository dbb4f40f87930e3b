/** Creates an SVG element with attributes (a tiny helper for the dumb views). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Creates an HTML element with attributes and optional text. */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Short display of a number: 4 significant digits (the ledger shows full precision). */
export function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return String(Number(x.toPrecision(4)));
  return x.toExponential(2);
}

/** TensorFlow Playground's colours: orange for negative, blue for positive, white at 0. */
export const NEG: [number, number, number] = [245, 147, 34];
export const POS: [number, number, number] = [8, 119, 189];

/** The colour of a value in [−1, 1] (clamped), as RGB. */
export function divergingRgb(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const end = t < 0 ? NEG : POS;
  const k = Math.abs(t);
  return [255 + (end[0] - 255) * k, 255 + (end[1] - 255) * k, 255 + (end[2] - 255) * k];
}
