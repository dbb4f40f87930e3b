import type { FloatArray } from './types.js';
import type { WasmHeap } from './wasm-heap.js';

/**
 * Puts the operands of one matmul into WebAssembly memory and takes the result out again.
 * An operand that already lives in the heap's memory (a view from a `WasmArena`, or any view of
 * `heap.memory.buffer`) is used in place; the others are copied into a grow-only scratch block
 * that the stage keeps for the next call, so steady-state calls allocate nothing.
 */
export class WasmStage {
  /** Byte address of op A, op B and C for the kernel, valid after {@link WasmStage.load}. */
  a = 0;
  b = 0;
  c = 0;
  /** 4 for float32, 8 for float64. */
  bytesPer = 8;
  private scratch = 0;
  private scratchBytes = 0;
  private out: FloatArray | null = null;
  private outLen = 0;

  constructor(readonly heap: WasmHeap) {}

  /** Stage A (m·k entries), B (k·n) and, when `accumulate`, C (m·n). */
  load(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate: boolean): void {
    const heap = this.heap;
    const bytesPer = c.BYTES_PER_ELEMENT;
    this.bytesPer = bytesPer;
    const aIn = heap.owns(a);
    const bIn = heap.owns(b);
    const cIn = heap.owns(c);
    const round = (x: number): number => Math.ceil((x * bytesPer) / 64) * 64;
    const need = (aIn ? 0 : round(m * k)) + (bIn ? 0 : round(k * n)) + (cIn ? 0 : round(m * n));
    if (need > this.scratchBytes) {
      if (this.scratchBytes > 0) heap.release(this.scratch);
      this.scratch = heap.alloc(need);
      this.scratchBytes = need;
    }
    const buffer = heap.buffer;
    let at = this.scratch;
    if (aIn) this.a = a.byteOffset;
    else {
      this.a = at;
      view(buffer, at, m * k, bytesPer).set(a.subarray(0, m * k));
      at += round(m * k);
    }
    if (bIn) this.b = b.byteOffset;
    else {
      this.b = at;
      view(buffer, at, k * n, bytesPer).set(b.subarray(0, k * n));
      at += round(k * n);
    }
    if (cIn) {
      this.c = c.byteOffset;
      this.out = null;
    } else {
      this.c = at;
      this.out = c;
      this.outLen = m * n;
      if (accumulate) view(buffer, at, m * n, bytesPer).set(c.subarray(0, m * n));
    }
  }

  /** Copy the result to the caller's C when C was staged (no-op when C lives in the heap). */
  store(): void {
    const out = this.out;
    if (out === null) return;
    out.set(view(this.heap.buffer, this.c, this.outLen, this.bytesPer));
    this.out = null;
  }
}

function view(buffer: ArrayBufferLike, at: number, len: number, bytesPer: number): FloatArray {
  return bytesPer === 4 ? new Float32Array(buffer, at, len) : new Float64Array(buffer, at, len);
}
