import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerHandle } from './thread-pool.js';
import type { WorkerReply, WorkerSetup } from './worker-loop.js';

/**
 * Start one matmul worker thread in Node. Once the pool has seen it ready it is `unref`'d: it
 * never keeps the process alive, and it dies with the process. From the .ts sources (tsx) a small bootstrap registers tsx
 * in the worker first, since Node 20 cannot start a worker on a .ts file.
 */
export function spawnWorker(): WorkerHandle {
  const fromSources = import.meta.url.endsWith('.ts');
  // NOTE: a worker inherits the process's Node options, and refuses to start with --input-type
  // (legal only for `node -e`/stdin scripts): drop it.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  const worker = fromSources
    ? new Worker(new URL('./tsx-worker.node.mjs', import.meta.url), {
      execArgv,
      workerData: { entry: new URL('./matmul-worker.node.ts', import.meta.url).href },
    })
    : new Worker(new URL('./matmul-worker.node.js', import.meta.url), { execArgv });
  return {
    post: (setup: WorkerSetup) => worker.postMessage(setup),
    onMessage: (listener: (reply: WorkerReply) => void) => {
      worker.on('message', listener);
      worker.on('error', (e: Error) => listener({ type: 'error', message: e.message }));
    },
    // NOTE: called once the worker is ready; a 'message' listener added later would ref it again.
    unref: () => worker.unref(),
    ref: () => worker.ref(),
    terminate: () => void worker.terminate(),
  };
}

/** Logical CPUs this process may use (Node 20 has no `navigator.hardwareConcurrency`). */
export function hardwareThreads(): number {
  return availableParallelism();
}
