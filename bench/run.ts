// `npm run bench [-- --quick] [-- --rounds N]`: W1, W2 and W3 for backprop and its peers, back to
// back in one run, each (peer, workload) in a fresh process, the whole list twice in a full run
// (once in --quick); prints the table, writes bench/results.json and the scaling plot
// bench/scaling.svg. Not part of `npm test`.
//
//   W1  seed network 3-2-2 sigmoid, ½·SSE, SGD lr 0.5: one step (forward + backward + update), µs
//   W2  MNIST 784-128-64-10 ReLU/softmax/CE, Adam 1e-3, batch 64, float32, 8,000 digits: s per epoch
//   W3  float32 matmul n = 512: GFLOP/s
//   W4  the CLI end to end (train, eval) on Fashion-MNIST from IDX and CSV vs PyTorch, scikit-learn (bench/w4.ts)
//
// Peers: TF.js (cpu and wasm backends) and brain.js from devDependencies; numpy and PyTorch when
// /usr/bin/python3 can import them (skipped with a note otherwise).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistF32 } from './mnist-data.js';
import { summarize, type Figure, type Measurement } from './stats.js';
import { renderSvg, type Panel, type Series } from './svg.js';
import { runW4 } from './w4.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const quick = process.argv.includes('--quick');
// Full runs go through the whole list twice: on a shared machine whose speed drifts over minutes,
// each peer then gets two separate chances, and its figure is the median of both rounds' repetitions.
const rounds = process.argv.includes('--rounds') ? Math.max(1, Number(process.argv[process.argv.indexOf('--rounds') + 1])) : quick ? 1 : 2;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : null;
const PY = '/usr/bin/python3';
const started = Date.now();

if (process.argv.includes('--replot')) {
  // Redraw bench/scaling.svg from bench/results.json (after a change to the plot only).
  const saved = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')) as { date: string; mode: string; machine: { cores: number; cpu: string; node: string; loadAverageBefore: number[] }; scaling: Record<string, unknown> };
  const m = saved.machine;
  plot(saved.scaling, `backprop ${saved.date.slice(0, 16)} · ${m.cores} × ${m.cpu} · Node ${m.node} · ${saved.mode} run · load ${m.loadAverageBefore[0]!.toFixed(1)}`);
  process.exit(0);
}

/** Targets of the speed issue, and which direction is better. */
const WORKLOADS = [
  { name: 'W1', unit: 'µs', lowerIsBetter: true, target: 0.3, versus: ['brain.js', 1], what: 'seed net 3-2-2, one SGD step, float64 (brain.js: float32)' },
  { name: 'W2', unit: 's/epoch', lowerIsBetter: true, target: 0.15, versus: ['tfjs-wasm', 10], what: 'MNIST 784-128-64-10, Adam, batch 64, float32' },
  { name: 'W3', unit: 'GFLOP/s', lowerIsBetter: false, target: 60, versus: ['tfjs-wasm', 2], what: 'float32 matmul n = 512' },
] as const;

