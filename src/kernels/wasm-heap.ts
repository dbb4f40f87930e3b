import { BackpropError } from '../errors.js';

/** The exports of the compiled gemm module (asm/gemm.ts); addresses are byte offsets. */
export interface GemmExports {
  /** Bytes of workspace one concurrent gemm call needs. */
  gemmWorkspaceBytes(): number;
  /** float32 C[i0..i1, j0..j1] = op(A)·op(B) (+ C when accumulate ≠ 0). */
  sgemm: GemmFn;
  /** float64 version of {@link GemmExports.sgemm}. */
  dgemm: GemmFn;
  /**
   * {@link GemmExports.sgemm} with an {@link Epilogue} on the block of C once its sums are complete,
   * on each register tile before it is stored: (…sgemm's arguments, epilogue, bias, out).
   */
  sgemmEpi(a: number, b: number, c: number, m: number, k: number, n: number,
    transA: number, transB: number, accumulate: number,
    i0: number, i1: number, j0: number, j1: number, ws: number, prepacked: number,
    epilogue: number, bias: number, out: number): void;
  /** Bytes of a whole packed op(B), k×n, 4- or 8-byte floats. */
  packedBBytes(k: number, n: number, bytesPer: number): number;
  /** Pack a whole float32 op(B) once for `prepacked` (threads splitting C by rows share it). */
  spackB: PackFn;
  /** float64 version of {@link GemmExports.spackB}. */
  dpackB: PackFn;
  /**
   * The float32 Adam / AdamW update in place (asm/adam.ts): (w, g, m, v, n, β₁, 1 − β₁, β₂,
   * 1 − β₂, −η/(1 − β₁ᵗ), √(1 − β₂ᵗ), ε, l2, s).
   */
  adamF32(w: number, g: number, m: number, v: number, n: number,
    b1: number, c1: number, b2: number, c2: number, k: number, r: number, eps: number, l2: number, s: number, keep: number): number;
  /** float32 z += b per row, then a = relu(z) when `relu` ≠ 0 (asm/elementwise.ts): (z, a, b, rows, cols, relu). */
  biasRelu32(z: number, a: number, b: number, rows: number, cols: number, relu: number): void;
  /** 1 when every one of n float32 entries is finite, else 0: (x, n). */
  allFinite32(x: number, n: number): number;
  /** Copy n bytes (regions not overlapping): (dst, src, n). */
  copyBytes(dst: number, src: number, n: number): void;
  /** float32 g ← g where z > 0, else 0·g: (g, z, n). */
  reluBackward32(g: number, z: number, n: number): void;
  /** float32 s[j] = Σ_r d[r, j] in order of r: (d, s, rows, cols). */
  columnSums32(d: number, s: number, rows: number, cols: number): void;
  /** Σ x² of n float32 entries in float64, four partial sums (one block of `sumOfSquares`; asm/elementwise.ts): (x, n). */
  sumSquares32(x: number, n: number): number;
}

/** Signature of spackB / dpackB: (b, k, n, transB, dst). */
export type PackFn = (b: number, k: number, n: number, transB: number, dst: number) => void;

/**
 * Signature of the exported gemm functions:
 * (a, b, c, m, k, n, transA, transB, accumulate, i0, i1, j0, j1, ws, prepacked); `prepacked` is 0
 * or a whole op(B) packed by spackB / dpackB (then j0 = 0, j1 = n).
 */
export type GemmFn = (
  a: number, b: number, c: number, m: number, k: number, n: number,
  transA: number, transB: number, accumulate: number,
  i0: number, i1: number, j0: number, j1: number, ws: number, prepacked: number,
) => void;

/** Bytes below this address belong to the module and the thread control block. */
export const HEAP_BASE = 65536;
/** Byte address of the control block the thread pool uses (64 int32 slots per worker). */
export const CONTROL_BASE = 4096;
const PAGE = 65536;
const ALIGN = 64;

/**
 * One WebAssembly memory with an instance of the gemm module on it, and a first-fit allocator
 * (64-byte aligned blocks, freed blocks coalesce) for the memory above {@link HEAP_BASE}.
 *
 * Growing a plain (unshared) memory detaches every view made before; growing a shared memory does
 * not. Holders of views therefore re-read {@link WasmHeap.buffer} (or use `WasmArray.view`, which
 * does) after anything that may allocate.
 */
