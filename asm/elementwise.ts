// AssemblyScript source of the float32 elementwise kernels of the fused dense path (compiled into
// the same module as asm/gemm.ts by scripts/build-wasm.mjs). Addresses in bytes.
//
// Each is the TypeScript loop of src/fused/activation-kernels.ts or src/fused/stack.ts in float32
// SIMD: the same operations in the same order, so the same bits (float32 + and × of float32
// values give what the float64 operation rounded to float32 gives). src/kernels/elementwise.ts
// dispatches to them and keeps the TypeScript loops as the fallback.

/**
 * z[r, j] ← z[r, j] + b[j] for `rows` rows of `cols`, then with `relu` a = (z > 0 ? z : 0·z)
 * (0·z keeps the sign of zero and NaN, as the autograd op's expression does).
 */
export function biasRelu32(z: usize, a: usize, b: usize, rows: i32, cols: i32, relu: bool): void {
  biasReluBlock32(z, a, b, cols, 0, rows, 0, cols, relu);
}

/** {@link biasRelu32} on the block of rows i0..i1 and columns j0..j1 of a row-major matrix `ld` entries wide (z and a alike). */
function biasReluBlock32(z: usize, a: usize, b: usize, ld: i32, i0: i32, i1: i32, j0: i32, j1: i32, relu: bool): void {
  const c4 = j0 + ((j1 - j0) & ~3);
  const zero = f32x4.splat(0);
  for (let r = i0; r < i1; r++) {
    const row = <usize>(r * ld) << 2;
    for (let j = j0; j < c4; j += 4) {
      const at = row + (<usize>j << 2);
      const x = f32x4.add(v128.load(z + at), v128.load(b + (<usize>j << 2)));
      v128.store(z + at, x);
      if (relu) v128.store(a + at, v128.bitselect(x, f32x4.mul(zero, x), f32x4.gt(x, zero)));
    }
    for (let j = c4; j < j1; j++) {
      const at = row + (<usize>j << 2);
      const x = load<f32>(z + at) + load<f32>(b + (<usize>j << 2));
      store<f32>(z + at, x);
      if (relu) store<f32>(a + at, x > 0 ? x : <f32>0 * x);
    }
  }
}

/**
 * 1 when all n float32 entries are finite, else 0: Σ x·0 in four lanes is 0 exactly when no
 * entry is ±∞ or NaN (x·0 is NaN for those), as `allFinite` in src/train/diagnose.ts.
 */
export function allFinite32(x: usize, n: i32): i32 {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  let acc = zero;
  for (let i = 0; i < n4; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(x + (<usize>i << 2)), zero));
  let s: f32 = 0;
  for (let i = n4; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * 0;
  return i32(v128.all_true<i32>(f32x4.eq(acc, zero)) && s == 0);
}

/** g[i] ← (z[i] > 0 ? g[i] : 0·g[i]) for n entries: the gradient through relu. */
export function reluBackward32(g: usize, z: usize, n: i32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < n4; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    v128.store(g + at, v128.bitselect(gi, f32x4.mul(zero, gi), f32x4.gt(v128.load(z + at), zero)));
  }
  for (let i = n4; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    if (!(load<f32>(z + at) > 0)) store<f32>(g + at, <f32>0 * gi);
  }
}

/** s[j] ← 0 + d[0, j] + d[1, j] + … (rows in order): the bias gradient, column sums of δ. */
export function columnSums32(d: usize, s: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let j = 0; j < c4; j += 4) {
    let acc = f32x4.splat(0);
    for (let r = 0; r < rows; r++) acc = f32x4.add(acc, v128.load(d + ((<usize>(r * cols + j)) << 2)));
    v128.store(s + (<usize>j << 2), acc);
  }
  for (let j = c4; j < cols; j++) {
    let acc: f32 = 0;
    for (let r = 0; r < rows; r++) acc = acc + load<f32>(d + ((<usize>(r * cols + j)) << 2));
    store<f32>(s + (<usize>j << 2), acc);
  }
}

/**
 * Σ x² of n float32 entries, in float64: four partial sums (entries i ≡ 0, 1, 2, 3 mod 4, each
 * square exact in float64) added as (s0 + s1) + (s2 + s3) — one block of sumOfSquares in
 * src/kernels/elementwise.ts, in the order of its TypeScript loop, so the same bits.
 */
export function sumSquares32(x: usize, n: i32): f64 {
  const n4 = n & ~3;
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  for (let i = 0; i < n4; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    s01 = f64x2.add(s01, f64x2.mul(lo, lo));
    s23 = f64x2.add(s23, f64x2.mul(hi, hi));
  }
  let s0 = f64x2.extract_lane(s01, 0);
  for (let i = n4; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    s0 += v * v;
  }
  return (s0 + f64x2.extract_lane(s01, 1)) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
}

/** n bytes from src to dst (memory.copy; the regions must not overlap): a parameter's backup copy. */
export function copyBytes(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n);
}
