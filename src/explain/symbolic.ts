import { maxOf } from '../tensor/extent.js';
import { derivative, parse, simplify, type MathNode } from 'mathjs/number';
import { BackpropError } from '../errors.js';
import { ACTIVATION_TABLE, type ActivationName } from '../nn/activations.js';
import { LOSS_TABLE, type LossName } from '../nn/losses.js';
import type { Formula, SymbolicActivation, SymbolicLoss, SymbolicPoint } from './types.js';

/*
 * Derivatives by computer algebra, as the seed notebook did with sympy: mathjs `derivative` and
 * `simplify` differentiate each activation and loss; each result is evaluated (by mathjs's own
 * expression evaluator) at the points the ledger uses and compared with the textbook identity and
 * with the engine's local derivative.
 */

/** LaTeX from mathjs with its spacing quirks (`{ e}`, `\cdot` before a bracket) tidied. */
function tex(node: MathNode): string {
  return node
    .toTex({ parenthesis: 'auto' })
    .replace(/\{ ([a-z])\}/g, '{$1}')
    .replace(/(^|[^\\a-zA-Z]) ([a-z])/g, '$1$2')
    .replace(/\b([zty])(\d+)\b/g, '$1_{$2}');
}

const cache = new Map<string, MathNode>();

/** simplify(derivative(expr, v)), parsed once per expression (mathjs's simplify is slow). */
function d(expr: string, v: string): MathNode {
  const key = `${v}|${expr}`;
  let out = cache.get(key);
  if (out === undefined) {
    out = simplify(derivative(parse(expr), v));
    cache.set(key, out);
  }
  return out;
}

/** The largest number of classes written out symbolically; more classes are lumped into the last. */
const MAX_CLASSES = 3;

/** log Σ e^z over `zs`, stable. */
function logSumExp(zs: readonly number[]): number {
  const m = maxOf(zs, (z) => z);
  return m + Math.log(zs.reduce((a, z) => a + Math.exp(z - m), 0));
}

/**
 * The first two entries of a row, and the rest lumped into one (log-sum-exp of the logits, sum of
 * the targets): softmax and cross-entropy of the first two classes are unchanged by the lumping.
 */
function lump(z: readonly number[], t: readonly number[] | null): { z: number[]; t: number[] | null } {
  if (z.length <= MAX_CLASSES) return { z: [...z], t: t === null ? null : [...t] };
  return { z: [z[0]!, z[1]!, logSumExp(z.slice(2))], t: t === null ? null : [t[0]!, t[1]!, t.slice(2).reduce((a, b) => a + b, 0)] };
}

function formula(node: MathNode): Formula {
  return { text: node.toString({ parenthesis: 'auto' }), tex: tex(node) };
}

function at(node: MathNode, scope: Record<string, number>): number {
  return node.evaluate(scope) as number;
}

/**
 * The derivative of an elementwise activation, derived by mathjs (piece by piece for relu,
 * leaky_relu and elu), with the textbook identity and a numeric check at each z in `zs` against
 * `engine` (the engine's f′(z) there, or null where the engine did not need it).
 *
 * @example
 * ```ts
 * const s = activationDerivative('sigmoid', [2.7], [0.05900211]);
 * s.raw.text;        // mathjs's (e ^ (-x) + 1) ^ (-2) / e ^ x, i.e. e^−x/(1 + e^−x)²
 * s.identity.text;   // σ(x)·(1 − σ(x))
 * ```
 */
