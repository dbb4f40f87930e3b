// backprop's built dist/ under Deno (the runtime of the notebooks' kernel, from npm's `deno`
// package): the WebAssembly SIMD kernels load, relaxed SIMD is on, two worker threads start on a
// shared memory, and the float64 products of the WASM and threaded paths are bit-identical to the
// reference loop — the promise the notebooks rely on, tested rather than assumed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { denoBinary, root } from '../scripts/notebook/jupyter.js';

const cache = mkdtempSync(join(tmpdir(), 'backprop-deno-'));
after(() => rmSync(cache, { recursive: true, force: true }));

const dist = (p: string): string => pathToFileURL(join(root, 'dist', p)).href;
const SCRIPT = `
import { initKernels, kernelInfo, shutdownKernels, Rng, seedNetwork, tensor } from ${JSON.stringify(dist('index.js'))};
import { matmulVia } from ${JSON.stringify(dist('kernels/matmul.js'))};
import { matmulRef } from ${JSON.stringify(dist('kernels/matmul-ref.js'))};
await initKernels({ threads: 2 });
const rng = new Rng(7);
const [m, k, n] = [192, 160, 176];
const a = Float64Array.from({ length: m * k }, () => rng.normal(0, 1));
const b = Float64Array.from({ length: k * n }, () => rng.normal(0, 1));
const ref = new Float64Array(m * n);
matmulRef(a, b, ref, m, k, n, false, false, false);
const differ = {};
for (const path of ['wasm', 'threads']) {
  const c = new Float64Array(m * n);
  matmulVia(path, a, b, c, m, k, n, false, false, false);
  differ[path] = c.findIndex((v, i) => !Object.is(v, ref[i]));
}
const y = seedNetwork().forward(tensor([[1, 2, 3]])).toArray();
console.log(JSON.stringify({ info: kernelInfo(), differ, y, deno: typeof Deno === 'object' ? Deno.version.deno : null }));
await shutdownKernels();
`;

test('under Deno the built library runs with WASM SIMD, relaxed SIMD and two worker threads, and gives the same bits', { timeout: 120_000 }, () => {
  const r = spawnSync(denoBinary(), ['eval', SCRIPT], {
    cwd: root,
    encoding: 'utf8',
    timeout: 110_000,
    env: { ...process.env, DENO_DIR: cache, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  assert.equal(r.status, 0, `deno eval failed: ${r.stderr || r.error?.message}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    info: { wasm: boolean; reason: string; simd: boolean; relaxedSimd: boolean; sharedMemory: boolean; threads: number; syncThreads: boolean; threadError: string };
    differ: Record<string, number>;
    y: number[][];
    deno: string | null;
  };
  console.log(`# Deno ${out.deno}: ${JSON.stringify(out.info)}`);
  assert.match(out.deno ?? '', /^\d+\.\d+\.\d+/, 'ran in Deno');
  assert.deepEqual(out.info, { wasm: true, reason: '', simd: true, relaxedSimd: true, sharedMemory: true, threads: 2, syncThreads: true, threadError: '' });
  assert.deepEqual(out.differ, { wasm: -1, threads: -1 }, 'float64 products bit-identical to the reference loop, on one thread and on two');
  assert.deepEqual(out.y, [[0.8610339864424298, 0.7587912922319807]], 'the seed network\'s outputs');
});
