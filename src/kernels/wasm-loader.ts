import { runningInNode, sharedMemorySupported, wasmSimdSupported } from './wasm-support.js';
import { WasmHeap } from './wasm-heap.js';

/** Where the WebAssembly kernels stand: not tried yet, loading, ready, or unavailable here. */
export type WasmState = 'idle' | 'loading' | 'ready' | 'unavailable';

let state: WasmState = 'idle';
let heap: WasmHeap | null = null;
let pending: Promise<WasmHeap | null> | null = null;
let reason = '';

/**
 * Load the WebAssembly SIMD kernels (once): decode the module that `npm run build:wasm` generated,
 * compile it asynchronously (allowed on a browser main thread at any size) and instantiate it on a
 * shared memory where possible, else a plain one. With `relaxed` `'auto'` the variant with
 * relaxed-SIMD multiply-add is taken where the engine has it (see {@link compileGemmModule}).
 * Resolves to `null` — and the TypeScript kernels stay in use — when SIMD is unsupported or the
 * module was not built.
 *
 * @example
 * ```ts
 * const heap = await loadWasmKernels(); // null → TypeScript fallback
 * ```
 */
export function loadWasmKernels(relaxed: 'auto' | false = 'auto'): Promise<WasmHeap | null> {
  if (pending) return pending;
  state = 'loading';
  pending = (async (): Promise<WasmHeap | null> => {
    try {
      heap = await makeHeap(relaxed);
      state = 'ready';
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
      state = 'unavailable';
      heap = null;
    }
    return heap;
  })();
  return pending;
}

/**
 * A heap on a shared memory when the engine allows one — trying a 4 GiB, then a 1 GiB maximum,
 * since browsers reserve a shared memory's maximum up front — else on a plain memory.
 */
async function makeHeap(wantRelaxed: 'auto' | false): Promise<WasmHeap> {
  if (sharedMemorySupported()) {
    try {
      const { module, relaxed } = await compileGemmModule(true, wantRelaxed);
      for (const maxPages of [65536, 16384]) {
        try {
          return new WasmHeap(module, true, maxPages, relaxed);
        } catch {
          // NOTE: out of address space for this maximum; try the next, then a plain memory.
        }
      }
    } catch {
      // NOTE: no shared-memory variant built: fall through to the plain one.
    }
  }
  const { module, relaxed } = await compileGemmModule(false, wantRelaxed);
  return new WasmHeap(module, false, 65536, relaxed);
}

/** Names of the generated module variants (scripts/build-wasm.mjs). */
type Variant = 'WASM_SHARED' | 'WASM_PLAIN' | 'WASM_SHARED_RELAXED' | 'WASM_PLAIN_RELAXED';

/**
 * Compile the gemm module for a shared memory (worker threads) or a plain one. With `relaxed`
 * `'auto'` the relaxed-SIMD variant (float32 multiply-add, fused where the engine chooses) is
 * taken when this engine validates it — in Node 20 after turning on V8's flag for it
 * (`relaxed-simd.node.ts`) — else the plain-SIMD one; `false` forces the latter.
 * Rejects when SIMD is unsupported or `npm run build:wasm` has not generated the module.
 */
export async function compileGemmModule(shared: boolean, relaxed: 'auto' | false = 'auto'): Promise<{ module: WebAssembly.Module; relaxed: boolean }> {
  if (!wasmSimdSupported()) throw new Error('WebAssembly SIMD is not supported by this engine');
  // NOTE: the module is generated at build time (gitignored); when it is missing the import
  // fails and the TypeScript kernels stay in use.
  // @ts-ignore -- the generated file may be absent before `npm run build:wasm`
  const generated = (await import('./wasm-bytes.generated.js')) as Partial<Record<Variant, string | null>>;
  if (relaxed === 'auto') {
    const text = generated[shared ? 'WASM_SHARED_RELAXED' : 'WASM_PLAIN_RELAXED'];
    const bytes = text ? decodeBase64(text) : null;
    if (bytes && !WebAssembly.validate(bytes) && runningInNode()) await enableNodeRelaxedSimd();
    if (bytes && WebAssembly.validate(bytes)) return { module: await WebAssembly.compile(bytes), relaxed: true };
  }
  const base64 = generated[shared ? 'WASM_SHARED' : 'WASM_PLAIN'];
  if (!base64) throw new Error('the WASM module was not built (assemblyscript missing at build time)');
  return { module: await WebAssembly.compile(decodeBase64(base64)), relaxed: false };
}

async function enableNodeRelaxedSimd(): Promise<void> {
  try {
    // NOTE: a specifier bundlers cannot follow, so browser bundles never pull in node:v8.
    const helper = './relaxed-simd.node.js';
    ((await import(/* @vite-ignore */ helper)) as typeof import('./relaxed-simd.node.js')).enableRelaxedSimd();
  } catch {
    // NOTE: no such flag in this V8 (or no node:v8): the plain-SIMD module is used.
  }
}

/** The loaded heap, or `null` while loading / when unavailable. Starts loading when idle. */
export function wasmHeapIfReady(): WasmHeap | null {
  if (state === 'idle') void loadWasmKernels();
  return heap;
}

/** The current state, and why the kernels are unavailable when they are. */
export function wasmStatus(): { state: WasmState; reason: string } {
  return { state, reason };
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
