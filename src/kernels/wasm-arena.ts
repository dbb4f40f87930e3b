import { BackpropError } from '../errors.js';
import { initKernels, kernelState } from './kernel-state.js';
import type { KernelOptions, KernelState } from './kernel-state.js';
import { MATMUL_THRESHOLDS } from './matmul.js';

/** The element types an arena hands out. */
export type ArenaDtype = 'float32' | 'float64';

/**
 * A typed array living in WebAssembly memory: the kernels read and write it in place, with no
 * copy in or out. `ptr` is its byte address.
 *
 * On a shared memory (Node; cross-origin-isolated pages) `view` never changes. On a plain memory,
 * growing the memory (a new allocation, or a matmul that stages non-arena operands) detaches old
 * views: `view` notices and hands out a fresh one, so read `.view` again after such calls rather
 * than keeping the array.
 *
 * @example
 * ```ts
 * const w = arena.alloc('float32', 128 * 784); // a WasmArray
 * w.view.set(weights);                          // fill it in place
 * console.log(w.ptr % 64);                      // 0: 64-byte aligned
 * ```
 */
export class WasmArray<D extends ArenaDtype = ArenaDtype> {
  private cached: Float32Array | Float64Array;

  /** @internal use {@link WasmArena.alloc}. */
  constructor(private readonly state: KernelState, readonly dtype: D, readonly ptr: number, readonly length: number) {
    this.cached = this.make();
  }

  /** The data as a Float32Array / Float64Array over WASM memory. */
  get view(): D extends 'float32' ? Float32Array : Float64Array {
    if (this.cached.buffer !== this.state.heap.memory.buffer) this.cached = this.make();
    return this.cached as D extends 'float32' ? Float32Array : Float64Array;
  }

  private make(): Float32Array | Float64Array {
    const buffer = this.state.heap.buffer;
    return this.dtype === 'float32' ? new Float32Array(buffer, this.ptr, this.length) : new Float64Array(buffer, this.ptr, this.length);
  }
}

/**
 * Buffers in WebAssembly memory for hot loops (the fused dense training path): allocate the
 * activations, weights and gradients once, then call {@link WasmArena.matmul} on them — no copies,
 * worker threads for large products when started. `dispose()` frees everything at once.
 *
 * @example
 * ```ts
 * const arena = await WasmArena.create({ threads: 2 });
 * const x = arena.alloc('float32', 64 * 784), w = arena.alloc('float32', 128 * 784);
 * const y = arena.alloc('float32', 64 * 128);
 * x.view.set(batch); w.view.set(weights);
 * arena.matmul(x, w, y, 64, 784, 128, false, true); // y = x · wᵀ in place
 * ```
 */
export class WasmArena {
  private readonly blocks: number[] = [];

  private constructor(private readonly state: KernelState) {}

  /** Load the kernels (see `initKernels`) and make an arena; fails when WASM SIMD is unavailable. */
  static async create(options: KernelOptions = {}): Promise<WasmArena> {
    const info = await initKernels(options);
    const state = kernelState(true);
    if (state === null) {
      throw new BackpropError('unsupported', `WasmArena: WebAssembly SIMD kernels are not available here (${info.reason})`);
    }
    return new WasmArena(state);
  }

  /** A zero-filled array of `length` entries in WASM memory (64-byte aligned). */
  alloc<D extends ArenaDtype>(dtype: D, length: number): WasmArray<D> {
    if (!Number.isInteger(length) || length < 0) {
      throw new BackpropError('value', `WasmArena.alloc: expected a length ≥ 0, got ${length}`);
    }
    const bytes = length * (dtype === 'float32' ? 4 : 8);
    const ptr = this.state.heap.alloc(bytes);
    this.blocks.push(ptr);
    const arr = new WasmArray(this.state, dtype, ptr, length);
    arr.view.fill(0);
    return arr;
  }

  /**
   * C = op(A)·op(B) (+ C) on arena arrays, in place; same conventions and results as `matmul`.
   * Uses the worker threads for products of at least `MATMUL_THRESHOLDS.threadsMin`
   * multiply-adds when they run and this thread may block.
   */
  matmul(a: WasmArray, b: WasmArray, c: WasmArray, m: number, k: number, n: number,
    transA = false, transB = false, accumulate = false): void {
    if (a.dtype !== c.dtype || b.dtype !== c.dtype) {
      throw new BackpropError('dtype', `WasmArena.matmul: expected A, B and C of one dtype, got ${a.dtype}, ${b.dtype}, ${c.dtype}`);
    }
    if (a.length < m * k || b.length < k * n || c.length < m * n) {
      throw new BackpropError('shape', `WasmArena.matmul: for m=${m}, k=${k}, n=${n} expected A ≥ ${m * k}, B ≥ ${k * n}, C ≥ ${m * n} entries, got ${a.length}, ${b.length}, ${c.length}`);
    }
    const s = this.state;
    const fn = c.dtype === 'float32' ? 0 : 1;
    if (s.pool !== null && !s.pool.busy && s.canBlock && m * k * n >= MATMUL_THRESHOLDS.threadsMin) {
      s.pool.runGemmSync(fn, a.ptr, b.ptr, c.ptr, m, k, n, transA, transB, accumulate);
    } else {
      const gemm = fn === 0 ? s.heap.exports.sgemm : s.heap.exports.dgemm;
      gemm(a.ptr, b.ptr, c.ptr, m, k, n, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, 0, m, 0, n, s.workspace, 0);
    }
  }

  /** Free every array of this arena; their views must not be used afterwards. */
  dispose(): void {
    for (const ptr of this.blocks) this.state.heap.release(ptr);
    this.blocks.length = 0;
  }
}
