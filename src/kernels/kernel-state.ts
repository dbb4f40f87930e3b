import { loadWasmKernels, wasmHeapIfReady, wasmStatus } from './wasm-loader.js';
import type { WasmHeap } from './wasm-heap.js';
import { WasmStage } from './wasm-stage.js';
import { ThreadPool } from './thread-pool.js';
import type { WorkerHandle } from './thread-pool.js';
import { canBlockOnAtomics, runningInNode, sharedMemorySupported, wasmSimdSupported } from './wasm-support.js';

/** Everything the fast matmul paths share once the WASM kernels are loaded. */
export interface KernelState {
  heap: WasmHeap;
  /** Scratch for synchronous calls. */
  stage: WasmStage;
  /** Scratch for {@link matmulAsync} calls (which are serialised). */
  asyncStage: WasmStage;
  /** Workspace of single-threaded calls. */
  workspace: number;
  /** Worker threads, when {@link initKernels} started them. */
  pool: ThreadPool | null;
  /** True when this thread may block in `Atomics.wait`. */
  canBlock: boolean;
}

/** Options of {@link initKernels}. */
export interface KernelOptions {
  /**
   * Threads (calling thread included) for large matmuls: a number, or `'auto'` (default) for the
   * logical CPUs (`navigator.hardwareConcurrency`, in Node `os.availableParallelism()`) capped at
   * 4. 1 starts no workers. Needs shared memory.
   */
  threads?: number | 'auto';
  /**
   * Use the relaxed-SIMD float32 kernel (multiply-add, fused on CPUs with FMA) where the engine has
   * it: default `true`. In Node 20 this turns on V8's `--experimental-wasm-relaxed-simd` for the
   * process (the feature is complete there and on by default from Node 22). `false` keeps plain
   * SIMD: float32 products then round after every multiply, as the TypeScript kernel does. Only
   * takes effect when given before the kernels first load (the first `initKernels`, `matmul` or `fit`).
   */
  relaxedSimd?: boolean;
  /**
   * Browsers: the URL of the kernels' worker script (the built `matmul-worker.web.js`), for a
   * bundler that does not follow its `new Worker(new URL('./matmul-worker.web.js', import.meta.url))`
   * — Vite, for one, does not emit a worker started from inside another worker (vitejs/vite#5699);
   * there a `?worker&url` import of the worker module names it (the playground's web/src/worker.ts
   * does). Ignored in Node.
   */
  workerUrl?: string | URL;
}

/** What {@link initKernels} found and started. */
export interface KernelInfo {
  /** WebAssembly SIMD kernels in use. */
  wasm: boolean;
  /** Why not, when `wasm` is false. */
  reason: string;
  simd: boolean;
  /**
   * The float32 kernel uses relaxed-SIMD multiply-add (Chrome ≥ 114, Node ≥ 22, Node 20 with the
   * V8 flag that {@link initKernels} sets unless told not to).
   */
  relaxedSimd: boolean;
  sharedMemory: boolean;
  /** Threads a large matmul is split over (1 = no workers). */
  threads: number;
  /** Whether the synchronous `matmul` may use the threads here (false on a browser main thread). */
  syncThreads: boolean;
  /** Why worker threads could not be started, when they were asked for and failed. */
  threadError: string;
}

let state: KernelState | null = null;
let starting: Promise<KernelInfo> | null = null;
let threadError = '';

/**
 * The shared kernel state, or `null` while the WASM kernels are not (yet) loaded; the first call
 * starts loading them in the background.
 */
export function kernelState(_strict: boolean): KernelState | null {
  if (state !== null) return state;
  const heap = wasmHeapIfReady();
  if (heap === null) return null;
  state = {
    heap,
    stage: new WasmStage(heap),
    asyncStage: new WasmStage(heap),
    workspace: heap.alloc(heap.exports.gemmWorkspaceBytes()),
    pool: null,
    canBlock: canBlockOnAtomics(),
  };
  return state;
}

/**
 * Load the WebAssembly SIMD kernels and start the worker threads. Optional — `matmul` starts
 * loading WASM by itself and uses TypeScript meanwhile — but awaiting it makes every call use the
 * same path from the first one, and it is the only way to get threads. Workers never keep a Node
 * process alive; {@link shutdownKernels} ends them.
 *
 * @example
 * ```ts
 * const info = await initKernels({ threads: 2 });
 * console.log(info.wasm, info.threads);
 * ```
 */
export function initKernels(options: KernelOptions = {}): Promise<KernelInfo> {
  if (starting) return starting;
  starting = (async (): Promise<KernelInfo> => {
    await loadWasmKernels(options.relaxedSimd === false ? false : 'auto');
    const s = kernelState(true);
    const wanted = options.threads ?? 'auto';
    if (s !== null && s.heap.shared && s.pool === null && wanted !== 1) {
      try {
        const host = await hostThreads(options.workerUrl);
        const threads = wanted === 'auto' ? Math.min(4, host.cores) : Math.max(1, Math.floor(wanted));
        if (threads > 1) s.pool = await ThreadPool.create(s.heap, threads, host.spawn);
      } catch (e) {
        // NOTE: also where a browser bundle runs in Node (the Node spawner is not in the bundle).
        s.pool = null;
        threadError = e instanceof Error ? e.message : String(e);
      }
    }
    return kernelInfo();
  })();
  return starting;
}

/**
 * The current kernel set-up (no side effects): whether the WASM SIMD kernels are loaded, how many
 * threads large products use, and why a faster path is off.
 *
 * @example
 * ```ts
 * await initKernels();
 * kernelInfo().wasm;      // true where WebAssembly SIMD is available
 * kernelInfo().threads;   // 2 on a two-core machine in Node
 * ```
 */
export function kernelInfo(): KernelInfo {
  const status = wasmStatus();
  return {
    wasm: state !== null,
    reason: state !== null ? '' : status.reason || status.state,
    simd: wasmSimdSupported(),
    relaxedSimd: state?.heap.relaxed ?? false,
    sharedMemory: sharedMemorySupported(),
    threads: state?.pool?.threads ?? 1,
    syncThreads: (state?.pool ?? null) !== null && canBlockOnAtomics(),
    threadError,
  };
}

/**
 * Terminates the worker threads (WASM stays loaded); a later {@link initKernels} starts new ones.
 *
 * @example
 * ```ts
 * await initKernels();
 * // … train …
 * shutdownKernels();      // kernelInfo().threads is 1 again
 * ```
 */
export function shutdownKernels(): void {
  if (state?.pool) {
    state.pool.terminate();
    state.pool = null;
  }
  starting = null;
}

/** How to start a worker here, and how many logical CPUs there are (browser or Node). */
async function hostThreads(workerUrl: string | URL | undefined): Promise<{ spawn: () => WorkerHandle; cores: number }> {
  if (!runningInNode()) {
    const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
    const { spawnWorker } = await import('./spawn.web.js');
    return { spawn: () => spawnWorker(workerUrl), cores };
  }
  // NOTE: a specifier bundlers cannot follow, so browser bundles (Vite) never pull in the
  // Node-only spawner, its node:worker_threads import or its worker entries.
  const nodeSpawner = './spawn.node.js';
  const mod = (await import(/* @vite-ignore */ nodeSpawner)) as typeof import('./spawn.node.js');
  return { spawn: mod.spawnWorker, cores: mod.hardwareThreads() };
}
