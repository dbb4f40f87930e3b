/**
 * The notebook display protocol: an object shows itself in a notebook cell by a method under
 * {@link JUPYTER_DISPLAY} that returns a {@link MediaBundle} — the same MIME bundle IPython's
 * `_repr_mimebundle_` returns. Deno's Jupyter kernel calls it on a cell's last value; other front
 * ends can call it too, since nothing here depends on Deno.
 */

/** `Symbol.for('Jupyter.display')`: the key of the display method (Deno's `Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display');

/**
 * One representation per MIME type; a front end shows the richest it can (HTML before Markdown
 * before SVG before plain text, in Jupyter). `text/plain` is always there.
 *
 * @example
 * ```ts
 * const b: MediaBundle = { 'text/plain': 'tensor([1, 2], dtype=float64)', 'text/html': '<table>…</table>' };
 * ```
 */
export interface MediaBundle {
  'text/plain': string;
  'text/html'?: string;
  'text/markdown'?: string;
  'image/svg+xml'?: string;
}

/**
 * Anything that shows itself in a notebook: `x[JUPYTER_DISPLAY]()` is its {@link MediaBundle}.
 *
 * @example
 * ```ts
 * const shown: Displayable = view(tensor([[1, 2]]));
 * shown[JUPYTER_DISPLAY]()['text/html'];   // '<div class="bp-tensor">…'
 * ```
 */
export interface Displayable {
  [JUPYTER_DISPLAY](): MediaBundle;
}

/**
 * Gives a plain data object (a dataset, a ledger, metrics) its display method: `method` (one
 * function per kind, reading `this`) under {@link JUPYTER_DISPLAY}, not enumerable — JSON,
 * `structuredClone` and deep equality leave it out, as does a spread copy (`{ ...ds, x }`), which
 * {@link view} still shows.
 */
export function withDisplay<T extends object>(obj: T, method: (this: T) => MediaBundle): T {
  Object.defineProperty(obj, JUPYTER_DISPLAY, { value: method, enumerable: false, writable: true, configurable: true });
  return obj;
}
