/** A weight or bias of the network: layer from 1 (W1, b1 as in the notebook), row and col from 0. */
export interface ParamRef {
  kind: 'weight' | 'bias';
  layer: number;
  row: number;
  col: number | null;
}

/** Parses `W2[0][0]` / `b1[1]`; null when malformed. */
export function parseParamId(id: string): ParamRef | null {
  let m = /^W(\d+)\[(\d+)\]\[(\d+)\]$/.exec(id);
  if (m) return { kind: 'weight', layer: +m[1]!, row: +m[2]!, col: +m[3]! };
  m = /^b(\d+)\[(\d+)\]$/.exec(id);
  if (m) return { kind: 'bias', layer: +m[1]!, row: +m[2]!, col: null };
  return null;
}

/** Node number through the network, inputs first from 1 (seed network: inputs 1–3, hidden 4–5, outputs 6–7). */
export function nodeNumber(sizes: readonly number[], layer: number, index: number): number {
  let offset = 0;
  for (let l = 0; l < layer; l++) offset += sizes[l]!;
  return offset + index + 1;
}

/**
 * The seed notebook's name of a weight: `w` + the node it leaves + the position (from 1) of the
 * neuron it feeds; W2[0][0] of the seed network is `w41`. Two-digit parts are joined by `_`.
 */
export function notebookName(sizes: readonly number[], p: ParamRef): string | null {
  if (p.kind !== 'weight') return null;
  const from = nodeNumber(sizes, p.layer - 1, p.col!);
  const to = p.row + 1;
  return from < 10 && to < 10 ? `w${from}${to}` : `w${from}_${to}`;
}

/** True when `p` exists in a network with `sizes`. */
export function paramExists(sizes: readonly number[], p: ParamRef): boolean {
  if (p.layer < 1 || p.layer >= sizes.length || p.row >= sizes[p.layer]!) return false;
  return p.kind === 'bias' || (p.col !== null && p.col < sizes[p.layer - 1]!);
}
