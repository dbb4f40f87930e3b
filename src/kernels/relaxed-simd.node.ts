import { setFlagsFromString } from 'node:v8';

/**
 * Turn on WebAssembly relaxed SIMD in this Node process where its V8 has the feature but ships it
 * behind a flag: Node 20 (V8 11.3) implements it completely and Node ≥ 22 enables it by default,
 * as Chrome has since 114. The flag only makes more instructions valid; no existing code changes
 * meaning. Called once, before the kernel module is validated, unless the caller opted out with
 * `initKernels({ relaxedSimd: false })`.
 */
export function enableRelaxedSimd(): void {
  // NOTE: V8 reads its wasm feature flags at each validation and compilation, so a flag set after
  // start-up takes effect for modules compiled afterwards (checked by wasm.test.ts).
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}