interface Job {
  peer: string;
  workload: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

const notes: string[] = [];
const tsx = (file: string, ...args: string[]): { cmd: string; args: string[] } => ({ cmd: process.execPath, args: ['--import', 'tsx', join(here, file), ...args, ...(quick ? ['--quick'] : [])] });

function pythonHas(module: string): boolean {
  const r = spawnSync(PY, ['-c', `import ${module}`], { encoding: 'utf8' });
  return r.status === 0;
}

/** The Python environment for the peers: OpenBLAS core-type overrides removed (they slow a current numpy). */
function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (env.OPENBLAS_CORETYPE !== undefined || env.OPENBLAS_L2_SIZE !== undefined) {
    notes.push(`OPENBLAS_CORETYPE=${env.OPENBLAS_CORETYPE ?? ''} and OPENBLAS_L2_SIZE=${env.OPENBLAS_L2_SIZE ?? ''} were set; unset for the Python peers only`);
  }
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function jobs(): Job[] {
  const list: Job[] = [];
  const hasNumpy = pythonHas('numpy');
  const hasTorch = pythonHas('torch');
  if (!hasNumpy) notes.push(`numpy skipped: ${PY} cannot import numpy`);
  if (!hasTorch) notes.push(`PyTorch skipped: ${PY} cannot import torch`);
  const env = pythonEnv();
  for (const w of ['W1', 'W2', 'W3']) {
    list.push({ peer: 'backprop', workload: w, ...tsx('backprop.ts', '--workload', w) });
    for (const b of ['cpu', 'wasm']) list.push({ peer: `tfjs-${b}`, workload: w, ...tsx('tfjs.ts', '--backend', b, '--workload', w) });
    if (w !== 'W3') list.push({ peer: 'brain.js', workload: w, ...tsx('brain.ts', '--workload', w) });
    const py = (lib: string): string[] => [join(here, 'peers.py'), '--lib', lib, '--workload', w, '--data', join(here, 'out'), ...(quick ? ['--quick'] : [])];
    if (hasNumpy) list.push({ peer: 'numpy', workload: w, cmd: PY, args: py('numpy'), env });
    if (hasTorch) list.push({ peer: 'pytorch', workload: w, cmd: PY, args: py('torch'), env });
  }
  for (const s of ['scaling-batch', 'scaling-width', 'scaling-n']) list.push({ peer: 'backprop', workload: s, ...tsx('backprop.ts', '--workload', s) });
  return only ? list.filter((j) => only.includes(j.workload) || only.includes(j.peer)) : list;
}

function run(job: Job): Measurement | null {
  const t0 = Date.now();
  const r = spawnSync(job.cmd, job.args, { cwd: root, encoding: 'utf8', env: job.env ?? process.env, timeout: (quick ? 120 : 900) * 1000, maxBuffer: 64 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@'));
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (!line) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
    notes.push(`${job.peer} ${job.workload} failed (${why})`);
    console.error(`  ${job.peer.padEnd(10)} ${job.workload.padEnd(14)} FAILED in ${secs} s: ${why}`);
    return null;
  }
  const m = JSON.parse(line.slice(2)) as Measurement;
  console.error(`  ${job.peer.padEnd(10)} ${job.workload.padEnd(14)} ${m.workload.startsWith('scaling') ? '' : `${fmt(m.figure.median)} ${m.unit}`} (${secs} s)`);
  return m;
}

/**
 * One measurement per (peer, workload): the repetitions of every round pooled into one figure
 * (also for figures among the extras, such as W2's `throughFit`), with each round's median kept.
 */
function pool(all: Measurement[]): Measurement[] {
  const out: Measurement[] = [];
  for (const m of all) {
    const first = out.find((o) => o.peer === m.peer && o.workload === m.workload);
    if (!first) {
      out.push({ ...m, figure: { ...m.figure }, extra: { ...m.extra, roundMedians: [m.figure.median] } });
      continue;
    }
    first.figure = merged(first.figure, m.figure);
    (first.extra!.roundMedians as number[]).push(m.figure.median);
    for (const [key, value] of Object.entries(m.extra ?? {})) {
      const before = first.extra![key] as Figure | undefined;
      if (isFigure(value) && isFigure(before)) first.extra![key] = { ...before, ...merged(before, value) };
    }
  }
  return out;
}

function isFigure(v: unknown): v is Figure {
  return typeof v === 'object' && v !== null && Array.isArray((v as Figure).values);
}

function merged(a: Figure, b: Figure): Figure {
  return a.values && b.values ? summarize([...a.values, ...b.values]) : a;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

// ---------------------------------------------------------------- run

mkdirSync(join(here, 'out'), { recursive: true });
const data = mnistF32();
const raw = (name: string, a: Float32Array | Int32Array): void => writeFileSync(join(here, 'out', name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
raw('train-x.f32', data.trainX);
raw('train-y.f32', data.trainY);
raw('test-x.f32', data.testX);
raw('test-labels.i32', data.testLabels);

const loadBefore = loadavg();
console.error(`bench${quick ? ' --quick' : ''}: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')}`);
const measured: Measurement[] = [];
const list = jobs();
for (let round = 1; round <= rounds; round++) {
  if (rounds > 1) console.error(`round ${round} of ${rounds}`);
  for (const job of list) {
    if (round > 1 && job.workload.startsWith('scaling')) continue; // the plot needs one pass
    const m = run(job);
    if (m) measured.push(m);
  }
}
const results = pool(measured);
const loadAfter = loadavg();

// ---------------------------------------------------------------- table

const peers = ['backprop', 'tfjs-cpu', 'tfjs-wasm', 'brain.js', 'numpy', 'pytorch'];
const get = (peer: string, w: string): Measurement | undefined => results.find((m) => m.peer === peer && m.workload === w);
const lines: string[] = [];
lines.push(`| workload | ${peers.join(' | ')} |`);
lines.push(`|---|${peers.map(() => '---').join('|')}|`);
for (const w of WORKLOADS) {
  const mine = get('backprop', w.name);
  const cells = peers.map((p) => {
    const m = get(p, w.name);
    if (!m) return '—';
    const f = m.figure;
    const range = `${fmt(f.min)}–${fmt(f.max)}`;
    const ratio = p !== 'backprop' && mine ? ` (${fmt(f.median / mine.figure.median)}×)` : '';
    const acc = w.name === 'W2' && typeof m.extra?.accuracy === 'number' ? `, acc ${(100 * (m.extra.accuracy as number)).toFixed(1)} %` : '';
    return `${fmt(f.median)} [${range}]${ratio}${acc}`;
  });
  lines.push(`| ${w.name} (${w.unit}) | ${cells.join(' | ')} |`);
}
const verdicts = WORKLOADS.map((w) => {
  const m = get('backprop', w.name);
  if (!m) return `${w.name}: not measured`;
  const ok = w.lowerIsBetter ? m.figure.median <= w.target : m.figure.median >= w.target;
  const line = `${w.name} target ${w.lowerIsBetter ? '≤' : '≥'} ${w.target} ${w.unit}: ${ok ? 'met' : 'NOT met'} (median ${fmt(m.figure.median)})`;
  // The issue's targets are also ratios to a peer (measured on a faster day of this machine): check them in this run.
  const [peer, times] = w.versus;
  const other = get(peer, w.name);
  if (!other) return `${line}; ${peer} not measured`;
  const ratio = w.lowerIsBetter ? other.figure.median / m.figure.median : m.figure.median / other.figure.median;
  const relOk = times === 1 ? ratio > 1 : ratio >= times;
  return `${line}; ${times === 1 ? `faster than ${peer}` : `≥ ${times}× ${peer}`} in this run: ${relOk ? 'met' : 'NOT met'} (${fmt(ratio)}×)`;
});
const viaFit = get('backprop', 'W2')?.extra?.throughFit as { median: number; min: number; max: number; accuracy: number } | undefined;
const table = [
  'median [min–max] over the repetitions; (r×) = peer / backprop (for µs and s/epoch, r > 1 means backprop is faster; for GFLOP/s, r < 1 does)',
  ...lines,
  ...(viaFit ? [`W2 backprop through fit() (its per-step checks included): ${fmt(viaFit.median)} [${fmt(viaFit.min)}–${fmt(viaFit.max)}] s/epoch, acc ${(100 * viaFit.accuracy).toFixed(1)} %`] : []),
  ...verdicts,
  `load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadAfter.map((v) => v.toFixed(2)).join(' ')}`,
  ...notes.map((n) => `note: ${n}`),
].join('\n');
console.log(table);
// W4 (bench/w4.ts): the CLI end to end on Fashion-MNIST, with its own table and notes.
const w4Notes: string[] = [];
const w4 = !only || only.includes('W4') ? await runW4({ quick, notes: w4Notes }) : null;
if (w4) console.log(['', ...w4.lines, ...w4Notes.map((n) => `note: ${n}`)].join('\n'));

// ---------------------------------------------------------------- results.json and the plot

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${osType()} ${release()}`,
  node: process.version,
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
};
const scaling = Object.fromEntries(results.filter((m) => m.workload.startsWith('scaling')).map((m) => [m.workload, m.extra]));
const out = {
  date: new Date().toISOString(),
  machine,
  mode: quick ? 'quick' : 'full',
  seconds: (Date.now() - started) / 1000,
  workloads: WORKLOADS.map((w) => ({
    name: w.name,
    unit: w.unit,
    description: w.what,
    target: w.target,
    results: Object.fromEntries(peers.flatMap((p) => { const m = get(p, w.name); return m ? [[p, m.figure.median]] : []; })),
    details: Object.fromEntries(peers.flatMap((p) => { const m = get(p, w.name); return m ? [[p, { ...m.figure, ...m.extra }]] : []; })),
  })),
  scaling,
  ...(w4 && { w4: w4.results }),
  notes: [...notes, ...w4Notes],
};
writeFileSync(join(here, 'results.json'), JSON.stringify(out, null, 2) + '\n');

const plotted = plot(scaling, `backprop ${out.date.slice(0, 16)} · ${machine.cores} × ${machine.cpu} · Node ${machine.node} · ${quick ? 'quick' : 'full'} run · load ${loadBefore[0]!.toFixed(1)}`);
console.error(`bench: ${((Date.now() - started) / 1000).toFixed(0)} s; wrote bench/results.json${plotted ? ' and bench/scaling.svg' : ''}`);

/** Writes bench/scaling.svg from the scaling results; false when there are none. */
function plot(scaling: Record<string, unknown>, caption: string): boolean {
  type Point = { x: number; median: number; min: number; max: number };
  const panels: Panel[] = [];
  const sb = scaling['scaling-batch'] as { points: Point[] } | undefined;
  if (sb) panels.push({ title: 'MNIST epoch time vs batch size', xLabel: 'batch size', yLabel: 's per epoch', logX: true, logY: true, xTicks: [1, 4, 16, 64, 256], series: [{ name: '784-128-64-10, Adam, float32', points: sb.points.map((q) => ({ x: q.x, y: q.median, lo: q.min, hi: q.max })) }] });
  const sw = scaling['scaling-width'] as { points: Point[] } | undefined;
  if (sw) panels.push({ title: 'MNIST epoch time vs hidden width', xLabel: 'H (784-H-H/2-10, batch 64)', yLabel: 's per epoch', logX: true, logY: true, xTicks: [32, 64, 128, 256, 512, 1024], series: [{ name: 'Adam, float32', points: sw.points.map((q) => ({ x: q.x, y: q.median, lo: q.min, hi: q.max })) }] });
  const sn = scaling['scaling-n'] as { paths: string[]; points: Record<string, unknown>[] } | undefined;
  if (sn) {
    const series: Series[] = sn.paths.map((p) => ({
      name: p === 'ts' ? 'TypeScript' : p === 'wasm' ? 'WASM SIMD, 1 thread' : p === 'threads' ? 'WASM SIMD, threads' : 'auto (library default)',
      points: sn.points.filter((q) => q[p] !== undefined).map((q) => { const f = q[p] as Point; return { x: q.x as number, y: f.median, lo: f.min, hi: f.max }; }),
    }));
    panels.push({ title: 'float32 matmul n×n×n', xLabel: 'n', yLabel: 'GFLOP/s', logX: true, logY: true, xTicks: [128, 256, 512, 1024], series });
  }
  if (panels.length > 0) writeFileSync(join(here, 'scaling.svg'), renderSvg(panels, caption) + '\n');
    return panels.length > 0;
  }
