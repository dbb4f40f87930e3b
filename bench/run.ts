// `npm run bench [-- --quick] [-- --rounds N] [-- --only W2,numpy] [-- --record]`: W1–W6 for
// backprop and its peers, back to back in one run, each (peer, workload, configuration) in a
// fresh process, the whole list twice in a full run (once in --quick); prints the table with the
// load average and the spread. Writes bench/out/results.json and bench/out/scaling.svg; with
// --record, the tracked bench/results.json and bench/scaling.svg instead. Not part of `npm test`.
//
//   W1  seed network 3-2-2 sigmoid, ½·SSE, SGD lr 0.5: one step (forward + backward + update), µs
//   W2  MNIST 784-128-64-10 ReLU/softmax/CE, Adam 1e-3, batch 64, float32, 8,000 digits: s per epoch
//       (backprop: through fit, the loop users run)
//   W3  float32 matmul n = 512: GFLOP/s
//   W4  the CLI end to end (train, eval) on Fashion-MNIST from IDX and CSV vs PyTorch, scikit-learn (bench/w4.ts)
//   W5  scikit-learn's digits 64-128-64-10, Adam 1e-3, batch 32, 50 epochs, float32: s for the 50
//   W6  W2 trained in headless Chromium in a Web Worker (cross-origin isolated): s per epoch
//
// Peers: TF.js (cpu and wasm backends) and brain.js from devDependencies; numpy, PyTorch and
// scikit-learn when /usr/bin/python3 can import them (skipped with a note otherwise), each run in
// several configurations (BLAS threads, glibc's allocator settings) and reported at its best.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { digitsSplit } from './digits-data.js';
import { KEEP_MEMORY, pythonEnv } from './python-env.js';
import { mnistF32 } from './mnist-data.js';
import { summarize, type Figure, type Measurement } from './stats.js';
import { renderSvg, type Panel, type Series } from './svg.js';
import { runW4 } from './w4.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const scratch = join(here, 'out');
const quick = process.argv.includes('--quick');
const record = process.argv.includes('--record');
// Full runs go through the whole list twice: on a shared machine whose speed drifts over minutes,
// each peer then gets two separate chances, and its figure is the median of both rounds' repetitions.
const rounds = process.argv.includes('--rounds') ? Math.max(1, Number(process.argv[process.argv.indexOf('--rounds') + 1])) : quick ? 1 : 2;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : null;
const PY = '/usr/bin/python3';
const CHROMIUM = '/usr/bin/chromium';
const CORES = cpus().length;
const started = Date.now();
/** Where results.json and scaling.svg go: the tracked files only with --record. */
const outDir = record ? here : scratch;
if (record && (quick || only)) {
  // The tracked record is every workload of a full run: a subset or a quick pass would replace it with less.
  console.error(`bench: --record writes the run of record (every workload, full timings); run it without ${quick ? '--quick' : '--only'}`);
  process.exit(2);
}

if (process.argv.includes('--replot')) {
  // Redraw bench/scaling.svg from bench/results.json (after a change to the plot only).
  const saved = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')) as { date: string; mode: string; machine: { cores: number; cpu: string; node: string; loadAverageBefore: number[] }; scaling: Record<string, unknown> };
  const m = saved.machine;
  plot(saved.scaling, join(here, 'scaling.svg'), `backprop ${saved.date.slice(0, 16)} · ${m.cores} × ${m.cpu} · Node ${m.node} · ${saved.mode} run · load ${m.loadAverageBefore[0]!.toFixed(1)}`);
  process.exit(0);
}

/**
 * A target: backprop's figure against `peer`'s in the same run (on `workload`, default the same
 * one) must be at least `times` × better — r = peer / backprop for times, backprop / peer for
 * rates — so `times` 1 means "at least as fast", 10 "ten times as fast", 1/1.3 "within 1.3×".
 */
interface Versus {
  peer: string;
  times: number;
  workload?: string;
}

/** A workload of the table: its unit, which direction is better, and its targets. */
interface Workload {
  name: string;
  unit: string;
  lowerIsBetter: boolean;
  what: string;
  /** An absolute figure set by an earlier issue (checked, but the ratios measured in the same run are the targets that count). */
  target?: number;
  versus: Versus[];
}