export function activationDerivative(name: Exclude<ActivationName, 'softmax'>, zs: readonly number[], engine: readonly (number | null)[]): SymbolicActivation {
  const cas = ACTIVATION_TABLE[name].cas;
  switch (cas.kind) {
    case 'smooth': {
      const f = parse(cas.f);
      const df = d(cas.f, 'x');
      const points = zs.map((z, i) => point(z, at(df, { x: z }), cas.identityAt(z), engine[i] ?? null));
      const proven = provedEqual(df, cas.identityExpr) && (cas.alt === undefined || provedEqual(df, cas.alt));
      const alt = cas.alt === undefined ? undefined : formula(parse(cas.alt));
      return { activation: name, method: 'mathjs', f: formula(f), raw: formula(df), ...(alt ? { alt } : {}), identity: cas.identity, proven, points, maxDiff: maxDiff(points) };
    }
    case 'piecewise': {
      const fp = parse(cas.pos);
      const fn = parse(cas.neg);
      const dp = d(cas.pos, 'x');
      const dn = d(cas.neg, 'x');
      const pieces = [
        { when: { text: 'x > 0', tex: 'x>0' }, f: formula(fp), df: formula(dp) },
        { when: { text: 'x ≤ 0', tex: 'x\\le 0' }, f: formula(fn), df: formula(dn) },
      ];
      const raw = { text: `${dp.toString()} if x > 0, else ${dn.toString()}`, tex: `\\begin{cases}${tex(dp)} & x>0\\\\ ${tex(dn)} & x\\le 0\\end{cases}` };
      const f = { text: `${fp.toString()} if x > 0, else ${fn.toString()}`, tex: `\\begin{cases}${tex(fp)} & x>0\\\\ ${tex(fn)} & x\\le 0\\end{cases}` };
      const points = zs.map((z, i) => point(z, at(z > 0 ? dp : dn, { x: z }), cas.identityAt(z), engine[i] ?? null));
      return { activation: name, method: 'piecewise', f, raw, identity: cas.identity, proven: true, pieces, points, maxDiff: maxDiff(points) };
    }
    case 'product-rule': {
      // NOTE: mathjs cannot differentiate erf: the product rule is written out in the table, and
      // checked here against a central difference of f.
      const f = ACTIVATION_TABLE[name].f!;
      const h = 1e-5;
      const points = zs.map((z, i) => point(z, (f(z + h) - f(z - h)) / (2 * h), cas.identityAt(z), engine[i] ?? null));
      return { activation: name, method: 'product-rule', f: cas.f, raw: cas.raw, identity: cas.identity, proven: false, points, maxDiff: maxDiff(points) };
    }
    case 'jacobian':
      throw new BackpropError('value', `activationDerivative: ${name} is row-wise; use softmaxDerivative`);
  }
}

/**
 * Softmax's derivative for K classes, derived by mathjs from y₁ = e^(z₁)/Σₖ e^(zₖ): ∂y₁/∂z₁ and
 * ∂y₁/∂z₂, with the identities y₁(1 − y₁) and −y₁·y₂, checked at the logits `z` of one sample
 * against the engine's Jacobian row `J1` (J1[i] = ∂y₁/∂zᵢ).
 *
 * @example
 * ```ts
 * softmaxDerivative([2, 1, 0], null).identity.text;   // '∂yᵢ/∂zⱼ = yᵢ(δᵢⱼ − yⱼ): y₁(1 − y₁), −y₁·y₂'
 * ```
 */
export function softmaxDerivative(zRow: readonly number[], J1: readonly number[] | null): SymbolicActivation {
  const z = lump(zRow, null).z;
  const K = Math.max(2, z.length);
  const names = Array.from({ length: K }, (_, k) => `z${k + 1}`);
  const expr = `e^z1 / (${names.map((n) => `e^${n}`).join(' + ')})`;
  const f = parse(expr);
  const d1 = d(expr, 'z1');
  const d2 = d(expr, 'z2');
  const scope = Object.fromEntries(names.map((n, k) => [n, z[k] ?? 0]));
  const y = softmaxOf(names.map((n) => scope[n]!));
  const points = [
    point(z[0] ?? 0, at(d1, scope), y[0]! * (1 - y[0]!), J1 === null ? null : J1[0]!),
    point(z[1] ?? 0, at(d2, scope), -y[0]! * y[1]!, J1 === null ? null : J1[1]!),
  ];
  return {
    activation: 'softmax',
    method: 'mathjs',
    f: formula(f),
    raw: { text: `∂y₁/∂z₁ = ${d1.toString()};  ∂y₁/∂z₂ = ${d2.toString()}`, tex: `\\frac{\\partial y_1}{\\partial z_1}=${tex(d1)},\\qquad \\frac{\\partial y_1}{\\partial z_2}=${tex(d2)}` },
    proven: false,
    identity: { text: '∂yᵢ/∂zⱼ = yᵢ(δᵢⱼ − yⱼ): y₁(1 − y₁), −y₁·y₂', tex: '\\frac{\\partial y_i}{\\partial z_j}=y_i(\\delta_{ij}-y_j):\\quad y_1(1-y_1),\\ -y_1y_2' },
    points,
    maxDiff: maxDiff(points),
  };
}

/** One output element at which the loss derivative is checked. */
export interface LossPoint {
  /** Sample's outputs y (or logits z when fused) and targets t, the whole row. */
  row: readonly number[];
  t: readonly number[];
  /** Which element of the row. */
  k: number;
  /** The engine's ∂E/∂y (or ∂E/∂z when fused) for that element. */
  engine: number;
}

