import { BackpropError } from '../errors.js';
import type { FloatArray } from '../kernels/types.js';
import { ACTIVATION_TABLE, isActivationName, type ActivationSpec } from '../functions/activations/index.js';
import { isLossName, LOSS_TABLE, logitForm, type LogitForm, type LossName, type LossSpec } from '../functions/losses/index.js';
import type { Dense } from '../nn/dense.js';
import { Sequential } from '../nn/sequential.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { isSmall, oneRowSquaredErrorStep, smallBackward, smallForward } from './small.js';
import { compileOneRowStep, type CompiledStep } from './compiled-step.js';
import { BufferPool, kernelResident } from '../kernels/buffer-pool.js';
import { kernelState } from '../kernels/kernel-state.js';
import type { ThreadPool } from '../kernels/thread-pool.js';
import { MATMUL_THRESHOLDS } from '../kernels/matmul.js';
import { outputOf, type FusedLayer } from './layer.js';
import { backwardLayers, forwardLayers } from './passes.js';

/** Options of {@link FusedDenseStack}. */
export interface FusedOptions {
  /** Rows the buffers are sized for at first (default 64); a larger batch grows them once. */
  maxBatch?: number;
  /**
   * Use the small-network path (flat per-layer loops, see small.ts) when every product is small
   * enough; default true. False forces the general path (kernel calls per product), which gives
   * the same numbers bit for bit — for tests and benchmarks.
   */
  smallPath?: boolean;
  /**
   * Compile the one-row squared-error step of a tiny float64 network into straight-line code
   * (compiled-step.ts); default true. False keeps the small path's loops, which give the same
   * numbers bit for bit — for tests and benchmarks.
   */
  compile?: boolean;
  /**
   * Keep the row buffers (net inputs, outputs, deltas, {@link FusedDenseStack.inputBuffer}), the
   * gradients and the parameters themselves (`Tensor.moveData`) in the WebAssembly kernels' shared
   * memory when those are loaded and the network's products are large enough for them (a layer of
   * at least `MATMUL_THRESHOLDS.wasmMin` weights), so products, worker threads and the optimizer's
   * kernel use them in place instead of copying them in and out; default true. A smaller network
   * does its arithmetic in JavaScript loops, which read ordinary arrays faster than views of the
   * kernels' growable shared memory: it keeps everything in ordinary arrays.
   */
  wasmMemory?: boolean;
  /**
   * Run each large layer's products as jobs on the kernels' worker threads, bias and relu fused
   * into the forward product and the three backward tasks side by side (see passes.ts), when the
   * threads run and the buffers are in their memory; default true. False issues one product at a
   * time, as `matmul` does; the numbers are the same bit for bit — for tests and benchmarks.
   */
  parallel?: boolean;
}

/**
 * Whether {@link FusedDenseStack} can train `model` with `loss`: a {@link Sequential} of
 * {@link Dense} layers whose weights and biases share one dtype, any of the engine's activations
 * (softmax only last, as Sequential requires) and any of its losses.
 *
 * @example
 * ```ts
 * const engine = canFuse(model, 'cross_entropy') ? new FusedDenseStack(model, 'cross_entropy') : null;
 * ```
 */
export function canFuse(model: unknown, loss: unknown): boolean {
  return whyNotFused(model, loss) === null;
}

/**
 * Why {@link canFuse} says no, as a sentence; `null` when the model can be fused.
 *
 * @example
 * ```ts
 * whyNotFused(seedNetwork(), 'sse');    // null
 * whyNotFused(seedNetwork(), 'hinge');  // a sentence naming the unknown loss
 * ```
 */
export function whyNotFused(model: unknown, loss: unknown): string | null {
  if (!(model instanceof Sequential)) return 'the model is not a Sequential';
  if (!isLossName(loss)) return `unknown loss ${JSON.stringify(loss)}`;
  const why = model.whyNotFused();
  if (why !== null) return why;
  const dtype = model.dtype;
  // NOTE: every layer kind answers whyNotFused() itself; only those the stack runs (dense) say null.
  for (let i = 0; i < model.layers.length; i++) {
    const d = model.layers[i]!.dtype;
    if (d !== null && d !== dtype) return `layer ${i} is ${d}, layer 0 is ${dtype}`;
  }
  return null;
}

