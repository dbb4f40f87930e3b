// Long runs without heap growth (not a test): 100,000 training steps of the seed network (the
// autograd path step by step, then the fit loop with each engine) and 20 epochs of MNIST through
// fit, measuring process.memoryUsage() after a forced GC at the start, the middle and the end.
//
//   node --expose-gc --import tsx bench/memory.ts [--steps 100000] [--epochs 20] [--hidden 64]
//     [--mnist-engine default|autograd] [--dtype float64|float32] [--skip-seed] [--skip-mnist]
//
// A leak shows as heapUsed or arrayBuffers growing with the number of steps; a small constant
// (compiled code, caches, the fit History of one entry per epoch) is expected between start and middle,
// so the middle → end difference is the one to watch.
import { parseArgs } from 'node:util';
import { liveNodeCount, modelLoss, Rng, seedNetwork, Sequential, SGD, SEED, tensor } from '../src/index.js';
import { datasetFromArrays } from '../src/data/arrays.js';
import { loadMnist } from '../src/data/mnist.node.js';
import { autogradEngine } from '../src/train/engine.js';
import { fit } from '../src/train/fit.js';
import { createOptimizer } from '../src/optim/create.js';
import { kernelState } from '../src/kernels/kernel-state.js';

const { values: opts } = parseArgs({
  options: {
    steps: { type: 'string', default: '100000' },
    epochs: { type: 'string', default: '20' },
    hidden: { type: 'string', default: '64' },
    'mnist-engine': { type: 'string', default: 'default' },
    dtype: { type: 'string', default: 'float64' },
    'skip-seed': { type: 'boolean', default: false },
    'skip-mnist': { type: 'boolean', default: false },
  },
});
const STEPS = Number(opts.steps);
const EPOCHS = Number(opts.epochs);
const HIDDEN = Number(opts.hidden);
const DTYPE = opts.dtype === 'float32' ? 'float32' : 'float64';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with --expose-gc: node --expose-gc --import tsx bench/memory.ts');
  process.exit(2);
}

interface Sample { label: string; heapUsed: number; external: number; arrayBuffers: number; rss: number; liveNodes: number; wasmUsed: number }