/**
 * The loss derivative per element, derived by mathjs: ∂/∂y of ½(y − t)² is y − t; for softmax
 * with cross-entropy (fused) ∂/∂z₁ of −Σₖ tₖ·log softmax(z)ₖ, which is y₁ − t₁ when the targets
 * sum to 1. `scale` is the averaging factor (1/N or 1/M) the engine applies; the check compares
 * scale × derivative with the engine's gradient.
 *
 * @example
 * ```ts
 * const d = lossDerivative('sse', false, 1, [{ row: [0.86103399, 0.75879129], t: [0.5, 0.1], k: 0, engine: 0.36103399 }]);
 * d.f.text;     // '1 / 2 * (y - t) ^ 2'
 * d.raw.text;   // 'y - t' (mathjs derivative)
 * d.maxDiff;    // 0: agrees with the engine's gradient
 * ```
 */
export function lossDerivative(loss: LossName, fused: boolean, scale: number, pts: readonly LossPoint[]): SymbolicLoss {
  const spec = LOSS_TABLE[loss];
  const form = fused ? spec.onLogits : undefined;
  let expr: string;
  let v = 'y';
  let identity: Formula;
  let id: (p: LossPoint, s: Record<string, number>) => number;
  let scopeOf = (p: LossPoint): Record<string, number> => ({ y: p.row[p.k]!, t: p.t[p.k]! });
  if (form?.cas.kind === 'softmax') {
    const width = pts[0]?.row.length ?? 2;
    const K = Math.max(2, Math.min(width, MAX_CLASSES));
    const zs = Array.from({ length: K }, (_, k) => `z${k + 1}`);
    const denom = zs.map((n) => `e^${n}`).join(' + ');
    expr = `-(${zs.map((n, k) => `t${k + 1} * log(e^${n} / (${denom}))`).join(' + ')})`;
    v = 'z1';
    identity = form.cas.identity;
    // NOTE: the element checked is moved to position 1 by rotating the row, so one formula serves;
    // beyond MAX_CLASSES the other classes are lumped into the last symbol.
    scopeOf = (p) => {
      const rot = (r: readonly number[]): number[] => r.map((_, k) => r[(k + p.k) % r.length]!);
      const lumped = lump(rot(p.row), rot(p.t));
      return Object.fromEntries(zs.flatMap((n, k) => [[n, lumped.z[k]!], [`t${k + 1}`, lumped.t![k]!]]));
    };
    id = (p) => softmaxOf(p.row)[p.k]! - p.t[p.k]!;
  } else if (form?.cas.kind === 'elementwise') {
    const cas = form.cas;
    expr = cas.expr;
    v = 'z';
    identity = cas.identity;
    scopeOf = (p) => ({ z: p.row[p.k]!, t: p.t[p.k]! });
    id = (p) => cas.identityAt(p.row[p.k]!, p.t[p.k]!);
  } else {
    expr = spec.cas.expr;
    identity = spec.cas.identity;
    id = (_, s) => spec.cas.identityAt(s.y!, s.t!);
  }
  const f = parse(expr);
  const dE = d(expr, v);
  const points = pts.map((p) => {
    const s = scopeOf(p);
    return { ...point(p.row[p.k]!, scale * at(dE, s), scale * id(p, s), p.engine), t: p.t[p.k]! };
  });
  return { loss, fused, f: formula(f), raw: formula(dE), identity, scale, points, maxDiff: maxDiff(points) };
}

/** Whether mathjs simplifies `d − (expr)` to 0, i.e. proves the two forms equal. */
function provedEqual(d: MathNode, expr: string): boolean {
  try {
    const key = `proof|${d.toString()}|${expr}`;
    let r = cache.get(key);
    if (r === undefined) {
      r = simplify(parse(`(${d.toString()}) - (${expr})`));
      cache.set(key, r);
    }
    return r.toString() === '0';
  } catch {
    return false;
  }
}

function softmaxOf(z: readonly number[]): number[] {
  const m = maxOf(z, (v) => v);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function point(x: number, cas: number, identity: number, engine: number | null): SymbolicPoint {
  return { at: x, cas, identity, engine };
}

/** Largest disagreement (relative above 1 in size) among the routes at any point. */
function maxDiff(points: readonly SymbolicPoint[]): number {
  let m = 0;
  for (const p of points) {
    const scale = Math.max(1, Math.abs(p.identity));
    m = Math.max(m, Math.abs(p.cas - p.identity) / scale);
    if (p.engine !== null) m = Math.max(m, Math.abs(p.engine - p.identity) / scale);
  }
  return m;
}
