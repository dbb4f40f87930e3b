// Child process of test/faults.test.ts: saves two large model files alternately, forever, with
// writeFileAtomic, until the parent kills it with SIGKILL. `versionText(v)` is shared with the
// parent so that it can tell a complete version from a torn one.
import { writeFileAtomic } from '../src/io/atomic-write.node.js';

/** A 3-layer model file of ~1.5 MB whose every number depends on the version `v` (0 or 1). */
export function versionText(v: number): string {
  const layer = (rows: number, cols: number, k: number) => ({
    type: 'dense',
    activation: 'tanh',
    weights: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => Math.sin(v * 1000 + k * 7 + r * cols + c))),
    bias: Array.from({ length: rows }, (_, r) => v + r / rows),
  });
  return JSON.stringify({ format: 'backprop-model', version: 1, dtype: 'float64', loss: 'mse', layers: [layer(200, 150, 1), layer(150, 200, 2), layer(3, 150, 3)] }) + '\n';
}

if (process.argv[2] === '--write-loop') {
  const target = process.argv[3]!;
  const texts = [Buffer.from(versionText(0)), Buffer.from(versionText(1))];
  let v = 1;
  let writes = 0;
  for (;;) {
    writeFileAtomic(target, texts[v]!);
    writes++;
    if (writes === 1) process.stdout.write('ready\n');
    v = 1 - v;
  }
}
