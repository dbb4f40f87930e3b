// Development-only bootstrap: Node 20 cannot start a worker thread on a .ts file even under tsx,
// so when the library runs from its TypeScript sources (tests, benchmarks) spawn.node.ts starts
// this file, which registers tsx inside the worker and then imports the real .ts entry.
// The built package (dist/) starts matmul-worker.node.js directly and never uses this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
