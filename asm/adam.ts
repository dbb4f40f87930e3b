// AssemblyScript source of the float32 Adam / AdamW update (compiled with asm/gemm.ts by
// scripts/build-wasm.mjs into the same module). Addresses in bytes; n entries each.
//
// Float32 parameters are updated in float32 arithmetic, as PyTorch does for float32 tensors: every
// operation below rounds to float32, in this order, for each entry:
//
//   w ← w·s                         (s = 1 − η·λ for AdamW; skipped when s = 1)
//   g ← g + l2·w                    (Adam's L2 penalty; skipped when l2 = 0)
//   m ← b1·m + c1·g                 (c1 = 1 − β₁)
//   v ← b2·v + (c2·g)·g             (c2 = 1 − β₂)
//   w ← w + k·(m / (√v / r + ε))    (k = −η/(1 − β₁ᵗ), r = √(1 − β₂ᵗ))
//
// With `keep` ≠ 0 the weights from before the update (before AdamW's scaling) are copied there on
// the way; the return value says whether every updated weight is finite (1) or not (0). So fit's
// backup and its finiteness check ride along in the same pass, whose time is the divisions'.
//
// Four lanes at a time with f32x4 (IEEE operations, no fused multiply-add: the results are the
// same bit for bit on every engine), the last n mod 4 entries one at a time with the same
// operations. src/kernels/adam.ts has the TypeScript twin that rounds at the same places.

export function adamF32(
  w: usize, g: usize, m: usize, v: usize, n: i32,
  b1: f32, c1: f32, b2: f32, c2: f32, k: f32, r: f32, eps: f32, l2: f32, s: f32, keep: usize,
): i32 {
  const n4 = n & ~3;
  const vb1 = f32x4.splat(b1);
  const vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(b2);
  const vc2 = f32x4.splat(c2);
  const vk = f32x4.splat(k);
  const vr = f32x4.splat(r);
  const veps = f32x4.splat(eps);
  const vl2 = f32x4.splat(l2);
  const vs = f32x4.splat(s);
  const scale = s != 1;
  const penalty = l2 != 0;
  const zero = f32x4.splat(0);
  // Σ w·0 over the new weights: 0 exactly when none is ±∞ or NaN (as allFinite32).
  let nonFinite = zero;
  let rest: f32 = 0;
  for (let i = 0; i < n4; i += 4) {
    const at = <usize>i << 2;
    let wi = v128.load(w + at);
    if (keep != 0) v128.store(keep + at, wi);
    if (scale) wi = f32x4.mul(wi, vs);
    let gi = v128.load(g + at);
    if (penalty) gi = f32x4.add(gi, f32x4.mul(vl2, wi));
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + at)), f32x4.mul(vc1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + at)), f32x4.mul(f32x4.mul(vc2, gi), gi));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const den = f32x4.add(f32x4.div(f32x4.sqrt(vi), vr), veps);
    const next = f32x4.add(wi, f32x4.mul(vk, f32x4.div(mi, den)));
    v128.store(w + at, next);
    nonFinite = f32x4.add(nonFinite, f32x4.mul(next, zero));
  }
  for (let i = n4; i < n; i++) {
    const at = <usize>i << 2;
    let wi = load<f32>(w + at);
    if (keep != 0) store<f32>(keep + at, wi);
    if (scale) wi = wi * s;
    let gi = load<f32>(g + at);
    if (penalty) gi = gi + l2 * wi;
    const mi = b1 * load<f32>(m + at) + c1 * gi;
    const vi = b2 * load<f32>(v + at) + (c2 * gi) * gi;
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    const den = sqrt<f32>(vi) / r + eps;
    const next = wi + k * (mi / den);
    store<f32>(w + at, next);
    rest += next * 0;
  }
  return i32(v128.all_true<i32>(f32x4.eq(nonFinite, zero)) && rest == 0);
}
