import { kernelState } from './kernel-state.js';
import type { FloatArray } from './types.js';
import type { WasmHeap } from './wasm-heap.js';
import { allocate, type DType } from '../tensor/dtype.js';

/**
 * Where the fused path keeps its buffers: in the WebAssembly kernels' memory when they are loaded
 * on a shared memory (Node, cross-origin-isolated pages), so `matmul` reads and writes them in
 * place instead of copying them in and out on every call; in ordinary typed arrays otherwise.
 *
 * Only a shared memory is used: growing a plain memory detaches every view made before, which
 * would silently break buffers kept across calls. Blocks are given back to the heap by
 * {@link BufferPool.release}, by {@link BufferPool.dispose}, or when the owner is garbage-collected.
 *
 * @example
 * ```ts
 * const pool = new BufferPool('float32', true);
 * const z = pool.alloc(64 * 128); // a Float32Array in WASM memory when possible
 * ```
 */
export class BufferPool {
  private readonly heap: WasmHeap | null;
  /** Byte address of each live block, by its array. */
  private readonly blocks = new Map<FloatArray, number>();
  /** Addresses shared with the finalizer (released when the pool's owner is collected). */
  private readonly ptrs: Set<number> = new Set();

  constructor(readonly dtype: DType, useWasm: boolean, owner?: object) {
    const state = useWasm ? kernelState(false) : null;
    this.heap = state !== null && state.heap.shared ? state.heap : null;
    if (this.heap !== null && owner !== undefined) finalizer.register(owner, { heap: this.heap, ptrs: this.ptrs }, this);
  }

  /** Whether the buffers live in WebAssembly memory. */
  get inWasm(): boolean {
    return this.heap !== null;
  }

  /** Whether `x` lies in the kernels' memory that this pool allocates from (so kernels use it in place). */
  owns(x: ArrayBufferView): boolean {
    return this.heap !== null && this.heap.owns(x);
  }

  /** A zero-filled array of `length` entries. */
  alloc(length: number): FloatArray {
    const heap = this.heap;
    if (heap === null || length === 0) return allocate(this.dtype, length);
    const bytes = this.dtype === 'float32' ? 4 : 8;
    const ptr = heap.alloc(length * bytes);
    const arr = this.dtype === 'float32' ? new Float32Array(heap.buffer, ptr, length) : new Float64Array(heap.buffer, ptr, length);
    arr.fill(0);
    this.blocks.set(arr, ptr);
    this.ptrs.add(ptr);
    return arr;
  }

  /** Gives an array from {@link BufferPool.alloc} back (a no-op for ordinary arrays). */
  release(arr: FloatArray): void {
    const ptr = this.blocks.get(arr);
    if (ptr === undefined || this.heap === null) return;
    this.blocks.delete(arr);
    this.ptrs.delete(ptr);
    this.heap.release(ptr);
  }

  /** Gives every block back; the arrays must not be used afterwards. */
  dispose(): void {
    for (const arr of [...this.blocks.keys()]) this.release(arr);
    finalizer.unregister(this);
  }
}

const finalizer = new FinalizationRegistry<{ heap: WasmHeap; ptrs: Set<number> }>(({ heap, ptrs }) => {
  for (const ptr of ptrs) heap.release(ptr);
  ptrs.clear();
});

/**
 * `arr` in the WebAssembly kernels' shared memory, so a kernel reads and writes it in place: the
 * same array when it is there already or when there is no such memory (kernels not loaded, or a
 * plain memory), otherwise a copy there. The copy's block goes back to the heap when the copy is
 * garbage-collected — keep the returned array, not views made from it.
 *
 * @example
 * ```ts
 * state.expAvg = kernelResident(state.expAvg); // once the kernels are loaded: no copy per step
 * ```
 */
export function kernelResident<T extends FloatArray>(arr: T): T {
  const state = kernelState(false);
  if (state === null || !state.heap.shared || arr.length === 0 || state.heap.owns(arr)) return arr;
  const heap = state.heap;
  const ptr = heap.alloc(arr.byteLength);
  const buffer = heap.buffer;
  const copy = (arr instanceof Float32Array ? new Float32Array(buffer, ptr, arr.length) : new Float64Array(buffer, ptr, arr.length)) as T;
  copy.set(arr);
  residents.register(copy, { heap, ptr });
  return copy;
}

const residents = new FinalizationRegistry<{ heap: WasmHeap; ptr: number }>(({ heap, ptr }) => heap.release(ptr));

/**
 * `arr` in the kernels' memory (see {@link kernelResident}) when `like` is there, else `arr`
 * itself: a companion array (a backup, a moment) that lives where its parameter lives.
 *
 * @example
 * ```ts
 * const copy = residentLike(new Float32Array(w.length), w);
 * ```
 */
export function residentLike<T extends FloatArray>(arr: T, like: FloatArray): T {
  const state = kernelState(false);
  return state !== null && state.heap.owns(like) ? kernelResident(arr) : arr;
}
