// Run by wasm.test.ts in a child process: matmul before and after initKernels (default threads), then
// fall off the end. The process must exit by itself (workers are unref'd).
import { matmul } from './matmul.js';
import { initKernels } from './kernel-state.js';

const n = 160;
const a = new Float64Array(n * n).map((_, i) => Math.sin(i));
const b = new Float64Array(n * n).map((_, i) => Math.cos(i));
const first = new Float64Array(n * n);
matmul(a, b, first, n, n, n);
// NOTE: the default ('auto'): in Node, one thread per logical CPU up to 4.
const info = await initKernels();
const second = new Float64Array(n * n);
matmul(a, b, second, n, n, n);
const same = first.every((v, i) => Object.is(v, second[i]));
console.log(`same ${same} threads ${info.threads} exit`);