const WORKLOADS: Workload[] = [
  { name: 'W1', unit: 'µs', lowerIsBetter: true, target: 0.3, versus: [{ peer: 'brain.js', times: 1 }], what: 'seed net 3-2-2, one SGD step, float64 (brain.js: float32)' },
  { name: 'W2', unit: 's/epoch', lowerIsBetter: true, target: 0.15, versus: [{ peer: 'numpy', times: 1 }, { peer: 'tfjs-wasm', times: 10 }], what: 'MNIST 784-128-64-10, Adam, batch 64, float32 (backprop: through fit)' },
  { name: 'W3', unit: 'GFLOP/s', lowerIsBetter: false, target: 60, versus: [{ peer: 'tfjs-wasm', times: 2 }], what: 'float32 matmul n = 512' },
  { name: 'W5', unit: 's', lowerIsBetter: true, versus: [{ peer: 'pytorch', times: 1 }], what: 'digits 64-128-64-10, Adam, batch 32, 50 epochs, float32 (backprop: through fit)' },
  { name: 'W6', unit: 's/epoch', lowerIsBetter: true, versus: [{ peer: 'tfjs-wasm', times: 10 }, { peer: 'backprop', workload: 'W2', times: 1 / 1.3 }], what: 'W2 in headless Chromium, in a Web Worker, cross-origin isolated (backprop: through fit)' },
];

interface Job {
  peer: string;
  workload: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** A named configuration of the peer (threads, allocator); the peer's figure is its best configuration's. */
  variant?: string;
}

const notes: string[] = [];
const tsx = (file: string, ...args: string[]): { cmd: string; args: string[] } => ({ cmd: process.execPath, args: ['--import', 'tsx', join(here, file), ...args, ...(quick ? ['--quick'] : [])] });

