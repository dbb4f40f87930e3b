// Entry of a Node worker thread that serves matmul jobs on shared WebAssembly memory.
import { parentPort } from 'node:worker_threads';
import { serveMatmul } from './worker-loop.js';
import type { WorkerSetup } from './worker-loop.js';

parentPort?.once('message', (setup: WorkerSetup) => {
  serveMatmul(setup, (reply) => parentPort?.postMessage(reply));
  parentPort?.close();
});
