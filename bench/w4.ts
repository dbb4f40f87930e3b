// W4 of `npm run bench`: the user's path end to end — `backprop train` then `backprop eval` as
// commands — on Fashion-MNIST (60,000 + 10,000 images), read from the IDX files and from CSV,
// against PyTorch and scikit-learn's MLPClassifier (bench/w4.py) on the same split in the same run.
//
//   784-128-64-10, ReLU/softmax/cross-entropy, Adam 1e-3, batch 64, float32, 10 epochs (1 with
//   --quick), inputs standardised with the training images' statistics, seed 1.
//
// Figures per run: load seconds (backprop: the `read … in X s` line of train; Python: numpy from
// the IDX files, pandas.read_csv for CSV), train seconds (backprop: the train command's wall time
// less its reading; Python: standardising, training and the test forward pass), peak memory of the
// process (GNU time's maximum resident set; backprop: the train command), test accuracy (backprop:
// `eval --json` on the test files). Skipped with a note when the data is not installed.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maybeGunzip } from '../src/data/chunks.js';
import { fileChunks } from '../src/data/files.node.js';
import { readIdx } from '../src/data/idx.js';
import { KEEP_MEMORY, pythonEnv } from './python-env.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PY = '/usr/bin/python3';
const TIME = '/usr/bin/time';

/** One W4 measurement. */
export interface W4Result {
  peer: string;
  source: 'idx' | 'csv';
  loadSeconds: number;
  trainSeconds: number;
  peakMB: number | null;
  accuracy: number;
}

/** The Fashion-MNIST directory (BACKPROP_FASHION_MNIST or Debian's), or null. */
function dataDir(): string | null {
  for (const d of [process.env.BACKPROP_FASHION_MNIST, '/usr/share/datasets/fashion-mnist']) {
    if (d && existsSync(join(d, 'train-images-idx3-ubyte.gz'))) return d;
  }
  return null;
}

/** Writes Fashion-MNIST as CSV (label, pixel1 … pixel784, as the common Kaggle files), once. */
async function writeCsv(dir: string, out: string): Promise<void> {
  for (const [part, stem] of [['train', 'train'], ['test', 't10k']] as const) {
    const path = join(out, `fashion-mnist_${part}.csv`);
    if (existsSync(path)) continue;
    const file = (n: string): AsyncIterable<Uint8Array> => maybeGunzip(fileChunks(join(dir, n)), n);
    const images = await readIdx(file(`${stem}-images-idx3-ubyte.gz`), { dtype: 'int32' });
    const labels = await readIdx(file(`${stem}-labels-idx1-ubyte.gz`), { dtype: 'int32' });
    const fd = openSync(`${path}.tmp`, 'w');
    writeSync(fd, `label,${Array.from({ length: 784 }, (_, j) => `pixel${j + 1}`).join(',')}\n`);
    const rows = labels.shape[0]!;
    for (let i = 0; i < rows; i += 1000) {
      const lines: string[] = [];
      for (let r = i; r < Math.min(rows, i + 1000); r++) lines.push(`${labels.data[r]},${Array.from(images.data.subarray(r * 784, (r + 1) * 784)).join(',')}`);
      writeSync(fd, lines.join('\n') + '\n');
    }
    closeSync(fd);
    (await import('node:fs')).renameSync(`${path}.tmp`, path);
  }
}

/** Runs a command under GNU time; its stdout, stderr, wall seconds and peak resident MB. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): { out: string; err: string; seconds: number; peakMB: number | null; status: number | null } {
  const useTime = existsSync(TIME);
  const t0 = performance.now();
  const r = useTime
    ? spawnSync(TIME, ['-f', '@@peak %M', cmd, ...args], { cwd: root, env, encoding: 'utf8', timeout: 3600_000, maxBuffer: 64 << 20 })
    : spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', timeout: 3600_000, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const peak = /@@peak (\d+)/.exec(r.stderr ?? '');
  return { out: r.stdout ?? '', err: r.stderr ?? '', seconds, peakMB: peak ? Number(peak[1]) / 1024 : null, status: r.status };
}

/**
 * Runs W4 and returns its table lines and results; notes say what was skipped or failed.
 *
 * @example
 * ```ts
 * const { lines } = await runW4({ quick: false, notes });
 * ```
 */
