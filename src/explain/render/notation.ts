import { ACTIVATION_TABLE, type ActivationName } from '../../nn/activations.js';
import { formatNumber } from '../../tensor/format.js';
import { notebookWeightName } from '../names.js';
import type { Ledger, LedgerParam } from '../types.js';

/** A piece of mathematics in plain text and in LaTeX. */
export interface Math2 {
  text: string;
  tex: string;
}

/** A block of a rendered ledger; the text and Markdown renderers lay these out. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'para'; text: string }
  /** Lines aligned at the equals sign: lhs = rhs. */
  | { kind: 'math'; lines: { lhs: Math2; rhs: Math2 }[] }
  | { kind: 'table'; head: string[]; rows: string[][]; numeric: boolean[] };

/** Joins pieces into one Math2. */
export function cat(...parts: (Math2 | string)[]): Math2 {
  return {
    text: parts.map((p) => (typeof p === 'string' ? p : p.text)).join(''),
    tex: parts.map((p) => (typeof p === 'string' ? p : p.tex)).join(''),
  };
}

/** Same text and LaTeX. */
export function same(s: string): Math2 {
  return { text: s, tex: s };
}

/** Number formatting and the symbols of a ledger (node values, weights, derivatives). */
export class Notation {
  constructor(
    readonly ledger: Ledger,
    readonly digits: number,
  ) {}

  /** A number with `digits` significant digits. */
  n(x: number): string {
    // NOTE: −0 (e.g. relu′ on the negative side times a gradient) is shown as 0.
    return formatNumber(x === 0 ? 0 : x, this.digits);
  }

  /** A number as Math2 (LaTeX uses ×10^k for exponents). */
  num(x: number): Math2 {
    const s = this.n(x);
    const m = s.match(/^(-?[\d.]+)e([-+]?)(\d+)$/);
    const tex = m ? `${m[1]}\\times10^{${m[2] === '-' ? '-' : ''}${m[3]}}` : s;
    return { text: s, tex };
  }

  /** A number as a factor of a product: negative numbers in parentheses. */
  factor(x: number): Math2 {
    const v = this.num(x);
    return x < 0 ? { text: `(${v.text})`, tex: `(${v.tex})` } : v;
  }

  /** A vector or matrix of numbers: [a, b] or [[a, b], [c, d]]; LaTeX bmatrix (rows as in the ledger). */
  matrix(m: readonly (readonly number[])[]): Math2 {
    const text = m.length === 1 ? `[${m[0]!.map((v) => this.n(v)).join(', ')}]` : `[${m.map((r) => `[${r.map((v) => this.n(v)).join(', ')}]`).join(', ')}]`;
    const tex = `\\begin{bmatrix}${m.map((r) => r.map((v) => this.num(v).tex).join(' & ')).join(' \\\\ ')}\\end{bmatrix}`;
    return { text, tex };
  }

  /** The value symbol of a node: x3 for inputs, a4 for hidden neurons, y6 for outputs. */
  value(id: number): Math2 {
    const node = this.ledger.nodes[id - 1]!;
    const letter = node.role === 'input' ? 'x' : node.role === 'hidden' ? 'a' : 'y';
    return sym(letter, id);
  }

  /** The net input z of node `id`. */
  z(id: number): Math2 {
    return sym('z', id);
  }

  /** δ of node `id`, ∂E/∂z. */
  delta(id: number): Math2 {
    return { text: `δ${id}`, tex: `\\delta_{${id}}` };
  }

  /** The target of output node `id`. */
  t(id: number): Math2 {
    return sym('t', id);
  }

  /** f′(z_id) with the activation's own symbol (σ′ for the sigmoid). */
  fprime(act: ActivationName, id: number): Math2 {
    const f = ACTIVATION_TABLE[act].symbol;
    return { text: `${f.text}′(z${id})`, tex: `${f.tex}'(z_{${id}})` };
  }

  /** f(…) with the activation's symbol. */
  f(act: ActivationName, arg: Math2): Math2 {
    const f = ACTIVATION_TABLE[act].symbol;
    return { text: `${f.text}(${arg.text})`, tex: `${f.tex}(${arg.tex})` };
  }

  /** The name of a weight feeding neuron `row` of `layer` from input `col`: w41 or W2[0][0]. */
  weight(layer: number, row: number, col: number): Math2 {
    const p = this.ledger.params.find((q) => q.kind === 'weight' && q.layer === layer && q.row === row && q.col === col);
    const notebook = p?.notebook ?? notebookWeightName(this.ledger.network.sizes, layer, row, col);
    if (this.ledger.network.naming === 'notebook') return { text: notebook, tex: `w_{${notebook.slice(1)}}` };
    return { text: `W${layer}[${row}][${col}]`, tex: `W^{(${layer})}_{${row},${col}}` };
  }

  /** The symbol of a parameter: w41 / W2[0][0] for weights, b2[0] for biases. */
  param(p: LedgerParam): Math2 {
    if (p.kind === 'weight') return this.weight(p.layer, p.row, p.col!);
    return { text: `b${p.layer}[${p.row}]`, tex: `b^{(${p.layer})}_{${p.row}}` };
  }

  /** ∂E/∂(something). */
  dE(of: Math2): Math2 {
    return { text: `∂E/∂${of.text}`, tex: `\\frac{\\partial E}{\\partial ${of.tex}}` };
  }

  /** A product of factors: a · b · c. */
  prod(...fs: Math2[]): Math2 {
    return { text: fs.map((f) => f.text).join(' · '), tex: fs.map((f) => f.tex).join('\\cdot ') };
  }

  /** A sum of terms: a + b + c. */
  sum(ts: Math2[]): Math2 {
    return { text: ts.map((f) => f.text).join(' + '), tex: ts.map((f) => f.tex).join(' + ') };
  }
}

function sym(letter: string, id: number): Math2 {
  return { text: `${letter}${id}`, tex: `${letter}_{${id}}` };
}

/** Unicode symbols the notation uses, as LaTeX commands. */
const TEX: Readonly<Record<string, string>> = {
  '−': '-',
  '·': '\\cdot ',
  '⊙': '\\odot ',
  '→': '\\to ',
  '′': "'",
  'ᵀ': '^{\\top}',
  'Σ': '\\sum ',
  'ₙ': '_n',
  'ₖ': '_k',
  'δ': '\\delta ',
  'σ': '\\sigma ',
  '∂': '\\partial ',
  '½': '\\tfrac12 ',
  '²': '^2',
};

/** Unicode mathematics left in a LaTeX string, turned into LaTeX commands. */
export function texOf(s: string): string {
  return s.replace(/[−·⊙→′ᵀΣₙₖδσ∂½²]/g, (c) => TEX[c]!);
}

/**
 * A math block's lines as one LaTeX `aligned` environment, aligned at the equals sign (what the
 * Markdown renderer puts between `$$` and the HTML renderer hands to a TeX renderer).
 */
export function alignedTex(lines: readonly { lhs: Math2; rhs: Math2 }[]): string {
  const rows = lines.map((l) => {
    const rhs = texOf(l.rhs.tex);
    const body = rhs.startsWith('= ') ? rhs.slice(2) : rhs;
    return `${texOf(l.lhs.tex)} &= ${body}`;
  });
  return `\\begin{aligned}\n${rows.join(' \\\\\n')}\n\\end{aligned}`;
}