/**
 * A training step for a stack of dense layers without the autograd graph: forward
 * (matmul + bias + activation per layer), loss, and backward (δ per layer, ∂E/∂W = δᵀ·x and
 * ∂E/∂b = Σ_rows δ, δ_prev = (δ·W) ⊙ f′) in buffers allocated once, with the transposed
 * products read in place (never copied). It gives the autograd path's numbers: every expression
 * is the autograd op's, in the same order, and the matmuls are the same kernel calls — float64
 * results are bit-identical (tested to 1e-12 relative), float32 results round at the same places.
 *
 * The gradients are written into buffers installed as each parameter's `.grad` (overwritten, as
 * after `zeroGrad()` and `backward()`), so the library's optimizers update the weights in place.
 * In steady state a step allocates nothing. The weights are read from the model's own tensors on
 * every call: changes made by an optimizer or `copyFrom` are seen.
 *
 * Shape: x [rows, inputs] and t [rows, outputs], row-major, of the model's dtype.
 *
 * @example
 * ```ts
 * const stack = new FusedDenseStack(model, 'cross_entropy', { maxBatch: 64 });
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const E = stack.lossAndGrad(xBatch, tBatch, 64); // fills every parameter's .grad
 * opt.step();
 * ```
 */
export class FusedDenseStack {
  readonly model: Sequential<Dense>;
  readonly loss: LossName;
  readonly dtype: DType;
  readonly inputs: number;
  readonly outputs: number;
  private readonly layers: FusedLayer[];
  private readonly lossSpec: LossSpec;
  /** The loss's form on the logits when the output activation folds into it, else null. */
  private logitLoss: LogitForm | null;
  private capacity = 0;
  private rowSum = new Float64Array(0);
  private readonly f32: boolean;
  private logitsView: Tensor | null = null;
  private readonly pool: BufferPool;
  /** float64 sums of the single-row small path, one per input of the widest layer. */
  private readonly scratch: Float64Array;
  /** True when the loss is sse or mse on an elementwise output activation (see syncModel). */
  private oneRowSquaredError = false;
  private input: FloatArray;
  /** The activation names the layer codes were made from (compared by identity each step). */
  private readonly actNames: string[];
  private readonly smallPath: boolean;
  /** Largest inputs·units and largest width over the layers (for the small-path test). */
  private readonly maxLayerWork: number;
  private readonly maxDim: number;
  /**
   * The one-row step compiled for this network (compiled-step.ts): undefined until first needed,
   * null where it cannot be; reset whenever the buffers, the parameters' storage or the activations change.
   */
  private compiled: CompiledStep | null | undefined = undefined;
  private readonly compile: boolean;
  private readonly parallel: boolean;

  constructor(model: Sequential, loss: LossName, options: FusedOptions = {}) {
    const why = whyNotFused(model, loss);
    if (why !== null) throw new BackpropError('unsupported', `FusedDenseStack: cannot fuse this model with loss ${JSON.stringify(loss)}: ${why}`);
    this.model = model as Sequential<Dense>;
    this.loss = loss;
    this.lossSpec = LOSS_TABLE[loss];
    this.dtype = model.dtype;
    this.f32 = this.dtype === 'float32';
    this.inputs = model.inputSize;
    this.outputs = model.outputSize;
    // NOTE: V8 reads views of a growable shared memory slower from JavaScript (the seed network's
    // looped step: 0.20 → 0.44 µs with its weights there): only kernel-sized networks use it.
    const kernelSized = Math.max(...this.model.layers.map((l) => l.inputs * l.units)) >= MATMUL_THRESHOLDS.wasmMin;
    this.pool = new BufferPool(this.dtype, (options.wasmMemory ?? true) && kernelSized, this);
    const resident = <T extends FloatArray>(arr: T): T => (this.pool.inWasm ? kernelResident(arr) : arr);
    // NOTE: the parameters move into the kernels' memory too (Tensor.moveData), so that products,
    // worker threads and the optimizer's kernel use them in place instead of copying them per step.
    for (const p of model.parameters()) p.moveData(resident(p.data));
    this.layers = this.model.layers.map((layer) => ({
      inputs: layer.inputs,
      units: layer.units,
      act: ACTIVATION_TABLE[layer.activation] as ActivationSpec,
      weight: layer.weight,
      bias: layer.bias,
      w: layer.weight.data,
      b: layer.bias.data,
      gradW: new Tensor(resident(allocate(this.dtype, layer.weight.size)), layer.weight.shape),
      gradB: new Tensor(resident(allocate(this.dtype, layer.bias.size)), layer.bias.shape),
      z: allocate(this.dtype, 0),
      a: allocate(this.dtype, 0),
      delta: allocate(this.dtype, 0),
    }));
    this.input = allocate(this.dtype, 0);
    this.logitLoss = logitForm(loss, model.outputActivation);
    this.actNames = this.model.layers.map((l) => l.activation);
    this.smallPath = options.smallPath ?? true;
    this.compile = options.compile ?? true;
    this.parallel = options.parallel ?? true;
    this.maxLayerWork = Math.max(...this.layers.map((L) => L.inputs * L.units));
    this.maxDim = Math.max(...this.layers.map((L) => Math.max(L.inputs, L.units)));
    this.scratch = new Float64Array(this.maxDim);
    this.oneRowSquaredError = this.squaredErrorOnElementwise();
    const maxBatch = options.maxBatch ?? 64;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new BackpropError('value', `FusedDenseStack: maxBatch must be a positive integer, got ${maxBatch}`);
    this.reserve(maxBatch);
  }

