import { BackpropError } from '../errors.js';
import type { LedgerNode } from './types.js';

/**
 * Numbers every node through the network as the seed notebook does: inputs first (1…n₀), then
 * each layer's neurons in order. For sizes [3, 2, 2]: inputs 1–3, hidden 4–5, outputs 6–7.
 *
 * @example
 * ```ts
 * numberNodes([3, 2, 2]).map((n) => n.id);   // [1, 2, 3, 4, 5, 6, 7]
 * ```
 */
export function numberNodes(sizes: readonly number[]): LedgerNode[] {
  const nodes: LedgerNode[] = [];
  const last = sizes.length - 1;
  sizes.forEach((n, layer) => {
    for (let index = 0; index < n; index++) {
      const role = layer === 0 ? 'input' : layer === last ? 'output' : 'hidden';
      nodes.push({ id: nodes.length + 1, layer, index, role });
    }
  });
  return nodes;
}

/** The 1-based node number of neuron `index` of layer `layer` (0 = inputs). */
export function nodeId(sizes: readonly number[], layer: number, index: number): number {
  let offset = 0;
  for (let l = 0; l < layer; l++) offset += sizes[l]!;
  return offset + index + 1;
}

/** `W2[0][0]` — the weight into neuron `row` of layer `layer` (from 1) from input `col`. */
export function weightId(layer: number, row: number, col: number): string {
  return `W${layer}[${row}][${col}]`;
}

/** `b2[1]` — the bias of neuron `row` of layer `layer` (from 1). */
export function biasId(layer: number, row: number): string {
  return `b${layer}[${row}]`;
}

/**
 * The seed notebook's weight name: `w` + the number of the node the weight leaves + the position
 * (from 1) of the receiving neuron within its layer. W2[0][0] of the seed network (from hidden
 * node 4 to the first output) is `w41`; W2[1][0] is `w42`. When a number has two digits the parts
 * are joined by `_` (`w12_3`) so the name stays unambiguous.
 *
 * @example
 * ```ts
 * notebookWeightName([3, 2, 2], 2, 0, 0);   // 'w41' (hidden node 4 → first output)
 * notebookWeightName([3, 2, 2], 2, 1, 0);   // 'w42'
 * ```
 */
export function notebookWeightName(sizes: readonly number[], layer: number, row: number, col: number): string {
  const from = nodeId(sizes, layer - 1, col);
  const to = row + 1;
  return from < 10 && to < 10 ? `w${from}${to}` : `w${from}_${to}`;
}

/** The notebook's name for the sum of a layer's bias gradients: `bb2`. */
export function notebookBiasSumName(layer: number): string {
  return `bb${layer}`;
}

/** The parameter a `--param` name refers to: a whole matrix (`W2`, `b1`) or one element. */
export interface ParamSelector {
  kind: 'weight' | 'bias';
  layer: number;
  row: number | null;
  col: number | null;
}

/**
 * Parses a parameter name as written on the command line: `W1[0][2]`, `b2[1]`, a whole
 * matrix `W2` or `b1`, the notebook's `w41` (or `w12_3`), or the engine's `0.weight[0][2]` /
 * `1.bias[0]`. Throws a {@link BackpropError} naming the accepted forms when it matches none or
 * points outside the network.
 *
 * @example
 * ```ts
 * parseParamName('w41', [3, 2, 2]);   // { kind: 'weight', layer: 2, row: 0, col: 0 }
 * ```
 */
export function parseParamName(name: string, sizes: readonly number[]): ParamSelector {
  const s = name.trim();
  let sel: ParamSelector | null = null;
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^W(\d+)(?:\[(\d+)\]\[(\d+)\])?$/))) {
    sel = { kind: 'weight', layer: +m[1]!, row: m[2] === undefined ? null : +m[2], col: m[3] === undefined ? null : +m[3] };
  } else if ((m = s.match(/^b(\d+)(?:\[(\d+)\])?$/))) {
    sel = { kind: 'bias', layer: +m[1]!, row: m[2] === undefined ? null : +m[2], col: null };
  } else if ((m = s.match(/^(\d+)\.(weight|bias)(?:\[(\d+)\](?:\[(\d+)\])?)?$/))) {
    const kind = m[2] === 'weight' ? 'weight' : 'bias';
    sel = { kind, layer: +m[1]! + 1, row: m[3] === undefined ? null : +m[3], col: m[4] === undefined ? null : +m[4] };
  } else if ((m = s.match(/^w(\d)(\d)$/)) || (m = s.match(/^w(\d+)_(\d+)$/))) {
    sel = fromNotebook(+m[1]!, +m[2]!, sizes);
  }
  const layers = sizes.length - 1;
  const ok =
    sel !== null &&
    sel.layer >= 1 &&
    sel.layer <= layers &&
    (sel.row === null || (sel.row >= 0 && sel.row < sizes[sel.layer]!)) &&
    (sel.col === null || sel.col < sizes[sel.layer - 1]!) &&
    !(sel.kind === 'weight' && (sel.row === null) !== (sel.col === null));
  if (!ok || sel === null) {
    const last = layers;
    const example = `W1[0][0]…W${last}[${sizes[last]! - 1}][${sizes[last - 1]! - 1}], b1[0]…b${last}[${sizes[last]! - 1}], W1, b${last}, ${notebookWeightName(sizes, last, 0, 0)}, 0.weight[0][0]`;
    throw new BackpropError('argument', `--param: no parameter ${JSON.stringify(name)} in a network of sizes [${sizes.join(', ')}]; expected one of ${example}`);
  }
  return sel;
}

function fromNotebook(from: number, to: number, sizes: readonly number[]): ParamSelector | null {
  let offset = 0;
  for (let l = 0; l < sizes.length - 1; l++) {
    const n = sizes[l]!;
    if (from > offset && from <= offset + n) return { kind: 'weight', layer: l + 1, row: to - 1, col: from - offset - 1 };
    offset += n;
  }
  return null;
}

/** Whether the parameter element (kind, layer, row, col) is chosen by `sel`. */
export function selects(sel: ParamSelector, kind: 'weight' | 'bias', layer: number, row: number, col: number | null): boolean {
  return sel.kind === kind && sel.layer === layer && (sel.row === null || sel.row === row) && (sel.col === null || sel.col === col);
}
