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
  const start = (execArgv: string[]): Worker => fromSources
    ? new Worker(new URL('./tsx-worker.node.mjs', import.meta.url), {
      execArgv,
      workerData: { entry: new URL('./matmul-worker.node.ts', import.meta.url).href },
    })
    : new Worker(new URL('./matmul-worker.node.js', import.meta.url), { execArgv });
  // NOTE: a worker is given the process's Node options, but refuses to start with --input-type
  // (legal only for `node -e`/stdin scripts), with V8 options (--max-old-space-size, --stack-size,
  // --single-threaded-gc: process-wide, they apply to it anyway) and with options of the process
  // (--title). Those refusals once left the kernels on one thread without a word whenever node ran
  // with, say, --max-old-space-size: then only the options that load modules are passed on.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  let worker: Worker;
  try {
    worker = start(execArgv);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    worker = start(moduleOptions(execArgv));
  }
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

/** Options that load modules (each with its value, `--import=x` or `--import x`): what a worker needs of the process's. */
export function moduleOptions(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    const name = a.split('=')[0]!;
    if (!LOADING.has(name)) continue;
    out.push(a);
    if (!a.includes('=') && i + 1 < execArgv.length) out.push(execArgv[++i]!);
  }
  return out;
}

const LOADING = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/** Logical CPUs this process may use (Node 20 has no `navigator.hardwareConcurrency`). */
export function hardwareThreads(): number {
  return availableParallelism();
}
