import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { adamF32Constants, adamF32UpdateAll, type AdamF32Job } from '../kernels/adam.js';
import { kernelResident } from '../kernels/buffer-pool.js';
import { allFinite } from '../kernels/elementwise.js';
import { checkHyper, Optimizer } from './optimizer.js';

/** Settings of {@link Adam} (and {@link AdamW}). */
export interface AdamOptions {
  /** η; default 0.001. */
  lr?: number;
  /** β₁; default 0.9. */
  beta1?: number;
  /** β₂; default 0.999. */
  beta2?: number;
  /** ε; default 1e-8. */
  eps?: number;
  /** λ: for Adam an L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Adam as PyTorch's `torch.optim.Adam`, step t (per parameter):
 *
 *   g ← ∇w + λ·w                              (L2 weight decay, if λ ≠ 0)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − (η/(1 − β₁ᵗ)) · m / (√v/√(1 − β₂ᵗ) + ε)
 *
 * Note the bias corrections 1 − βᵗ, with t the step count of this parameter. float64 parameters
 * are updated in float64 with PyTorch's expressions (trajectories agree to round-off); float32
 * parameters in float32 arithmetic as PyTorch's float32 kernels do, on the WebAssembly SIMD kernel
 * once the kernels are loaded (its moments then live in the kernels' memory) and on a TypeScript
 * twin otherwise — the same bits either way (asm/adam.ts gives the order of operations). A
 * step's float32 updates run together at its end, shared by the kernels' worker threads when they run.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer {
  readonly name: 'adam' | 'adamw' = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /**
   * The float32 updates of the step in progress (objects reused from step to step): `update()`
   * queues them and `step()` runs them all at once, so the kernels' threads share them.
   */
  private readonly f32Jobs: AdamF32Job[] = [];
  private f32Queued = 0;
  /** During {@link guardedStep}: where each parameter's values before the step go, else null. */
  private kept: readonly FloatArray[] | null = null;
  /** During {@link guardedStep}: for each parameter, its job in `f32Jobs` (its finiteness comes from there), or −1. */
  private jobOf: Int32Array = new Int32Array(0);

  constructor(params: readonly Tensor[], options: AdamOptions = {}, defaultWeightDecay = 0) {
    super(params, options.lr ?? 0.001);
    this.beta1 = checkHyper('beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkHyper('beta2', options.beta2 ?? 0.999, 0, 1);
    this.eps = checkHyper('eps', options.eps ?? 1e-8, 0, Infinity);
    this.weightDecay = checkHyper('weightDecay', options.weightDecay ?? defaultWeightDecay, 0, Infinity, 'weight decay');
  }

  protected bufferNames(): string[] {
    return ['expAvg', 'expAvgSq'];
  }

  /** One update of every parameter that has a gradient (the float32 ones together, see `adamF32UpdateAll`). */
  override step(): void {
    this.f32Queued = 0;
    super.step();
    adamF32UpdateAll(this.f32Jobs, this.f32Queued);
    this.f32Queued = 0;
  }

  /**
   * {@link Optimizer.guardedStep} with the copies and the check inside the float32 kernel's own
   * pass over each weight (asm/adam.ts) — free beside its divisions — instead of passes of their own.
   */
  override guardedStep(kept: readonly FloatArray[]): number {
    const params = this.params;
    if (this.jobOf.length !== params.length) this.jobOf = new Int32Array(params.length);
    this.jobOf.fill(-1);
    this.kept = kept;
    try {
      this.step();
    } finally {
      this.kept = null;
    }
    let bad = -1;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      // NOTE: a parameter without a gradient is left as it is, and kept all the same (restore puts every one back).
      if (p.grad === null) kept[i]!.set(p.data);
      const job = this.jobOf[i]!;
      if (bad < 0 && !(job >= 0 ? this.f32Jobs[job]!.finite : allFinite(p.data))) bad = i;
    }
    return bad;
  }

  protected update(w: FloatArray, grad: FloatArray, buffers: Record<string, FloatArray>, t: number): void {
    this.adamStep(w, grad, buffers, t, this.weightDecay, 1);
  }

  /**
   * The Adam update with L2 penalty `l2` on the gradient (0 for AdamW), after scaling the weights
   * by `decay` (AdamW's 1 − η·λ; 1 for Adam).
   */
  protected adamStep(w: FloatArray, grad: FloatArray, buffers: Record<string, FloatArray>, t: number, l2: number, decay: number): void {
    const { lr, beta1: b1, beta2: b2, eps } = this;
    if (w instanceof Float32Array && grad instanceof Float32Array) {
      const m32 = kernelResident(buffers.expAvg as Float32Array);
      const v32 = kernelResident(buffers.expAvgSq as Float32Array);
      buffers.expAvg = m32;
      buffers.expAvgSq = v32;
      let job = this.f32Jobs[this.f32Queued];
      if (job === undefined) this.f32Jobs.push((job = { w, g: grad, m: m32, v: v32, c: adamF32Constants(0, 0, 0, 0, 1, 0, 1), keep: null, finite: true }));
      job.w = w;
      job.g = grad;
      job.m = m32;
      job.v = v32;
      job.keep = this.kept === null ? null : this.kept[this.current] as Float32Array;
      if (this.kept !== null) this.jobOf[this.current] = this.f32Queued;
      adamF32Constants(lr, b1, b2, eps, t, l2, decay, job.c);
      this.f32Queued++;
      return;
    }
    if (this.kept !== null) this.kept[this.current]!.set(w);
    if (decay !== 1) for (let i = 0; i < w.length; i++) w[i] = w[i]! * decay;
    const m = buffers.expAvg!;
    const v = buffers.expAvgSq!;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    for (let i = 0; i < w.length; i++) {
      let g = grad[i]!;
      if (l2 !== 0) g = g + l2 * w[i]!;
      const mi = b1 * m[i]! + (1 - b1) * g;
      const vi = b2 * v[i]! + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! + (-stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }
}