  /**
   * A buffer for up to {@link maxBatch} input rows (row-major), in WebAssembly memory when the
   * stack's buffers are: fill its first rows·inputs entries and pass it as `x` to save the copy
   * into the kernels' memory. Replaced when the stack grows — fetch it again after a larger batch.
   *
   * @example
   * ```ts
   * const xb = stack.inputBuffer();
   * xb.set(images.subarray(start * 784, (start + 64) * 784));
   * stack.lossAndGrad(xb, tb, 64);
   * ```
   */
  inputBuffer(): FloatArray {
    return this.input;
  }

  /** Whether the row buffers live in WebAssembly memory (see {@link FusedOptions.wasmMemory}). */
  get inWasmMemory(): boolean {
    return this.pool.inWasm;
  }

  /** Gives the stack's WebAssembly buffers back now (otherwise when it is garbage-collected); the stack must not be used afterwards. */
  dispose(): void {
    this.pool.dispose();
  }

  /** Whether the latest one-row step ran as compiled code (see {@link FusedOptions.compile}). */
  get compiledOneRow(): boolean {
    return this.compiled !== null && this.compiled !== undefined;
  }

  /** Rows the buffers hold now (grows to the largest batch seen). */
  get maxBatch(): number {
    return this.capacity;
  }

  /**
   * Loss of the batch and every parameter's gradient (written to `.grad`). Returns E as the
   * autograd path's `loss.item()` would (rounded to float32 for a float32 model).
   */
  lossAndGrad(x: FloatArray, t: FloatArray, rows: number): number {
    return this.step(x, t, rows, false, 0);
  }

  /**
   * One plain SGD step, w ← w − η·∂E/∂w for every weight and bias, after {@link lossAndGrad} —
   * the same numbers as `lossAndGrad` followed by `new SGD(params, { lr }).step()` (tested
   * bit for bit), without the optimizer's per-parameter bookkeeping. Returns E before the step.
   *
   * @example
   * ```ts
   * for (let i = 0; i < 1000; i++) stack.sgdStep(x, t, 1, 0.5);
   * ```
   */
  sgdStep(x: FloatArray, t: FloatArray, rows: number, lr: number): number {
    return this.step(x, t, rows, true, lr);
  }

  /** Loss, gradients and (with `update`) the SGD update, on the small or the general path. */
  private step(x: FloatArray, t: FloatArray, rows: number, update: boolean, lr: number): number {
    if (rows === 1 && this.oneRowSquaredError && this.smallPath && this.maxLayerWork < MATMUL_THRESHOLDS.wasmMin && this.maxDim <= 256 &&
      this.capacity >= 1 && x.length >= this.inputs && t.length >= this.outputs && x.BYTES_PER_ELEMENT === t.BYTES_PER_ELEMENT &&
      (x.BYTES_PER_ELEMENT === 4) === this.f32) {
      // NOTE: the seed network's case (one row, sse/mse, elementwise output) in one function.
      this.syncModel();
      if (this.oneRowSquaredError) {
        const squared = this.lossSpec.squaredError!;
        if (this.f32) return Math.fround(oneRowSquaredErrorStep(this.layers, x, t, squared, update, lr, this.scratch, true));
        if (this.compiled === undefined) this.compiled = this.compile ? compileOneRowStep(this.layers, squared) : null;
        if (this.compiled !== null) return this.compiled(x as Float64Array, t as Float64Array, update, lr);
        return oneRowSquaredErrorStep(this.layers, x, t, squared, update, lr, this.scratch, false);
      }
    }
    const small = this.smallPath && isSmall(this.maxLayerWork, this.maxDim, rows, MATMUL_THRESHOLDS.wasmMin);
    this.checkBatch(x, t, rows);
    const input = small ? x : this.kernelInput(x, rows);
    const E = this.forwardLoss(input, t, rows, small);
    const layers = this.layers;
    const L = layers[layers.length - 1]!;
    if (this.logitLoss === null) L.act.backward(L.delta, L.z, L.a, rows, L.units);
    if (small) {
      smallBackward(layers, x, rows, update, lr, this.scratch, this.f32);
      return E;
    }
    backwardLayers(layers, input, rows, this.threadPool());
    if (update) {
      for (let l = 0; l < layers.length; l++) {
        const L = layers[l]!;
        const w = L.w;
        const gw = L.gradW.data;
        for (let i = 0; i < w.length; i++) w[i] = w[i]! + -lr * gw[i]!;
        const b = L.b;
        const gb = L.gradB.data;
        for (let i = 0; i < b.length; i++) b[i] = b[i]! + -lr * gb[i]!;
      }
    }
    return E;
  }

