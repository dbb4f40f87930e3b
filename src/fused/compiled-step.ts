import type { SquaredError } from '../functions/losses/index.js';
import { isLinear, type FusedLayer } from './layer.js';

/**
 * One training step of a tiny float64 network for one row with a squared-error loss — forward,
 * loss, backward and (with `update`) the SGD update — returning E. See {@link compileOneRowStep}.
 */
export type CompiledStep = (x: Float64Array, t: Float64Array, update: boolean, lr: number) => number;

/** Largest network (in weights) a step is compiled for: the code grows with every weight. */
export const COMPILE_MAX_WEIGHTS = 256;

/**
 * A step compiled for one network: `oneRowSquaredErrorStep` (small.ts) with every loop unrolled
 * for these layer sizes, the activations written in, and the values of one step kept in locals —
 * source text made here and compiled once by the engine (`new Function`), the way a tensor
 * compiler emits a kernel per shape. A step of the 3-2-2 seed network is then a few dozen
 * arithmetic statements with no loop or dispatch left, which is what it takes to come under a
 * third of a microsecond.
 *
 * The statements are the small path's expressions in the same order (each sum from 0 in order of
 * its inner index, the SGD update `w + (−η)·g`), and float64 locals hold exactly what the float64
 * buffers would, so E, every buffer and every `.grad` are bit-identical to the small path (tested).
 * The buffers are written as there: net inputs, outputs, deltas and gradients.
 *
 * Returns null — the caller keeps the small path — for float32 networks, networks above
 * {@link COMPILE_MAX_WEIGHTS} weights, softmax outputs, or where the engine refuses to compile
 * source at run time (a page whose Content-Security-Policy forbids `unsafe-eval`).
 *
 * @example
 * ```ts
 * const step = compileOneRowStep(layers, LOSS_TABLE.sse.squaredError);
 * const E = step?.(x, t, true, 0.5);             // one SGD step, as oneRowSquaredErrorStep
 * ```
 */
export function compileOneRowStep(layers: readonly FusedLayer[], loss: SquaredError): CompiledStep | null {
  let weights = 0;
  for (const L of layers) {
    weights += L.inputs * L.units;
    if (L.act.f === undefined || L.act.df === undefined) return null;
    for (const arr of [L.w, L.b, L.z, L.a, L.delta, L.gradW.data, L.gradB.data]) if (!(arr instanceof Float64Array)) return null;
  }
  if (weights > COMPILE_MAX_WEIGHTS) return null;
  const src = stepSource(layers);
  // NOTE: each layer's f and g·f′ and the loss's gradient and total enter as arguments: the table's
  // own functions, each called from its own site in the compiled code (so the engine inlines it).
  const names: string[] = ['lossGrad', 'lossTotal'];
  const values: unknown[] = [loss.grad, loss.total];
  layers.forEach((L, l) => {
    names.push(`F${l}`, `DF${l}`);
    values.push(L.act.f, L.act.df);
    names.push(`W${l}`, `B${l}`, `Z${l}`, `A${l}`, `D${l}`, `GW${l}`, `GB${l}`, `PW${l}`, `PB${l}`, `TW${l}`, `TB${l}`);
    values.push(L.w, L.b, L.z, L.a, L.delta, L.gradW.data, L.gradB.data, L.weight, L.bias, L.gradW, L.gradB);
  });
  // NOTE: the source holds only what stepSource writes: fixed identifiers and integer indices from
  // the layer sizes — no name, string or value from a model file or data —
  // and the arrays enter as arguments, so nothing outside this module shapes the code it compiles.
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling the step is the point
    const factory = new Function(...names, src) as (...args: unknown[]) => CompiledStep;
    return factory(...values);
  } catch {
    return null;
  }
}

/** The source of the step's factory: `return function step(x, t, update, lr) { … }`. */
function stepSource(layers: readonly FusedLayer[]): string {
  const out: string[] = ['"use strict";', 'return function step(x, t, update, lr) {'];
  const emit = (line: string): void => {
    out.push('  ' + line);
  };
  const last = layers.length - 1;
  // the row and each layer's output, as locals
  const input0 = Array.from({ length: layers[0]!.inputs }, (_, p) => `x${p}`);
  input0.forEach((v, p) => emit(`const ${v} = x[${p}];`));
  const outputs: string[][] = [];
  let input = input0;
  layers.forEach((L, l) => {
    const k = L.inputs;
    const outs: string[] = [];
    for (let j = 0; j < L.units; j++) {
      const z = `z${l}_${j}`;
      emit(`let ${z} = 0;`);
      for (let p = 0; p < k; p++) emit(`${z} += ${input[p]} * W${l}[${j * k + p}];`);
      emit(`${z} = ${z} + B${l}[${j}];`);
      emit(`Z${l}[${j}] = ${z};`);
      if (isLinear(L)) outs.push(z);
      else {
        const a = `a${l}_${j}`;
        emit(`const ${a} = F${l}(${z});`);
        emit(`A${l}[${j}] = ${a};`);
        outs.push(a);
      }
    }
    outputs.push(outs);
    input = outs;
  });
  // loss and δ of the output layer
  const top = layers[last]!;
  const u = top.units;
  emit('let s = 0;');
  const deltas: string[][] = layers.map(() => []);
  for (let i = 0; i < u; i++) {
    const y = outputs[last]![i]!;
    emit(`const e${i} = ${y} - t[${i}];`);
    emit(`s += e${i} * e${i};`);
    const d = `d${last}_${i}`;
    emit(`const ${d} = DF${last}(lossGrad(e${i}, ${u}), z${last}_${i}, ${y});`);
    emit(`D${last}[${i}] = ${d};`);
    deltas[last]!.push(d);
  }
  emit('const step = -lr;');
  // backward, one layer at a time from the top (backwardOneRow's order)
  for (let l = last; l >= 0; l--) {
    const L = layers[l]!;
    const k = L.inputs;
    const inp = l === 0 ? input0 : outputs[l - 1]!;
    const below = l > 0;
    if (below) for (let p = 0; p < k; p++) emit(`let c${l}_${p} = 0;`);
    for (let j = 0; j < L.units; j++) {
      const dj = deltas[l]![j]!;
      emit(`GB${l}[${j}] = 0 + ${dj};`);
      for (let p = 0; p < k; p++) {
        const iw = j * k + p;
        emit(`{ const wi = W${l}[${iw}];${below ? ` c${l}_${p} = c${l}_${p} + ${dj} * wi;` : ''} const g = 0 + ${dj} * ${inp[p]}; GW${l}[${iw}] = g; if (update) W${l}[${iw}] = wi + step * g; }`);
      }
      emit(`if (update) B${l}[${j}] = B${l}[${j}] + step * (0 + ${dj});`);
    }
    if (below) {
      const P = layers[l - 1]!;
      for (let p = 0; p < k; p++) {
        const o = outputs[l - 1]![p]!;
        const d = `d${l - 1}_${p}`;
        emit(`const ${d} = DF${l - 1}(c${l}_${p}, z${l - 1}_${p}, ${o});`);
        emit(`D${l - 1}[${p}] = ${d};`);
        deltas[l - 1]!.push(d);
      }
    }
    emit(`if (PW${l}.grad !== TW${l}) PW${l}.grad = TW${l};`);
    emit(`if (PB${l}.grad !== TB${l}) PB${l}.grad = TB${l};`);
  }
  emit(`return lossTotal(s, ${u});`);
  out.push('};');
  return out.join('\n');
}