function pythonHas(module: string): boolean {
  const r = spawnSync(PY, ['-c', `import ${module}`], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * The configurations each Python peer runs in: as installed (OpenBLAS on every core, glibc's
 * defaults), and tuned as a competent user would try — OpenBLAS on one or two threads, memory
 * kept by the allocator; PyTorch also with two intra-op threads over a one-thread OpenBLAS.
 */
function pythonVariants(lib: string): Array<{ variant: string; env: Record<string, string>; args: string[] }> {
  const list = [
    { variant: 'as installed', env: {}, args: [] as string[] },
    { variant: 'BLAS 1 thread, memory kept', env: { OPENBLAS_NUM_THREADS: '1', ...KEEP_MEMORY }, args: [] },
    { variant: `BLAS ${CORES} threads, memory kept`, env: { OPENBLAS_NUM_THREADS: String(CORES), ...KEEP_MEMORY }, args: [] },
  ];
  if (lib === 'torch') list.push({ variant: `torch ${CORES} threads, BLAS 1, memory kept`, env: { OPENBLAS_NUM_THREADS: '1', ...KEEP_MEMORY }, args: ['--torch-threads', String(CORES)] });
  return list;
}

function jobs(): Job[] {
  const list: Job[] = [];
  const has = { numpy: pythonHas('numpy'), torch: pythonHas('torch'), sklearn: pythonHas('sklearn') };
  if (!has.numpy) notes.push(`numpy skipped: ${PY} cannot import numpy`);
  if (!has.torch) notes.push(`PyTorch skipped: ${PY} cannot import torch`);
  if (!has.sklearn) notes.push(`scikit-learn skipped: ${PY} cannot import sklearn`);
  if (process.env.OPENBLAS_CORETYPE !== undefined || process.env.OPENBLAS_L2_SIZE !== undefined) {
    notes.push(`OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? ''} and OPENBLAS_L2_SIZE=${process.env.OPENBLAS_L2_SIZE ?? ''} were set; unset for the Python peers only`);
  }
  const python = (peer: string, lib: string, w: string): Job[] => pythonVariants(lib).map((v) => ({
    peer, workload: w, cmd: PY, env: pythonEnv(v.env), variant: v.variant,
    args: [join(here, 'peers.py'), '--lib', lib, '--workload', w, '--data', scratch, '--variant', v.variant, ...v.args, ...(quick ? ['--quick'] : [])],
  }));
  for (const w of ['W1', 'W2', 'W3']) {
    list.push({ peer: 'backprop', workload: w, ...tsx('backprop.ts', '--workload', w) });
    for (const b of ['cpu', 'wasm']) list.push({ peer: `tfjs-${b}`, workload: w, ...tsx('tfjs.ts', '--backend', b, '--workload', w) });
    if (w !== 'W3') list.push({ peer: 'brain.js', workload: w, ...tsx('brain.ts', '--workload', w) });
    if (has.numpy) list.push(...python('numpy', 'numpy', w));
    if (has.torch) list.push(...python('pytorch', 'torch', w));
  }
  // Does backprop's or TF.js's process suffer glibc's giving memory back too? The same settings, recorded beside.
  list.push({ peer: 'backprop', workload: 'W2', variant: 'memory kept', env: { ...process.env, ...KEEP_MEMORY }, ...tsx('backprop.ts', '--workload', 'W2') });
  list.push({ peer: 'tfjs-cpu', workload: 'W2', variant: 'memory kept', env: { ...process.env, ...KEEP_MEMORY }, ...tsx('tfjs.ts', '--backend', 'cpu', '--workload', 'W2') });
  if (existsSync(join(scratch, 'digits-train-x.f32'))) {
    list.push({ peer: 'backprop', workload: 'W5', ...tsx('backprop.ts', '--workload', 'W5') });
    if (has.torch) list.push(...python('pytorch', 'torch', 'W5'));
    if (has.sklearn) list.push(...python('sklearn', 'sklearn', 'W5'));
  } else notes.push('W5 skipped: scikit-learn\'s digits.csv.gz not found (Debian package python3-sklearn)');
  if (existsSync(CHROMIUM)) list.push({ peer: 'browser', workload: 'W6', ...tsx('browser.ts') });
  else notes.push(`W6 skipped: no ${CHROMIUM} (Debian package chromium)`);
  for (const s of ['scaling-batch', 'scaling-width', 'scaling-n']) list.push({ peer: 'backprop', workload: s, ...tsx('backprop.ts', '--workload', s) });
  return only ? list.filter((j) => only.includes(j.workload) || only.includes(j.peer)) : list;
}

/** Runs one job; every `@@` line it prints is a measurement, stamped with the job's configuration and the load around it. */
function run(job: Job): Measurement[] {
  const t0 = Date.now();
  const load = loadavg()[0]!;
  const r = spawnSync(job.cmd, job.args, { cwd: root, encoding: 'utf8', env: job.env ?? process.env, timeout: (quick ? 180 : 900) * 1000, maxBuffer: 64 << 20 });
  const lines = (r.stdout ?? '').split('\n').filter((l) => l.startsWith('@@'));
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const label = `${job.peer}${job.variant ? ` (${job.variant})` : ''}`;
  if (lines.length === 0) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
    notes.push(`${label} ${job.workload} failed (${why})`);
    console.error(`  ${label.padEnd(44)} ${job.workload.padEnd(14)} FAILED in ${secs} s: ${why}`);
    return [];
  }
  const loadAfter = loadavg()[0]!;
  return lines.map((line) => {
    const m = JSON.parse(line.slice(2)) as Measurement;
    if (job.variant) m.extra = { ...m.extra, variant: job.variant };
    m.extra = { ...m.extra, load: [load, loadAfter] };
    console.error(`  ${`${m.peer}${job.variant ? ` (${job.variant})` : ''}`.padEnd(44)} ${m.workload.padEnd(14)} ${m.workload.startsWith('scaling') ? '' : `${fmt(m.figure.median)} ${m.unit}`} (${secs} s, load ${load.toFixed(1)}→${loadAfter.toFixed(1)})`);
    return m;
  });
}

/** The key a measurement pools under: peer, workload and configuration. */
const key = (m: Measurement): string => `${m.peer}\u0000${m.workload}\u0000${String(m.extra?.variant ?? '')}`;

/**
 * One measurement per (peer, workload, configuration): the repetitions of every round pooled into
 * one figure (also for figures among the extras, such as W2's `stepLoop`), with each round's
 * median and the load average around each round kept.
 */
function pool(all: Measurement[]): Measurement[] {
  const out = new Map<string, Measurement>();
  for (const m of all) {
    const first = out.get(key(m));
    if (!first) {
      out.set(key(m), { ...m, figure: { ...m.figure }, extra: { ...m.extra, roundMedians: [m.figure.median], loads: [m.extra?.load] } });
      continue;
    }
    first.figure = merged(first.figure, m.figure);
    (first.extra!.roundMedians as number[]).push(m.figure.median);
    (first.extra!.loads as unknown[]).push(m.extra?.load);
    for (const [k, value] of Object.entries(m.extra ?? {})) {
      const before = first.extra![k] as Figure | undefined;
      if (isFigure(value) && isFigure(before)) first.extra![k] = { ...before, ...merged(before, value) };
    }
  }
  return [...out.values()];
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

mkdirSync(scratch, { recursive: true });
const data = mnistF32();
const raw = (name: string, a: Float32Array | Int32Array): void => writeFileSync(join(scratch, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
raw('train-x.f32', data.trainX);
raw('train-y.f32', data.trainY);
raw('test-x.f32', data.testX);
raw('test-labels.i32', data.testLabels);
const digits = digitsSplit();
if (digits) {
  raw('digits-train-x.f32', digits.trainX);
  raw('digits-train-labels.i32', digits.trainLabels);
  raw('digits-test-x.f32', digits.testX);
  raw('digits-test-labels.i32', digits.testLabels);
}

const loadBefore = loadavg();
console.error(`bench${quick ? ' --quick' : ''}: ${CORES} × ${cpus()[0]?.model ?? '?'}, load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')}`);
const measured: Measurement[] = [];
const list = jobs();
for (let round = 1; round <= rounds; round++) {
  if (rounds > 1) console.error(`round ${round} of ${rounds}`);
  for (const job of list) {
    if (round > 1 && job.workload.startsWith('scaling')) continue; // the plot needs one pass
    measured.push(...run(job));
  }
}
const results = pool(measured);
const loadAfter = loadavg();

// ---------------------------------------------------------------- table

const peers = ['backprop', 'tfjs-cpu', 'tfjs-wasm', 'brain.js', 'numpy', 'pytorch', 'sklearn'];
const better = (w: Workload, a: number, b: number): boolean => (w.lowerIsBetter ? a < b : a > b);
const workloadOf = (name: string): Workload => WORKLOADS.find((w) => w.name === name) ?? { name, unit: '', lowerIsBetter: true, what: '', versus: [] };
/** Every configuration measured for a peer on a workload. */
const variants = (peer: string, w: string): Measurement[] => results.filter((m) => m.peer === peer && m.workload === w);
/**
 * A peer's figure: its best configuration for the peers (as a competent user would run it); for
 * backprop, the library as installed (the configuration without a variant name).
 */
function get(peer: string, w: string): Measurement | undefined {
  const all = variants(peer, w);
  if (peer === 'backprop') return all.find((m) => m.extra?.variant === undefined) ?? all[0];
  return all.reduce<Measurement | undefined>((best, m) => (best === undefined || better(workloadOf(w), m.figure.median, best.figure.median) ? m : best), undefined);
}
/** The largest 1-minute load average seen around a measurement's rounds. */
const maxLoad = (m: Measurement | undefined): number => Math.max(0, ...((m?.extra?.loads as Array<[number, number] | undefined> | undefined) ?? []).flatMap((l) => l ?? []));

const lines: string[] = [];
lines.push(`| workload | ${peers.join(' | ')} |`);
lines.push(`|---|${peers.map(() => '---').join('|')}|`);
for (const w of WORKLOADS) {
  const mine = get('backprop', w.name);
  if (!peers.some((p) => get(p, w.name))) continue;
  const cells = peers.map((p) => {
    const m = get(p, w.name);
    if (!m) return '—';
    const f = m.figure;
    const range = `${fmt(f.min)}–${fmt(f.max)}`;
    const ratio = p !== 'backprop' && mine ? ` (${fmt(f.median / mine.figure.median)}×)` : '';
    const acc = typeof m.extra?.accuracy === 'number' && w.name !== 'W1' ? `, acc ${(100 * (m.extra.accuracy as number)).toFixed(1)} %` : '';
    return `${fmt(f.median)} [${range}]${ratio}${acc}`;
  });
  lines.push(`| ${w.name} (${w.unit}) | ${cells.join(' | ')} |`);
}

/** Each target's verdict, saying when the machine was too busy for it to be a fair test. */
const verdicts = WORKLOADS.flatMap((w) => {
  const m = get('backprop', w.name);
  if (!m) return [];
  const out: string[] = [];
  const busy = (...ms: Array<Measurement | undefined>): string => {
    const load = Math.max(...ms.map(maxLoad));
    return load > CORES ? `; the machine was busy (load average up to ${load.toFixed(1)} on ${CORES} cores), so this is not a fair test` : '';
  };
  if (w.target !== undefined) {
    const ok = w.lowerIsBetter ? m.figure.median <= w.target : m.figure.median >= w.target;
    out.push(`${w.name} ${w.lowerIsBetter ? '≤' : '≥'} ${w.target} ${w.unit} (an earlier issue's figure): ${ok ? 'met' : 'not met'} (median ${fmt(m.figure.median)})${ok ? '' : busy(m)}`);
  }
  for (const v of w.versus) {
    const other = get(v.peer, v.workload ?? w.name);
    const what = v.times >= 1 ? (v.times === 1 ? `at least as fast as ${v.peer}` : `≥ ${fmt(v.times)}× ${v.peer}`) : `within ${fmt(1 / v.times)}× of ${v.peer}`;
    const label = `${w.name} ${what}${v.workload ? ` ${v.workload}` : ''}`;
    if (!other) {
      out.push(`${label}: ${v.peer} not measured`);
      continue;
    }
    const ratio = w.lowerIsBetter || workloadOf(v.workload ?? w.name).lowerIsBetter ? other.figure.median / m.figure.median : m.figure.median / other.figure.median;
    const ok = ratio >= v.times;
    out.push(`${label} in this run: ${ok ? 'met' : 'not met'} (${fmt(ratio)}×)${ok ? '' : busy(m, other)}`);
  }
  return out;
});

/** For each peer with several configurations, which one its figure is, and the others. */
const configLines = WORKLOADS.flatMap((w) => peers.flatMap((p) => {
  const all = variants(p, w.name);
  if (all.length < 2) return [];
  const chosen = get(p, w.name)!;
  const list = all.map((m) => `${String(m.extra?.variant ?? 'as installed')} ${fmt(m.figure.median)}`).join(', ');
  return [`${w.name} ${p}: ${p === 'backprop' ? 'as installed' : `best is ${String(chosen.extra?.variant ?? 'as installed')}`} (${list})`];
}));

/** Each round's median of every figure in the table: the run-to-run spread. */
const roundLines = rounds < 2 ? [] : WORKLOADS.flatMap((w) => peers.flatMap((p) => {
  const m = get(p, w.name);
  const r = m?.extra?.roundMedians as number[] | undefined;
  if (!m || !r || r.length < 2) return [];
  const spread = (Math.max(...r) / Math.min(...r) - 1) * 100;
  return [`${w.name} ${p}: ${r.map(fmt).join(' / ')} (spread ${spread.toFixed(0)} %)`];
}));

const stepLoop = get('backprop', 'W2')?.extra?.stepLoop as Figure | undefined;
const table = [
  'median [min–max] over the repetitions; (r×) = peer / backprop (for µs, s and s/epoch, r > 1 means backprop is faster; for GFLOP/s, r < 1 does); a peer\'s figure is its best configuration',
  ...lines,
  ...(stepLoop ? [`W2 backprop's bare loop (lossAndGrad + Adam.step, no fit): ${fmt(stepLoop.median)} [${fmt(stepLoop.min)}–${fmt(stepLoop.max)}] s/epoch`] : []),
  '',
  ...verdicts,
  '',
  'configurations:',
  ...configLines,
  ...(roundLines.length ? ['', 'round medians:', ...roundLines] : []),
  '',
  `load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadAfter.map((v) => v.toFixed(2)).join(' ')} (${CORES} cores)`,
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
  cores: CORES,
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
  rounds,
  seconds: (Date.now() - started) / 1000,
  workloads: WORKLOADS.map((w) => ({
    name: w.name,
    unit: w.unit,
    description: w.what,
    ...(w.target !== undefined && { target: w.target }),
    versus: w.versus,
    results: Object.fromEntries(peers.flatMap((p) => { const m = get(p, w.name); return m ? [[p, m.figure.median]] : []; })),
    details: Object.fromEntries(peers.flatMap((p) => { const m = get(p, w.name); return m ? [[p, { ...m.figure, ...m.extra }]] : []; })),
    configurations: Object.fromEntries(peers.flatMap((p) => {
      const all = variants(p, w.name);
      return all.length < 2 ? [] : [[p, all.map((m) => ({ variant: m.extra?.variant ?? 'as installed', ...m.figure, config: m.extra?.config ?? null }))]];
    })),
  })),
  scaling,
  ...(w4 && { w4: w4.results }),
  verdicts,
  notes: [...notes, ...w4Notes],
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'results.json'), JSON.stringify(out, null, 2) + '\n');

const svg = join(outDir, 'scaling.svg');
const plotted = plot(scaling, svg, `backprop ${out.date.slice(0, 16)} · ${machine.cores} × ${machine.cpu} · Node ${machine.node} · ${quick ? 'quick' : 'full'} run · load ${loadBefore[0]!.toFixed(1)}`);
const rel = (p: string): string => p.slice(root.length + 1);
console.error(`bench: ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${rel(join(outDir, 'results.json'))}${plotted ? ` and ${rel(svg)}` : ''}${record ? '' : ' (the tracked bench/results.json changes only with --record)'}`);

/** Writes the scaling figures as an SVG to `file`; false when there are none. */
function plot(scaling: Record<string, unknown>, file: string, caption: string): boolean {
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
  if (panels.length > 0) writeFileSync(file, renderSvg(panels, caption) + '\n');
  return panels.length > 0;
}
