// Where the time of one W2 training step goes, op by op, in the code `fit` runs: µs per step,
// median and minimum over the steps of the timed epochs. The step is fit's, piece by piece
// (src/train/fit-step.ts, the engine, gradNorm, the optimizer); inside lossAndGrad and Adam each
// job on the worker threads is timed by wrapping ThreadPool.prototype.runSync, and the time between
// jobs is the calling thread's own work (named below). Not a benchmark of record: run it in one
// process against itself (--parallel false gives one product at a time).
// Usage: node --import tsx bench/profile-step.ts [--epochs 3] [--parallel false] [--threads 2]
import { initKernels, kernelInfo } from '../src/kernels/kernel-state.js';
import { ThreadPool } from '../src/kernels/thread-pool.js';
import { FusedGradientEngine } from '../src/fused/engine.js';
import { loadMnist } from '../src/data/mnist.node.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { Rng } from '../src/tensor/rng.js';
import { BatchMetrics } from '../src/train/batch-metrics.js';
import { BatchFeed, WeightBackup } from '../src/train/fit-step.js';
import { toTensorData } from '../src/train/metrics.js';
import { arg } from './stats.js';

const epochs = Number(arg('epochs', '3'));
const parallel = arg('parallel', 'true') !== 'false';
const info = await initKernels({ threads: Number(arg('threads', '2')) });

/** Names of the calling thread's work between the pool's jobs, in step order (see the top of this file). */
const LOSS_AND_GRAD = parallel
  ? ['lossAndGrad: checks', 'F1 job: z1 = x·W1ᵀ, + b1, relu (784→128)', 'between the F1 and F2 jobs', 'F2 job: z2 = h1·W2ᵀ, + b2, relu (128→64)', 'F3 z3 = h2·W3ᵀ + b3, softmax-CE loss and δ3, B3 dW3, db3, δ2 = δ3·W3 ⊙ relu′ (calling thread)', 'B2 job: dW2 = δ2ᵀ·h1, db2, δ1 = δ2·W2 ⊙ relu′', 'between the B2 and B1 jobs', 'B1 job: dW1 = δ1ᵀ·x, db1', 'lossAndGrad: install .grad']
  : ['lossAndGrad: forward F1 … loss … B2 (calling thread)', 'B1 dW1 = δ1ᵀ·x (threads, one product)', 'lossAndGrad: db1, install .grad'];

const { train } = loadMnist();
const model = Sequential.mlp([784, 128, 64, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype: 'float32' });
const engine = new FusedGradientEngine(model, 'cross_entropy', { maxBatch: 64, parallel });
const params = model.parameters();
const opt = new Adam(params, { lr: 1e-3 });
const td = toTensorData(train, 'float32');
const backup = new WeightBackup(params);
const feed = new BatchFeed(td, engine.batchBuffers(64).x.data, 784, 10, 64);
const running = new BatchMetrics({ classes: 10, encoding: 'onehot' }, 10);
const rng = new Rng(2);

const samples = new Map<string, number[]>();
const add = (name: string, us: number): void => {
  let a = samples.get(name);
  if (a === undefined) samples.set(name, (a = []));
  a.push(us);
};
// Timestamps of the jobs run inside the section being timed.
let marks: number[] = [];
const runSync = ThreadPool.prototype.runSync;
ThreadPool.prototype.runSync = function (this: ThreadPool): void {
  marks.push(performance.now());
  runSync.call(this);
  marks.push(performance.now());
};

/** Times `fn` and splits its time at the jobs it ran: names[0] before the first job, names[1] the job, … */
function section(names: readonly string[], fn: () => void): void {
  marks = [];
  const t0 = performance.now();
  fn();
  const t1 = performance.now();
  const cuts = [t0, ...marks, t1];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const name = names[Math.min(i, names.length - 1)]!;
    add(name, (cuts[i + 1]! - cuts[i]!) * 1000);
  }
}

const steps: number[] = [];
for (let e = 0; e <= epochs; e++) {
  const order = rng.permutation(train.rows);
  running.reset();
  for (let start = 0; start + 64 <= train.rows; start += 64) {
    const idx = order.subarray(start, start + 64);
    const t0 = performance.now();
    const { x: xb, t } = engine.batchBuffers(64);
    let x = xb;
    section(['the batch: x and t gathered ahead (else their job)'], () => void (x = feed.take(idx, xb, t)));
    let value = 0;
    section(LOSS_AND_GRAD, () => void (value = engine.lossAndGrad(x, t)));
    let norm = 0;
    const next = start + 128 <= train.rows ? order.subarray(start + 64, start + 128) : null;
    section(['norm: before the job', 'job: gradient norm (sums of squares), the next batch\'s x gathered', 'norm: after the job'], () => void (norm = backup.gradNorm(feed.ahead(next))));
    let bad = -1;
    section(['Adam: the updates queued', 'Adam job: every parameter (109,386 weights), the weights kept and checked', 'Adam: after the job'], () => void (bad = backup.step(opt)));
    section(['running loss and accuracy'], () => {
      running.addLoss(value, 64);
      running.addClassified(engine.lastOutputs()!, 64, train.labels!, idx);
    });
    if (!Number.isFinite(value + norm) || bad >= 0) throw new Error('diverged');
    if (e > 0) steps.push((performance.now() - t0) * 1000);
  }
  if (e === 0) {
    samples.clear();
    steps.length = 0;
  }
}
ThreadPool.prototype.runSync = runSync;

const stat = (a: number[]): { median: number; min: number } => {
  const s = [...a].sort((x, y) => x - y);
  return { median: s[s.length >> 1]!, min: s[0]! };
};
const rows = [...samples.entries()].map(([name, v]) => ({ name, ...stat(v) }));
const whole = stat(steps);
const batches = Math.floor(train.rows / 64);
console.log(`W2 step per op (fit's pieces), ${parallel ? 'layers as jobs on the threads' : 'one product at a time'}, threads ${kernelInfo().threads}, relaxed SIMD ${info.relaxedSimd}; ${steps.length} steps`);
console.log(`| op | median µs | min µs |\n|---|---:|---:|`);
for (const r of rows) console.log(`| ${r.name} | ${r.median.toFixed(1)} | ${r.min.toFixed(1)} |`);
console.log(`| sum of the medians | ${rows.reduce((s, r) => s + r.median, 0).toFixed(1)} | ${rows.reduce((s, r) => s + r.min, 0).toFixed(1)} |`);
console.log(`| whole step | ${whole.median.toFixed(1)} | ${whole.min.toFixed(1)} |`);
console.log(`≈ ${((whole.median * (batches + 1)) / 1e6).toFixed(3)} s per epoch of ${batches + 1} steps at the median step (${((whole.min * (batches + 1)) / 1e6).toFixed(3)} at the minimum)`);
process.exit(0);