  /**
   * The last layer's net input z [rows, outputs] of the latest batch, as a tensor viewing an
   * internal buffer (overwritten by the next call; made once per distinct `rows`).
   */
  logits(rows: number): Tensor {
    const z = this.layers[this.layers.length - 1]!.z;
    const cached = this.logitsView;
    if (cached !== null && cached.shape[0] === rows && cached.data.buffer === z.buffer) return cached;
    const n = rows * this.outputs;
    const view = new Tensor(n === z.length ? z : z.subarray(0, n), [rows, this.outputs]);
    this.logitsView = view;
    return view;
  }

  /**
   * Each layer's net input z, output a and δ = ∂E/∂z of the latest `rows`-row step, as tensors
   * viewing the stack's buffers (overwritten by the next call).
   */
  trace(rows: number): { index: number; z: Tensor; a: Tensor; delta: Tensor }[] {
    const last = this.layers.length - 1;
    return this.layers.map((L, index) => {
      const n = rows * L.units;
      const view = (buf: FloatArray): Tensor => new Tensor(buf.subarray(0, n), [rows, L.units]);
      // NOTE: a loss on the logits leaves the output layer's a unwritten (sigmoid + bce): fill it now.
      if (index === last && this.logitLoss !== null) L.act.forward(L.z, L.a, rows, L.units);
      return { index, z: view(L.z), a: view(outputOf(L)), delta: view(L.delta) };
    });
  }

  /**
   * The network's outputs y = f(z) [rows, outputs] of the latest batch — after `lossAndGrad`, with
   * no second forward pass through the layers (softmax-CE's probabilities as its loss computed
   * them; for sigmoid-BCE σ applied to z now) — in an internal buffer whose first rows·outputs
   * entries are valid until the next call.
   */
  lastOutputs(rows: number): FloatArray {
    const last = this.layers[this.layers.length - 1]!;
    if (this.logitLoss !== null && !this.logitLoss.writesOutputs) last.act.forward(last.z, last.a, rows, last.units);
    return outputOf(last);
  }

  /** The loss of the batch without computing gradients (the `.grad`s are left alone). */
  lossOnly(x: FloatArray, t: FloatArray, rows: number): number {
    this.checkBatch(x, t, rows);
    return this.forwardLoss(this.kernelInput(x, rows), t, rows, false);
  }

  /**
   * The model's outputs for `rows` rows of x, in an internal buffer of which the first
   * rows·outputs entries are valid until the next call (copy them to keep them).
   */
  forward(x: FloatArray, rows: number): FloatArray {
    this.check(x, rows * this.inputs, rows, 'x');
    this.syncModel();
    forwardLayers(this.layers, this.kernelInput(x, rows), rows, this.logitLoss !== null, this.threadPool());
    const last = this.layers[this.layers.length - 1]!;
    if (this.logitLoss !== null) last.act.forward(last.z, last.a, rows, last.units);
    return outputOf(last);
  }

  /**
   * The last layer's pre-activation z (the logits) for `rows` rows of x, in an internal buffer of
   * which the first rows·outputs entries are valid until the next call: the numbers of
   * `model.forwardLogits` (the same kernels; a row's products do not depend on the other rows).
   */
  forwardLogits(x: FloatArray, rows: number): FloatArray {
    this.check(x, rows * this.inputs, rows, 'x');
    this.syncModel();
    forwardLayers(this.layers, this.kernelInput(x, rows), rows, true, this.threadPool());
    return this.layers[this.layers.length - 1]!.z;
  }

  /** The cheap test of a batch's shapes and dtypes for the usual case; the detailed checks (and their messages, and growth) otherwise. */
  private checkBatch(x: FloatArray, t: FloatArray, rows: number): void {
    const bytes = this.f32 ? 4 : 8;
    if (!(rows >= 1 && rows <= this.capacity && (rows | 0) === rows && x.length >= rows * this.inputs && t.length >= rows * this.outputs &&
      x.BYTES_PER_ELEMENT === bytes && t.BYTES_PER_ELEMENT === bytes)) {
      this.check(x, rows * this.inputs, rows, 'x');
      this.check(t, rows * this.outputs, rows, 't');
    }
  }

