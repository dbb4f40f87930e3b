// Backpropagation by hand for the practice exercises' two-layer networks — plain loops over the
// exercise's numbers, no library code — and each catalogued mistake made deliberately in it. The
// practice tests compare the catalogue's values with these: an independent derivation of every
// wrong answer (and of the right one).
import type { Exercise, MistakeId } from '../../src/explain/index.js';

type Act = 'sigmoid' | 'tanh' | 'relu' | 'softmax';
const sig = (x: number): number => 1 / (1 + Math.exp(-x));
/** f′ as a function of the net input z (the textbook formulas). */
const dfz: Record<Exclude<Act, 'softmax'>, (z: number) => number> = {
  sigmoid: (z) => sig(z) * (1 - sig(z)),
  tanh: (z) => 1 - Math.tanh(z) ** 2,
  relu: (z) => (z > 0 ? 1 : 0),
};
const f: Record<Act, (z: number[]) => number[]> = {
  sigmoid: (z) => z.map(sig),
  tanh: (z) => z.map(Math.tanh),
  relu: (z) => z.map((v) => Math.max(0, v)),
  softmax: (z) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  },
};

interface Forward {
  x: number[];
  z1: number[];
  a1: number[];
  z2: number[];
  y: number[];
  t: number[];
}

function forward(ex: Exercise, n: number): Forward {
  const [h, o] = ex.network.activations as [Act, Act];
  const [L1, L2] = ex.weights;
  const x = ex.input[n]!;
  const z1 = L1!.W.map((row, i) => row.reduce((s, w, j) => s + w * x[j]!, L1!.b[i]!));
  const a1 = f[h](z1);
  const z2 = L2!.W.map((row, i) => row.reduce((s, w, j) => s + w * a1[j]!, L2!.b[i]!));
  return { x, z1, a1, z2, y: f[o](z2), t: ex.target[n]! };
}

/** Where the mistake is made: which rule of the hand calculation is replaced. */
interface Slip {
  /** ∂E/∂y of output k (the cost's derivative with its averaging over `count` numbers). */
  dEdy?: (y: number, t: number, count: number) => number;
  /** The receiving neuron's δ from its ∂E/∂a, a, z and (fused outputs) its right δ. */
  delta?: (dEda: number, a: number, z: number, right: number) => number;
  /** A hidden neuron's ∂E/∂a from its paths δₖ·wₖ. */
  paths?: (products: number[]) => number;
  /** The value the parameter carries (x for a weight, 1 for a bias). */
  carried?: (fw: Forward, right: number) => number;
}

/** ∂E/∂p for the exercise's question parameter, over the samples `rows`, with an optional slip at the receiving neuron. */
export function handGrad(ex: Exercise, slip: Slip = {}, rows: number[] = ex.input.map((_, n) => n)): number {
  const m = /^(W|b)(\d)\[(\d)\](?:\[(\d)\])?$/.exec(ex.question.param)!;
  const [kind, layer, row, col] = [m[1], +m[2]!, +m[3]!, m[4] === undefined ? -1 : +m[4]];
  const [h, o] = ex.network.activations as [Act, Act];
  const W2 = ex.weights[1]!.W;
  const N = rows.length;
  const K = ex.target[0]!.length;
  const loss = ex.network.loss;
  const count = loss === 'mse' ? N * K : loss === 'cross_entropy' ? N : 1;
  let grad = 0;
  for (const n of rows) {
    const fw = forward(ex, n);
    const rightDEdy = (y: number, t: number): number => (loss === 'sse' ? y - t : loss === 'mse' ? (2 * (y - t)) / count : -t / (count * y));
    const dEdy = fw.y.map((y, k) => (slip.dEdy ?? rightDEdy)(y, fw.t[k]!, count));
    const fused = o === 'softmax';
    const d2 = fw.y.map((y, k) => (fused ? (y - fw.t[k]!) / count : dEdy[k]! * dfz[o as Exclude<Act, 'softmax'>](fw.z2[k]!)));
    let delta: number;
    let carriedRight: number;
    if (layer === 2) {
      const right = d2[row]!;
      delta = slip.delta ? slip.delta(fused ? dEdy[row]! : dEdy[row]!, fw.y[row]!, fw.z2[row]!, right) : right;
      carriedRight = kind === 'b' ? 1 : fw.a1[col]!;
    } else {
      const products = W2.map((wk, k) => d2[k]! * wk[row]!);
      const dEda = (slip.paths ?? ((ps: number[]) => ps.reduce((a, b) => a + b, 0)))(products);
      const right = dEda * dfz[h as Exclude<Act, 'softmax'>](fw.z1[row]!);
      delta = slip.delta ? slip.delta(dEda, fw.a1[row]!, fw.z1[row]!, right) : right;
      carriedRight = kind === 'b' ? 1 : fw.x[col]!;
    }
    grad += delta * (slip.carried ? slip.carried(fw, carriedRight) : carriedRight);
  }
  return grad;
}

