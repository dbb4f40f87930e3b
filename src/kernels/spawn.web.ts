import type { WorkerHandle } from './thread-pool.js';
import type { WorkerReply, WorkerSetup } from './worker-loop.js';

/**
 * Start one matmul Web Worker (a module worker), from `url` when given. Needs a
 * cross-origin-isolated page for the shared memory; bundlers such as Vite recognise the
 * `new Worker(new URL(…, import.meta.url))` form (except inside a worker: see `KernelOptions.workerUrl`).
 */
export function spawnWorker(url?: string | URL): WorkerHandle {
  const worker = url === undefined ? new Worker(new URL('./matmul-worker.web.js', import.meta.url), { type: 'module' }) : new Worker(url, { type: 'module' });
  return {
    post: (setup: WorkerSetup) => worker.postMessage(setup),
    onMessage: (listener: (reply: WorkerReply) => void) => {
      worker.addEventListener('message', (ev: MessageEvent<WorkerReply>) => listener(ev.data));
      worker.addEventListener('error', (ev: ErrorEvent) => listener({ type: 'error', message: ev.message }));
    },
    unref: () => undefined,
    ref: () => undefined,
    terminate: () => worker.terminate(),
  };
}
