import { BackpropError } from '../../errors.js';
import { broadcastIndex } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { asTensor, binaryKernel, unbroadcast } from '../broadcast.js';
import { record } from '../record.js';

/**
 * Elementwise maximum with broadcasting. The gradient goes to the larger operand; on ties it is
 * split half and half (as PyTorch), so a gradcheck at the tie agrees.
 *
 * @example
 * ```ts
 * maximum(tensor([-1, 2]), 0).toArray();   // [0, 2]
 * ```
 */
export function maximum(a: Tensor, b: Tensor | number): Tensor {
  return extremum('maximum', a, asTensor(b, a));
}

/**
 * Elementwise minimum with broadcasting; gradient as {@link maximum}.
 *
 * @example
 * ```ts
 * minimum(tensor([-1, 2]), 0).toArray();   // [−1, 0]
 * ```
 */
export function minimum(a: Tensor, b: Tensor | number): Tensor {
  return extremum('minimum', a, asTensor(b, a));
}

function extremum(kind: 'maximum' | 'minimum', a: Tensor, b: Tensor): Tensor {
  const out = binaryKernel(kind, a, b, kind);
  return record(out, kind, [a, b], ['a', 'b'], (g) => {
    const n = out.size;
    const ai = a.size === n ? null : broadcastIndex(a.shape, out.shape);
    const bi = b.size === n ? null : broadcastIndex(b.shape, out.shape);
    const ga = g.data.slice();
    const gb = g.data.slice();
    for (let i = 0; i < n; i++) {
      const p = a.data[ai ? ai[i]! : i]!;
      const q = b.data[bi ? bi[i]! : i]!;
      const aWins = kind === 'maximum' ? p > q : p < q;
      const share = p === q ? 0.5 : aWins ? 1 : 0;
      ga[i]! *= share;
      gb[i]! *= p === q ? 0.5 : 1 - share;
    }
    return [unbroadcast(new Tensor(ga, out.shape), a.shape), unbroadcast(new Tensor(gb, out.shape), b.shape)];
  });
}

/**
 * Limits every element to [min, max]. The gradient passes where min ≤ x ≤ max and is 0 outside
 * (as PyTorch's clamp, inclusive at the bounds).
 *
 * @example
 * ```ts
 * clip(tensor([-5, 0.5, 5]), 0, 1).toArray();   // [0, 0.5, 1]
 * ```
 */
export function clip(a: Tensor, min: number, max: number): Tensor {
  if (!(min <= max)) throw new BackpropError('value', `clip: expected min ≤ max, got min=${min}, max=${max}`);
  const d = a.data;
  const o = d.slice();
  for (let i = 0; i < o.length; i++) {
    const x = d[i]!;
    o[i] = x < min ? min : x > max ? max : x;
  }
  const out = new Tensor(o, a.shape);
  return record(out, 'clip', [a], ['x'], (g) => {
    const r = g.data.slice();
    for (let i = 0; i < r.length; i++) {
      const x = d[i]!;
      if (x < min || x > max) r[i] = 0;
    }
    return [new Tensor(r, a.shape)];
  });
}