/** The textbook f′ of `act` evaluated at a number (for "f′(a) instead of f′(z)"). */
export function derivativeAt(act: Exclude<Act, 'softmax'>, v: number): number {
  return dfz[act](v);
}

/**
 * Every catalogued mistake's gradient by hand for the exercise's question (as a gradient), each
 * id with its variants; ids that do not apply to this question are absent.
 */
export function handMistakes(ex: Exercise): Map<MistakeId, number[]> {
  const out = new Map<MistakeId, number[]>();
  const add = (id: MistakeId, v: number): void => void out.set(id, [...(out.get(id) ?? []), v]);
  const m = /^(W|b)(\d)\[(\d)\](?:\[(\d)\])?$/.exec(ex.question.param)!;
  const [kind, layer, row, col] = [m[1], +m[2]!, +m[3]!, m[4] === undefined ? -1 : +m[4]];
  const [h, o] = ex.network.activations as [Act, Act];
  const act = (layer === 2 ? o : h) as Act;
  const loss = ex.network.loss;
  const N = ex.input.length;
  const K = ex.target[0]!.length;
  const fused = o === 'softmax';
  const receivingFused = fused && layer === 2;
  const sign = (y: number, t: number, c: number): number => (loss === 'sse' ? t - y : loss === 'mse' ? (2 * (t - y)) / c : t / (c * y));
  if (receivingFused) {
    add('activation-derivative-left-out', handGrad(ex, { delta: (dEdy) => dEdy }));
    add('derivative-applied-twice', handGrad(ex, { delta: (_d, a, _z, right) => right * a * (1 - a) }));
  } else {
    add('activation-derivative-left-out', handGrad(ex, { delta: (dEda) => dEda }));
    add('derivative-at-output', handGrad(ex, { delta: (dEda, a) => dEda * derivativeAt(act as Exclude<Act, 'softmax'>, a) }));
    if (act !== 'sigmoid') add('sigmoid-derivative-elsewhere', handGrad(ex, { delta: (dEda, a) => dEda * a * (1 - a) }));
  }
  if (loss === 'sse') {
    add('cost-without-half', handGrad(ex, { dEdy: (y, t) => 2 * (y - t) }));
    if (N * K > 1) add('mean-added', handGrad(ex, { dEdy: (y, t) => (y - t) / (N * K) }));
  }
  if (loss === 'mse') {
    add('square-derivative-without-two', handGrad(ex, { dEdy: (y, t, c) => (y - t) / c }));
    add('mean-left-out', handGrad(ex, { dEdy: (y, t) => 2 * (y - t) }));
    if (K > 1) add('mean-over-samples-only', handGrad(ex, { dEdy: (y, t) => (2 * (y - t)) / N }));
  }
  // NOTE: a reversed error flips y − t at the output, also where the loss is fused (δ = (t − y)/count).
  add('error-sign-reversed', receivingFused || fused ? -handGrad(ex) : handGrad(ex, { dEdy: sign }));
  if (kind === 'W') {
    if (layer === 2) add('carried-net-input', handGrad(ex, { carried: (fw) => fw.z1[col]! }));
    if (layer === 2 && col < ex.input[0]!.length) add('carried-network-input', handGrad(ex, { carried: (fw) => fw.x[col]! }));
    add('carried-own-output', handGrad(ex, { carried: (fw) => (layer === 2 ? fw.y[row]! : fw.a1[row]!) }));
  }
  if (layer === 1) {
    for (let k = 0; k < K; k++) add('one-path-only', handGrad(ex, { paths: (ps) => ps[k]! }));
    add('paths-multiplied', handGrad(ex, { paths: (ps) => ps.reduce((a, b) => a * b, 1) }));
  }
  if (kind === 'b') {
    const units = ex.weights[layer - 1]!.b.length;
    let sum = 0;
    for (let i = 0; i < units; i++) sum += handGrad({ ...ex, question: { ...ex.question, param: `b${layer}[${i}]` } });
    if (units > 1) add('bias-sum', sum);
    const width = layer === 2 ? ex.weights[0]!.b.length : ex.input[0]!.length;
    for (let j = 0; j < width; j++) add('bias-times-input', handGrad(ex, { carried: (fw) => (layer === 2 ? fw.a1[j]! : fw.x[j]!) }));
  }
  if (N > 1) for (let n = 0; n < N; n++) add('one-sample-only', handGrad(ex, {}, [n]));
  return out;
}