  /** Forward pass and loss (x checked); leaves δ of the last layer (before its activation) in its buffer. */
  private forwardLoss(x: FloatArray, t: FloatArray, rows: number, small: boolean): number {
    this.syncModel();
    if (small) smallForward(this.layers, x, rows, this.logitLoss !== null, this.f32);
    else forwardLayers(this.layers, x, rows, this.logitLoss !== null, this.threadPool());
    const last = this.layers[this.layers.length - 1]!;
    const E =
      this.logitLoss !== null
        ? this.logitLoss.lossAndGrad(last.z, outputOf(last), t, last.delta, this.rowSum, rows, last.units)
        : this.lossSpec.lossAndGrad(outputOf(last), t, last.delta, rows, last.units);
    return this.f32 ? Math.fround(E) : E;
  }

  /**
   * x itself when the kernels can read it in place (in their memory, or no kernel memory in use),
   * else its rows copied into {@link inputBuffer}: one copy, instead of one per product that reads x.
   */
  private kernelInput(x: FloatArray, rows: number): FloatArray {
    if (!this.pool.inWasm || x.buffer === this.input.buffer || this.pool.owns(x)) return x;
    const n = rows * this.inputs;
    this.input.set(x.length === n ? x : x.subarray(0, n));
    return this.input;
  }

  /** The kernels' worker threads when the products may use them as jobs here (see passes.ts), else null. */
  private threadPool(): ThreadPool | null {
    if (!this.parallel || !this.pool.inWasm) return null;
    const state = kernelState(false);
    const pool = state === null ? null : state.pool;
    return pool !== null && !pool.busy && state!.canBlock ? pool : null;
  }

  /**
   * Picks up what changed on the model since the last call: an activation (a string compare per
   * layer), or parameters given new storage by `Tensor.moveData` (another stack moved them into the
   * kernels' memory; an identity compare per layer).
   */
  private syncModel(): void {
    const layers = this.model.layers;
    const names = this.actNames;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l]!;
      const L = this.layers[l]!;
      if (L.w !== layer.weight.data || L.b !== layer.bias.data) {
        L.w = layer.weight.data;
        L.b = layer.bias.data;
        this.compiled = undefined;
      }
      const name = layer.activation;
      if (name === names[l]) continue;
      if (!isActivationName(name)) throw new BackpropError('unsupported', `FusedDenseStack: layer ${l} now has activation ${JSON.stringify(name)}, which is not in the activation table`);
      this.layers[l]!.act = ACTIVATION_TABLE[name];
      names[l] = name;
      this.compiled = undefined;
      if (l === layers.length - 1) {
        this.logitLoss = logitForm(this.loss, name);
        this.oneRowSquaredError = this.squaredErrorOnElementwise();
      }
    }
  }

  private squaredErrorOnElementwise(): boolean {
    return this.lossSpec.squaredError !== undefined && this.layers[this.layers.length - 1]!.act.form === 'elementwise';
  }

  private check(data: FloatArray, need: number, rows: number, what: string): void {
    if (!(rows >= 1) || (rows | 0) !== rows) throw new BackpropError('shape', `FusedDenseStack: rows must be a positive integer, got ${rows}`);
    // NOTE: BYTES_PER_ELEMENT rather than instanceof, which walks the prototype chain on every step.
    if ((data.BYTES_PER_ELEMENT === 4) !== this.f32) {
      throw new BackpropError('dtype', `FusedDenseStack: ${what} is ${data instanceof Float32Array ? 'float32' : 'float64'} but the model is ${this.dtype}`);
    }
    if (data.length < need) {
      throw new BackpropError('shape', `FusedDenseStack: ${what} needs ${need} numbers for ${rows} rows, got ${data.length}`);
    }
    if (rows > this.capacity) this.reserve(rows);
  }

  /** (Re)allocates every row buffer for `rows` rows. */
  private reserve(rows: number): void {
    const pool = this.pool;
    for (const L of this.layers) {
      for (const old of [L.z, L.a, L.delta]) pool.release(old);
      L.z = pool.alloc(rows * L.units);
      L.a = pool.alloc(rows * L.units);
      L.delta = pool.alloc(rows * L.units);
    }
    pool.release(this.input);
    this.input = pool.alloc(rows * this.inputs);
    this.logitsView = null;
    this.rowSum = new Float64Array(rows);
    this.capacity = rows;
    this.compiled = undefined;
  }
}

