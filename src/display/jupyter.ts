import type { MediaBundle } from './protocol.js';

/*
 * The one part of the displays that knows about a notebook front end: Deno's Jupyter kernel
 * (`Deno.jupyter.display`). Everything else builds MIME bundles with pure functions.
 */

/**
 * Shows or replaces a display: `update` false creates the display with id `id`, true replaces
 * its content in place (Jupyter's `display_data` and `update_display_data`).
 */
export type DisplayFn = (bundle: MediaBundle, target: { id: string; update: boolean }) => void | Promise<void>;

/** What the displays use of Deno's `Deno.jupyter` namespace. */
interface DenoJupyter {
  display(obj: unknown, options: { raw: boolean; display_id?: string; update?: boolean }): Promise<void>;
}

/** `Deno.jupyter` inside Deno's Jupyter kernel, else null (elsewhere reading it throws, or there is no Deno). */
function denoJupyter(): DenoJupyter | null {
  try {
    const j = (globalThis as { Deno?: { jupyter?: Partial<DenoJupyter> } }).Deno?.jupyter;
    return typeof j?.display === 'function' ? (j as DenoJupyter) : null;
  } catch {
    return null;
  }
}

/** The notebook's display function, or null outside a notebook. */
export function jupyterDisplayFn(): DisplayFn | null {
  const jupyter = denoJupyter();
  if (jupyter === null) return null;
  return (bundle, { id, update }) => jupyter.display(bundle, { raw: true, display_id: id, update });
}

/**
 * Shows a bundle now, in the middle of a cell: in a notebook as a display of its own, elsewhere
 * as its text on the console.
 */
export async function showBundle(bundle: MediaBundle): Promise<void> {
  const jupyter = denoJupyter();
  if (jupyter === null) console.log(bundle['text/plain']);
  else await jupyter.display(bundle, { raw: true });
}
