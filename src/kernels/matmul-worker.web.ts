// Entry of a Web Worker (module worker) that serves matmul jobs on shared WebAssembly memory.
import { serveMatmul } from './worker-loop.js';
import type { WorkerSetup, WorkerReply } from './worker-loop.js';

const scope = globalThis as unknown as {
  onmessage: ((ev: { data: WorkerSetup }) => void) | null;
  postMessage(reply: WorkerReply): void;
  close(): void;
};
scope.onmessage = (ev) => {
  scope.onmessage = null;
  serveMatmul(ev.data, (reply) => scope.postMessage(reply));
  scope.close();
};
