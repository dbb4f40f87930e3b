/**
 * Feature detection for the fast kernel paths, without side effects worth mentioning:
 * a 30-byte SIMD module is validated, a 1-page shared memory is created and dropped.
 */

/**
 * The smallest module using a SIMD instruction: `(func (result v128) i32.const 0 i8x16.splat)`.
 * `WebAssembly.validate` accepts it exactly where the 128-bit SIMD proposal is supported.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // code: i32.const 0; i8x16.splat; end
]);

let simd: boolean | undefined;
let shared: boolean | undefined;
let blocking: boolean | undefined;

/** True when this engine runs WebAssembly with 128-bit SIMD (Node ≥ 16.4, current browsers). */
export function wasmSimdSupported(): boolean {
  if (simd === undefined) {
    try {
      simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
  }
  return simd;
}

/**
 * True when a shared `WebAssembly.Memory` can be made — the condition for worker threads on one
 * memory. Browsers allow it only on cross-origin-isolated pages (COOP + COEP headers).
 */
export function sharedMemorySupported(): boolean {
  if (shared === undefined) {
    try {
      const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      shared = typeof SharedArrayBuffer !== 'undefined' && mem.buffer instanceof SharedArrayBuffer;
    } catch {
      shared = false;
    }
  }
  return shared;
}

/**
 * True when this thread may block in `Atomics.wait`: Node's main thread and any worker, but not a
 * browser's main (window) thread. Synchronous threaded matmul needs it.
 */
export function canBlockOnAtomics(): boolean {
  if (blocking === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}

/** True in Node.js (where the worker spawner and the relaxed-SIMD switch are Node modules). */
export function runningInNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;
}