export async function runW4(options: { quick: boolean; notes: string[] }): Promise<{ lines: string[]; results: W4Result[] }> {
  const { notes } = options;
  const dir = dataDir();
  if (!dir) {
    notes.push('W4 skipped: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist, or set BACKPROP_FASHION_MNIST to a directory of its *-ubyte.gz files)');
    return { lines: [], results: [] };
  }
  const out = join(here, 'out');
  mkdirSync(out, { recursive: true });
  await writeCsv(dir, out);
  const epochs = options.quick ? 1 : 10;
  const env = { ...process.env, BACKPROP_FASHION_MNIST: dir };
  const cli = existsSync(join(root, 'dist/cli/bin.js')) ? [join(root, 'dist/cli/bin.js')] : ['--import', 'tsx', join(root, 'src/cli/bin.ts')];
  const common = ['--layers', '784,128,64,10', '--activation', 'relu', '--output', 'softmax', '--loss', 'cross_entropy', '--optimizer', 'adam', '--lr', '0.001', '--batch-size', '64', '--dtype', 'float32', '--epochs', String(epochs), '--scale', 'standardize', '--seed', '1'];
  const csv = (part: string): string => join(out, `fashion-mnist_${part}.csv`);
  const sources = {
    idx: { train: ['--data', 'fashion-mnist'], eval: ['--data', 'fashion-mnist'] },
    csv: { train: ['--data', csv('train'), '--target', 'label', '--test-data', csv('test')], eval: ['--data', csv('test')] },
  };
  const results: W4Result[] = [];
  for (const source of ['idx', 'csv'] as const) {
    const model = join(out, `w4-${source}.json`);
    const t = timed(process.execPath, [...cli, 'train', ...sources[source].train, ...common, '--out', model], env);
    const read = /^read .* in (\d+\.\d+) s$/m.exec(t.out);
    if (t.status !== 0 || !read) {
      notes.push(`W4 backprop ${source} train failed (exit ${t.status}: ${t.err.trim().split('\n').slice(-2).join(' | ')})`);
      continue;
    }
    const e = timed(process.execPath, [...cli, 'eval', model, ...sources[source].eval, '--json'], env);
    if (e.status !== 0) {
      notes.push(`W4 backprop ${source} eval failed (exit ${e.status}: ${e.err.trim().split('\n').slice(-2).join(' | ')})`);
      continue;
    }
    const loadSeconds = Number(read[1]);
    results.push({ peer: 'backprop', source, loadSeconds, trainSeconds: t.seconds - loadSeconds, peakMB: t.peakMB, accuracy: JSON.parse(e.out.trim()).accuracy });
    console.error(`  backprop   W4 ${source}  load ${loadSeconds.toFixed(2)} s, train ${(t.seconds - loadSeconds).toFixed(1)} s`);
  }
  const py = (lib: string, source: string): void => {
    // NOTE: the Python peers as run.ts runs them at their best: glibc keeping memory, OpenBLAS on its own core type (see python-env.ts).
    const r = timed(PY, [join(here, 'w4.py'), '--lib', lib, '--source', source, '--dir', dir, '--csv-dir', out, '--epochs', String(epochs)], pythonEnv(KEEP_MEMORY, env));
    const line = r.out.split('\n').find((l) => l.startsWith('@@'));
    if (r.status !== 0 || !line) {
      notes.push(`W4 ${lib} ${source} failed (exit ${r.status}: ${r.err.trim().split('\n').slice(-2).join(' | ')})`);
      return;
    }
    const m = JSON.parse(line.slice(2)) as W4Result;
    results.push({ ...m, peakMB: r.peakMB ?? m.peakMB });
    console.error(`  ${m.peer.padEnd(10)} W4 ${source}  load ${m.loadSeconds.toFixed(2)} s, train ${m.trainSeconds.toFixed(1)} s`);
  };
  const has = (module: string): boolean => spawnSync(PY, ['-c', `import ${module}`]).status === 0;
  if (has('torch')) {
    py('torch', 'idx');
    if (has('pandas')) py('torch', 'csv');
    else notes.push('W4 PyTorch from CSV skipped: pandas is not installed (apt-get install python3-pandas)');
  } else notes.push(`W4 PyTorch skipped: ${PY} cannot import torch`);
  if (has('sklearn')) py('sklearn', 'idx');
  else notes.push(`W4 scikit-learn skipped: ${PY} cannot import sklearn`);
  return { lines: table(results, epochs), results };
}

function table(results: W4Result[], epochs: number): string[] {
  const torch = (source: string): W4Result | undefined => results.find((r) => r.peer === 'pytorch' && r.source === source);
  const lines = [
    `W4: Fashion-MNIST 60,000 + 10,000, 784-128-64-10, Adam 1e-3, batch 64, float32, ${epochs} epoch${epochs > 1 ? 's' : ''}, standardised inputs; (r×) = backprop / PyTorch on the same source`,
    '| source | peer | load (s) | train (s) | peak memory (MB) | test accuracy |',
    '|---|---|---|---|---|---|',
  ];
  const ratio = (a: number | null, b: number | null | undefined): string => (a !== null && b !== null && b !== undefined && b > 0 ? ` (${(a / b).toFixed(2)}×)` : '');
  for (const r of results) {
    const t = r.peer === 'backprop' ? torch(r.source) : undefined;
    lines.push(
      `| ${r.source} | ${r.peer} | ${r.loadSeconds.toFixed(2)}${ratio(r.loadSeconds, t?.loadSeconds)} | ${r.trainSeconds.toFixed(1)}${ratio(r.trainSeconds, t?.trainSeconds)} | ${r.peakMB === null ? '—' : r.peakMB.toFixed(0)}${ratio(r.peakMB, t?.peakMB)} | ${(100 * r.accuracy).toFixed(2)} %${t ? ` (${(100 * (r.accuracy - t.accuracy)).toFixed(2)} points)` : ''} |`,
    );
  }
  for (const r of results.filter((x) => x.peer === 'backprop')) {
    const t = torch(r.source);
    if (!t) continue;
    const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
    lines.push(
      `W4 ${r.source} targets: train ≤ PyTorch's ${verdict(r.trainSeconds <= t.trainSeconds)}, load ≤ 2× ${r.source === 'csv' ? "pandas'" : "numpy's"} ${verdict(r.loadSeconds <= 2 * t.loadSeconds)}, ` +
        `peak memory ≤ PyTorch's ${r.peakMB !== null && t.peakMB !== null ? verdict(r.peakMB <= t.peakMB) : 'not measured'}, accuracy within 0.5 points ${verdict(Math.abs(r.accuracy - t.accuracy) <= 0.005)}`,
    );
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const notes: string[] = [];
  const { lines } = await runW4({ quick: process.argv.includes('--quick'), notes });
  console.log([...lines, ...notes.map((n) => `note: ${n}`)].join('\n'));
}
