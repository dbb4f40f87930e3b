import type { FloatArray } from '../../kernels/types.js';

/** A formula in two notations: plain Unicode text (terminal) and LaTeX (Markdown, HTML). */
export interface Formula {
  readonly text: string;
  readonly tex: string;
}

/**
 * How the ledger's computer algebra (mathjs, as the seed notebook used sympy) derives f′:
 * - `smooth`: mathjs differentiates `f` (in x) and proves the result equal to `identityExpr`
 *   (and to `alt`, the form sympy printed in the seed notebook, where there is one);
 * - `piecewise`: mathjs differentiates each piece (`pos` for x > 0, `neg` for x ≤ 0);
 * - `product-rule`: mathjs cannot differentiate it (erf), so `raw` is the product rule written out
 *   and the check is numeric (a central difference of f);
 * - `jacobian`: softmax, whose ∂yᵢ/∂zⱼ the ledger derives for a whole row.
 * `identity` is the textbook form; `identityAt(x)` its value, an independent check of the engine.
 */
export type CasForm =
  | { readonly kind: 'smooth'; readonly f: string; readonly identity: Formula; readonly identityExpr: string; readonly alt?: string; identityAt(x: number): number }
  | { readonly kind: 'piecewise'; readonly pos: string; readonly neg: string; readonly identity: Formula; identityAt(x: number): number }
  | { readonly kind: 'product-rule'; readonly f: Formula; readonly raw: Formula; readonly identity: Formula; identityAt(x: number): number }
  | { readonly kind: 'jacobian' };

/** One ONNX node of an activation's export (inputs and output are value names). */
export interface OnnxNodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly attributes?: readonly ({ readonly name: string; readonly float: number } | { readonly name: string; readonly int: number })[];
}

/** The ONNX form of an activation: its nodes from `x` to `out`, and any shared scalar constants. */
export interface OnnxForm {
  readonly nodes: readonly OnnxNodeSpec[];
  /** Scalar float constants the nodes read by name (shared by every layer that uses them). */
  readonly constants?: readonly { readonly name: string; readonly value: number }[];
}

/** What a PyTorch script writes for the activation (see src/io/state-dict.ts for the index rule). */
export interface TorchForm {
  /** The module appended after the `nn.Linear` in an `nn.Sequential`, or null (linear: none). */
  readonly module: string | null;
  /** A note on a numerical difference, for the docs (e.g. softplus's threshold). */
  readonly note?: string;
}

/**
 * Everything the library knows about one activation f, in one place — every tier reads it:
 * the autograd op (ops built from `forward`/`backward`), the fused kernels and the small path
 * (the same loops), the compiled one-row step (calls `f`/`df`), the ledger (symbols, formulas,
 * computer algebra), ONNX and PyTorch export, target validation (`range`), the default
 * initializer and the CLI's help.
 *
 * The loops are the math: `forward` writes a = f(z), `backward` turns g = ∂E/∂a into ∂E/∂z in
 * place, each entry with exactly the expression of `f` / `df`, so every tier gives the same bits.
 *
 * NOTE: each entry writes its two loops out (three lines each) instead of getting them from a
 * shared factory: loops made by one factory share the engine's type feedback, so their call to
 * `f` is no longer inlined — measured 2–9× slower on 8,192 float32 numbers (relu 79 → 500–710 ms
 * per 4,000 passes, sigmoid 740–830 → 1,500–2,500 ms).
 *
 * Shape: z, a, g [rows, cols] row-major from index `at` (default 0); an elementwise activation
 * treats them as rows·cols numbers, a row-wise one (softmax) as rows of cols.
 */
export interface ActivationSpec {
  readonly name: string;
  /** `elementwise`: a = f(z) per number; `rowwise`: over each row (softmax, output layers only). */
  readonly form: 'elementwise' | 'rowwise';
  /** f(x), the exact expression every tier uses (row-wise activations: undefined). */
  readonly f?: (x: number) => number;
  /** g·f′(x) given the net input x and the output y = f(x) (row-wise: undefined). */
  readonly df?: (g: number, x: number, y: number) => number;
  /** a = f(z) for rows·cols numbers from `at` (`a` may be `z` only for linear). */
  forward(z: FloatArray, a: FloatArray, rows: number, cols: number, at?: number): void;
  /** g ← g ⊙ f′ in place, from the saved z and a (softmax: aᵢ·(gᵢ − Σⱼ gⱼaⱼ) per row). */
  backward(g: FloatArray, z: FloatArray, a: FloatArray, rows: number, cols: number, at?: number): void;
  /**
   * z[r, j] += b[j] and a = f(z) for the whole buffer on a WebAssembly SIMD kernel when the arrays
   * live in the kernels' memory (float32); false when it did not run (then the caller loops).
   */
  readonly biasForwardKernel?: (z: FloatArray, a: FloatArray, b: FloatArray, rows: number, cols: number) => boolean;
  /** Plain-text formulas, for help and the terminal ledger. */
  readonly text: { readonly f: string; readonly df: string };
  /** The function's symbol: σ, tanh, relu, … */
  readonly symbol: Formula;
  readonly cas: CasForm;
  /** ONNX nodes for an opset; throws nothing (every opset 13 … 22 is served). */
  onnx(x: string, out: string, prefix: string, opset: number): OnnxForm;
  /** The smallest opset at which `onnx` gives its native single node (default 13). */
  readonly preferredOpset?: number;
  readonly torch: TorchForm;
  /** The closed range of outputs (targets must lie in it); `{}` = unbounded. */
  readonly range: { readonly low?: number; readonly high?: number };
  /** Default weight initializer of a layer with this activation. */
  readonly init: 'he_normal' | 'glorot_uniform';
  /** True for activations allowed only on the output layer (softmax). */
  readonly outputOnly?: boolean;
}
