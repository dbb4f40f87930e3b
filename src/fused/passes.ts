import type { FloatArray } from '../kernels/types.js';
import { columnSumsF32 } from '../kernels/elementwise.js';
import type { ThreadPool } from '../kernels/thread-pool.js';
import { Epilogue } from '../kernels/worker-loop.js';
import { ACTIVATION_TABLE } from '../functions/activations/index.js';
import { biasActivate } from './activation-kernels.js';
import { gemmAB, gemmABt, gemmAtB } from './gemm.js';
import { outputOf, type FusedLayer } from './layer.js';

/**
 * The general path's forward pass: z = x·Wᵀ + b and a = f(z) for every layer, for x [rows,
 * inputs]; with `logits` the last layer stays linear (its loss folds the activation in).
 *
 * With `pool` (the kernels' worker threads, every buffer — inputs, weights, activations — in
 * their shared memory), each layer's product of at least {@link PHASE_MIN} multiply-adds is one
 * job: chunks of z over the threads, each followed on the same thread by its bias and relu
 * (float32; the product's epilogue, while the chunk is in cache). Smaller layers, and every layer
 * without a pool, run on the calling thread one product at a time. Every chunk computes whole
 * entries with the same kernels, in the same order of sums, and the epilogues are the same SIMD
 * loops: the numbers are bit for bit the same on every path and for any number of threads.
 *
 * @example
 * ```ts
 * forwardLayers(layers, x, 64, true, kernelState(false)?.pool ?? null);
 * ```
 */
export function forwardLayers(layers: readonly FusedLayer[], x: FloatArray, rows: number, logits: boolean, pool: ThreadPool | null): void {
  let input = x;
  for (let l = 0; l < layers.length; l++) {
    const L = layers[l]!;
    const act = logits && l === layers.length - 1 ? ACTIVATION_TABLE.linear : L.act;
    const out = act === ACTIVATION_TABLE.linear ? L.z : L.a;
    const w = L.w;
    const f32 = w instanceof Float32Array;
    if (pool === null || rows * L.inputs * L.units < PHASE_MIN) {
      gemmABt(input, w, L.z, rows, L.inputs, L.units);
      biasActivate(act, L.z, out, L.b, rows, L.units);
    } else {
      const fused = f32 && (act === ACTIVATION_TABLE.relu || act === ACTIVATION_TABLE.linear);
      pool.begin().gemm(f32 ? 0 : 1, input.byteOffset, w.byteOffset, L.z.byteOffset, rows, L.inputs, L.units, false, true, false,
        fused ? { epilogue: act === ACTIVATION_TABLE.relu ? Epilogue.BiasRelu : Epilogue.Bias, bias: L.b.byteOffset, out: out.byteOffset } : {}).runSync();
      if (!fused) biasActivate(act, L.z, out, L.b, rows, L.units);
    }
    input = out;
  }
}

/**
 * The general path's backward pass from δ of the last layer (already through its activation):
 * for every layer ∂E/∂W = δᵀ·x and ∂E/∂b = Σ_rows δ (into gradW, gradB, installed as the
 * parameters' `.grad`), and δ_prev = (δ·W) ⊙ f′ for the layer below.
 *
 * With `pool` (see {@link forwardLayers}), a layer whose products reach {@link PHASE_MIN} is one
 * job of three independent tasks — δᵀ·x, the column sums, and δ·W with the relu gradient as its
 * epilogue — so both threads work on all of them at once. Bit for bit the numbers of one product
 * at a time.
 *
 * @example
 * ```ts
 * backwardLayers(layers, x, 64, kernelState(false)?.pool ?? null);
 * ```
 */
export function backwardLayers(layers: readonly FusedLayer[], x: FloatArray, rows: number, pool: ThreadPool | null): void {
  for (let l = layers.length - 1; l >= 0; l--) {
    const cur = layers[l]!;
    const prev = l > 0 ? layers[l - 1]! : null;
    const input = prev === null ? x : outputOf(prev);
    const d = cur.delta;
    const u = cur.units;
    const gw = cur.gradW.data;
    const gb = cur.gradB.data;
    const w = cur.w;
    const f32 = w instanceof Float32Array;
    if (pool === null || rows * u * cur.inputs < PHASE_MIN) {
      gemmAtB(d, input, gw, u, rows, cur.inputs);
      columnSums(d, gb, rows, u);
      if (prev !== null) {
        gemmAB(d, w, prev.delta, rows, u, cur.inputs);
        prev.act.backward(prev.delta, prev.z, prev.a, rows, prev.units);
      }
    } else {
      const reluBack = prev !== null && f32 && prev.act === ACTIVATION_TABLE.relu;
      const fn = f32 ? 0 : 1;
      pool.begin().gemm(fn, d.byteOffset, input.byteOffset, gw.byteOffset, u, rows, cur.inputs, true, false, false);
      if (f32) pool.columnSums(d.byteOffset, gb.byteOffset, rows, u);
      if (prev !== null) {
        pool.gemm(fn, d.byteOffset, w.byteOffset, prev.delta.byteOffset, rows, u, cur.inputs, false, false, false,
          reluBack ? { epilogue: Epilogue.ReluGrad, out: prev.z.byteOffset } : {});
      }
      pool.runSync();
      if (!f32) columnSums(d, gb, rows, u);
      if (prev !== null && !reluBack) prev.act.backward(prev.delta, prev.z, prev.a, rows, prev.units);
    }
    cur.weight.grad = cur.gradW;
    cur.bias.grad = cur.gradB;
  }
}

/**
 * Products below this many multiply-adds run on the calling thread: a job's round trip to a
 * polling worker costs a few µs, and a 2¹⁸ product (32×64×128) takes ~7 µs on one core.
 */
export const PHASE_MIN = 1 << 18;

/** s[j] = Σ_r d[r, j], rows in order from 0 (the bias gradient): the WASM kernel where it runs, else the loop. */
export function columnSums(d: FloatArray, s: FloatArray, rows: number, cols: number): void {
  if (columnSumsF32(d, s, rows, cols)) return;
  s.fill(0);
  let i = 0;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++, i++) s[j] = s[j]! + d[i]!;
}