export class WasmHeap {
  /** The memory all kernels of this heap read and write. */
  readonly memory: WebAssembly.Memory;
  /** The compiled module (workers instantiate it again on the same shared memory). */
  readonly module: WebAssembly.Module;
  /** The gemm exports of this heap's instance. */
  readonly exports: GemmExports;
  /** True when the memory is a shared one (worker threads can use it). */
  readonly shared: boolean;
  private readonly free: Array<{ ptr: number; size: number }> = [];
  private readonly used = new Map<number, number>();
  private top = HEAP_BASE;
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  /** Largest size of the memory, in 64 KiB pages. */
  readonly maxPages: number;
  /** True when the module is the relaxed-SIMD variant (float32 products by multiply-add). */
  readonly relaxed: boolean;

  /**
   * @param maxPages the memory's maximum in 64 KiB pages (≤ 65536 = 4 GiB, the module's limit);
   *   browsers reserve a shared memory's maximum up front, so a smaller one may be needed there.
   * @param relaxed whether `module` is the relaxed-SIMD variant (for {@link WasmHeap.relaxed}).
   */
  constructor(module: WebAssembly.Module, shared: boolean, maxPages = 65536, relaxed = false) {
    this.module = module;
    this.relaxed = relaxed;
    this.shared = shared;
    this.maxPages = maxPages;
    this.memory = new WebAssembly.Memory({ initial: 2, maximum: maxPages, shared });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, abort: wasmAbort } });
    this.exports = instance.exports as unknown as GemmExports;
  }

  /** The memory's current buffer (a fresh object after each growth). */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    const buf = this.memory.buffer;
    this.buffers.add(buf);
    return buf;
  }

  /**
   * True when `x` is a view of this memory (made from any of its buffers, before or after growth),
   * so a kernel can read or write it in place at address `x.byteOffset`.
   */
  owns(x: ArrayBufferView): boolean {
    if (x.buffer === this.memory.buffer) return true;
    // NOTE: a plain memory's old buffers are detached (byteLength 0) after growth: not usable.
    return this.buffers.has(x.buffer) && x.buffer.byteLength > 0;
  }

  /** Reserve `bytes` (rounded up to 64) and return the byte address; grows the memory if needed. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new BackpropError('value', `WasmHeap.alloc: expected a byte count ≥ 0, got ${bytes}`);
    }
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i]!;
      if (block.size < size) continue;
      const ptr = block.ptr;
      if (block.size === size) this.free.splice(i, 1);
      else {
        block.ptr += size;
        block.size -= size;
      }
      this.used.set(ptr, size);
      return ptr;
    }
    const ptr = this.top;
    this.ensure(ptr + size);
    this.top = ptr + size;
    this.used.set(ptr, size);
    return ptr;
  }

  /** Give back a block from {@link WasmHeap.alloc}; freeing an unknown address is an error. */
  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) {
      throw new BackpropError('value', `WasmHeap.release: address ${ptr} is not an allocated block`);
    }
    this.used.delete(ptr);
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid]!.ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    this.free.splice(lo, 0, { ptr, size });
    // Coalesce with the right, then the left neighbour; a block touching the top lowers it.
    const right = this.free[lo + 1];
    if (right && ptr + size === right.ptr) {
      this.free[lo]!.size += right.size;
      this.free.splice(lo + 1, 1);
    }
    const left = this.free[lo - 1];
    if (left && left.ptr + left.size === ptr) {
      left.size += this.free[lo]!.size;
      this.free.splice(lo, 1);
      lo--;
    }
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }

  /** Bytes currently handed out. */
  get usedBytes(): number {
    let s = 0;
    for (const size of this.used.values()) s += size;
    return s;
  }

  /** Grow the memory so that addresses below `end` exist. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    // NOTE: grow at least by the current size, so a sequence of growing requests costs O(log n) grows.
    const want = Math.min(this.maxPages - have / PAGE, Math.max(pages, have / PAGE));
    if (want < pages) {
      throw new BackpropError('value', `WasmHeap: ${end} bytes requested, beyond this WebAssembly memory's ${this.maxPages * PAGE} bytes`);
    }
    this.memory.grow(want);
  }
}

function wasmAbort(): never {
  throw new BackpropError('unsupported', 'the WebAssembly gemm module aborted (an internal bug)');
}
