import { BackpropError } from '../errors.js';

/**
 * A seeded pseudo-random generator (xoshiro128**, 32-bit state words), the one source of randomness
 * in the library: initializers, shuffles, dropout and synthetic datasets all take an `Rng`.
 * Same seed ⇒ same sequence, in Node and in the browser. The state can be saved and restored
 * ({@link Rng.getState} / {@link Rng.setState}) so a resumed training run continues the same stream.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform();      // in [0, 1)
 * rng.normal(0, 1);   // standard normal (Box–Muller)
 * ```
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed any finite number; non-integers are truncated to their 32-bit pattern. */
  constructor(seed = 0) {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new BackpropError('value', `Rng: expected a finite number as seed, got ${String(seed)}`);
    }
    // NOTE: splitmix32 spreads any seed (including 0) over the four state words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float64 in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform float64 in [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** A normal sample with the given mean and standard deviation (Box–Muller, no cached spare). */
  normal(mean = 0, std = 1): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new BackpropError('value', `Rng.int: expected an integer n in [1, 2^32], got ${n}`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return r % n;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array | Float64Array): typeof items {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0 … n−1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** The four state words, for checkpoints. */
  getState(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Restores a state returned by {@link Rng.getState}. */
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new BackpropError('value', `Rng.setState: expected 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    if (state.every((w) => w === 0)) throw new BackpropError('value', 'Rng.setState: the all-zero state is not allowed');
    [this.s0, this.s1, this.s2, this.s3] = state as [number, number, number, number];
  }
}

/**
 * The generator of one purpose drawn from a run's seed, so that the shuffling, the initial
 * weights and the data of a run never share a stream: stream 0 shuffles (exactly `new Rng(seed)`,
 * as the first `backprop train` did), 1 draws the initial weights, 2 generates and splits the
 * data. `backprop train --seed S` and the playground's seed S use the same three streams, so the
 * same settings give the same weights in both.
 *
 * @example
 * ```ts
 * const model = Sequential.mlp([2, 4, 1], { activation: 'tanh', output: 'sigmoid', rng: seedStream(7, 1) });
 * const data = encodeFor(synthetic('xor', { rng: seedStream(7, 2), noise: 0.1 }), 1, 'sigmoid');
 * await fit(model, data, { loss: 'bce', rng: seedStream(7, 0) });
 * ```
 */
export function seedStream(seed: number, stream: 0 | 1 | 2): Rng {
  return new Rng(stream === 0 ? seed : (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