/** Memory after two forced collections (the second one frees what finalizers released). */
function sample(label: string): Sample {
  gc!();
  gc!();
  const m = process.memoryUsage();
  // NOTE: the WebAssembly kernels' own allocator (optimizer moments, gradient buffers, staging)
  // lives inside one memory counted in arrayBuffers at its full size: its used bytes are what to watch.
  return { label, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss, liveNodes: liveNodeCount(), wasmUsed: kernelState(false)?.heap.usedBytes ?? 0 };
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MB`;
const kb = (b: number) => `${b >= 0 ? '+' : ''}${(b / 1024).toFixed(1)} KB`;

/** Prints the samples of one run and the growth start → end and middle → end. */
function report(title: string, samples: Sample[], seconds: number): Record<string, unknown> {
  console.log(`\n${title}  (${seconds.toFixed(1)} s)`);
  console.log(`  ${'at'.padEnd(26)} ${'heapUsed'.padStart(10)} ${'external'.padStart(10)} ${'arrayBuf'.padStart(10)} ${'rss'.padStart(10)} ${'WASM used'.padStart(10)}  live nodes`);
  for (const s of samples) {
    console.log(`  ${s.label.padEnd(26)} ${mb(s.heapUsed).padStart(10)} ${mb(s.external).padStart(10)} ${mb(s.arrayBuffers).padStart(10)} ${mb(s.rss).padStart(10)} ${mb(s.wasmUsed).padStart(10)}  ${s.liveNodes}`);
  }
  const [a, m, z] = [samples[0]!, samples[1]!, samples[samples.length - 1]!];
  console.log(`  growth start → end: heap ${kb(z.heapUsed - a.heapUsed)}, arrayBuffers ${kb(z.arrayBuffers - a.arrayBuffers)}; middle → end: heap ${kb(z.heapUsed - m.heapUsed)}, arrayBuffers ${kb(z.arrayBuffers - m.arrayBuffers)}`);
  return {
    run: title, seconds: Number(seconds.toFixed(1)),
    heapStart: a.heapUsed, heapMiddle: m.heapUsed, heapEnd: z.heapUsed,
    growthStartEnd: z.heapUsed - a.heapUsed, growthMiddleEnd: z.heapUsed - m.heapUsed,
    arrayBuffersStart: a.arrayBuffers, arrayBuffersEnd: z.arrayBuffers, liveNodesEnd: z.liveNodes,
    wasmUsedStart: a.wasmUsed, wasmUsedEnd: z.wasmUsed,
  };
}

const results: Record<string, unknown>[] = [];

// 1. The seed network, step by step on the autograd path: forward, loss, backward, SGD update.
if (!opts['skip-seed']) {
  const model = seedNetwork();
  const opt = new SGD(model.parameters(), { lr: SEED.lr });
  const x = tensor(SEED.input.map((r) => [...r]));
  const t = tensor(SEED.target.map((r) => [...r]));
  const step = () => {
    opt.zeroGrad();
    const E = modelLoss(model, 'sse', x, t);
    E.backward();
    opt.step();
    return E;
  };
  const samples = [sample('start (0 steps)')];
  const t0 = performance.now();
  let last = NaN;
  for (let i = 1; i <= STEPS; i++) {
    const E = step();
    if (i === STEPS) last = E.item();
    if (i === STEPS / 2) samples.push(sample(`middle (${i} steps)`));
  }
  samples.push(sample(`end (${STEPS} steps)`));
  results.push(report(`seed network 3-2-2, ${STEPS} autograd SGD steps (final loss ${last.toExponential(3)})`, samples, (performance.now() - t0) / 1000));
}

// 2. The seed network through the fit loop: 1,000 copies of the seed sample, batch 1, STEPS steps,
//    once with the autograd engine and once with the default (fused) engine.
for (const engine of opts['skip-seed'] ? [] : (['autograd', 'default'] as const)) {
  const model = seedNetwork();
  const rows = 1000;
  const data = datasetFromArrays(Array.from({ length: rows }, () => SEED.input[0]!), Array.from({ length: rows }, () => SEED.target[0]!), { task: 'regression' });
  const epochs = Math.max(2, Math.round(STEPS / rows));
  const samples = [sample('start (0 steps)')];
  const t0 = performance.now();
  await fit(model, data, {
    loss: 'sse', optimizer: createOptimizer('sgd', model.parameters(), { lr: 0.01 }), epochs, batchSize: 1, rng: new Rng(1),
    trainMetrics: false, ...(engine === 'autograd' && { engine: autogradEngine }),
    callbacks: [{ onEpochEnd: (logs) => { if (logs.epoch === epochs / 2) samples.push(sample(`middle (${logs.epoch * rows} steps)`)); } }],
  });
  samples.push(sample(`end (${epochs * rows} steps)`));
  results.push(report(`seed network through fit (${engine} engine), ${epochs * rows} steps of batch 1`, samples, (performance.now() - t0) / 1000));
}

// 3. MNIST (8,000 training digits) 784-HIDDEN-10, 20 epochs of batch 32 through fit (default engine, or autograd),
//    with validation on the 2,000 held-out digits every epoch.
if (!opts['skip-mnist']) {
  const { train, test } = loadMnist();
  const model = Sequential.mlp([784, HIDDEN, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype: DTYPE });
  const samples = [sample('start (data loaded)')];
  const t0 = performance.now();
  const result = await fit(model, train, {
    loss: 'cross_entropy', optimizer: createOptimizer('adam', model.parameters(), { lr: 0.001 }), epochs: EPOCHS, batchSize: 32, rng: new Rng(1), validation: test,
    ...(opts['mnist-engine'] === 'autograd' && { engine: autogradEngine }),
    callbacks: [{
      onEpochEnd: (logs) => {
        if (logs.epoch === EPOCHS / 2) samples.push(sample(`middle (epoch ${logs.epoch})`));
        process.stderr.write(`  epoch ${logs.epoch}/${EPOCHS} loss ${logs.loss.toFixed(4)} val_acc ${(logs.valAccuracy ?? NaN).toFixed(4)}\r`);
      },
    }],
  });
  process.stderr.write('\n');
  samples.push(sample(`end (epoch ${EPOCHS})`));
  const acc = result.history.last?.valAccuracy ?? NaN;
  results.push(report(`MNIST 784-${HIDDEN}-10 ${DTYPE} (${opts['mnist-engine']} engine), ${EPOCHS} epochs × 250 batches of 32 (val accuracy ${(acc * 100).toFixed(1)} %)`, samples, (performance.now() - t0) / 1000));
}

console.log('\n' + JSON.stringify({ node: process.version, results }));
