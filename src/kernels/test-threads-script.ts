// Run by wasm.test.ts in a child process started with V8 options (which Node refuses to pass on to
// a worker thread): prints the kernels' info after initKernels({ threads: 2 }) as JSON.
import { initKernels } from './kernel-state.js';

console.log(JSON.stringify(await initKernels({ threads: 2 })));
