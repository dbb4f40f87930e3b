// backprop's side of the benchmark (run by bench/run.ts in its own process, one workload per run):
//   W1  the seed network, one SGD step (forward + backward + update), float64, µs per step;
//   W2  MNIST MLP 784-128-64-10, ReLU/softmax/CE, Adam 1e-3, batch 64, float32, through fit: s per epoch;
//   W3  float32 matmul n = 512 on both cores, in place (and through matmul's copies): GFLOP/s;
//   W5  scikit-learn's digits 64-128-64-10, Adam, batch 32, 50 epochs through fit: s;
//   scaling-batch / scaling-width / scaling-n: the scaling figures.
// Usage: tsx bench/backprop.ts --workload W1 [--quick]
import { initKernels, kernelInfo } from '../src/kernels/kernel-state.js';
import { matmulVia, type MatmulPath } from '../src/kernels/matmul.js';
import { FusedDenseStack } from '../src/fused/stack.js';
import { WasmArena } from '../src/kernels/wasm-arena.js';
import { backward } from '../src/autograd/engine.js';
import { modelLoss } from '../src/nn/losses.js';
import { seedNetwork, SEED } from '../src/nn/seed.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { SGD } from '../src/optim/sgd.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { loadMnist } from '../src/data/mnist.node.js';
import { fit } from '../src/train/fit.js';
import { evaluate } from '../src/train/metrics.js';
import { accuracy, mnistF32, type MnistF32 } from './mnist-data.js';
import { classificationDataset } from '../src/data/dataset.js';
import type { DType } from '../src/tensor/dtype.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, emit, flag, summarize, timePerCall } from './stats.js';

const quick = flag('quick');
const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');
const workload = arg('workload', 'W1');

/** W1: µs per SGD step of the seed network, fused (headline), general fused path and autograd. */
function w1(): void {
  const x = Float64Array.from(SEED.input.flat());
  const t = Float64Array.from(SEED.target.flat());
  const reps = quick ? 9 : 21;
  const inner = quick ? 100_000 : 400_000;
  const variant = (smallPath: boolean, compile = true): number[] => {
    const model = seedNetwork();
    const stack = new FusedDenseStack(model, 'sse', { maxBatch: 1, smallPath, compile });
    return timePerCall(() => stack.sgdStep(x, t, 1, SEED.lr), inner, reps, inner);
  };
  const withOptimizer = (): number[] => {
    const model = seedNetwork();
    const stack = new FusedDenseStack(model, 'sse', { maxBatch: 1 });
    const opt = new SGD(model.parameters(), { lr: SEED.lr });
    return timePerCall(() => {
      stack.lossAndGrad(x, t, 1);
      opt.step();
    }, inner, reps, inner);
  };
  const autograd = (): number[] => {
    const model = seedNetwork();
    const opt = new SGD(model.parameters(), { lr: SEED.lr });
    const xt = new Tensor(x, [1, 3]);
    const tt = new Tensor(t, [1, 2]);
    return timePerCall(() => {
      opt.zeroGrad();
      backward(modelLoss(model, 'sse', xt, tt));
      opt.step();
    }, inner / 20, reps, inner / 20);
  };
  const us = (v: number[]): number[] => v.map((s) => s * 1e6);
  const fused = summarize(us(variant(true)));
  // Check the figure is for real work: 1000 steps from the seed weights give the notebook's trend.
  const check = seedNetwork();
  const stack = new FusedDenseStack(check, 'sse', { maxBatch: 1 });
  let E = 0;
  for (let i = 0; i < 1000; i++) E = stack.sgdStep(x, t, 1, SEED.lr);
  emit({
    peer: 'backprop', workload: 'W1', unit: 'µs', figure: fused,
    extra: {
      dtype: 'float64',
      how: 'FusedDenseStack.sgdStep (compiled one-row step)',
      loopedSmallPath: summarize(us(variant(true, false))),
      generalPath: summarize(us(variant(false))),
      lossAndGradPlusSgdStep: summarize(us(withOptimizer())),
      autograd: summarize(us(autograd())),
      lossAfter1000Steps: E,
    },
  });
}

/** The W2 network with a fixed seed. */
function mnistModel(sizes: number[], seed: number): Sequential {
  return Sequential.mlp(sizes, { activation: 'relu', output: 'softmax', rng: new Rng(seed), dtype: 'float32' });
}

/**
 * Trains `sizes` on MNIST (float32, Adam 1e-3, cross-entropy) and returns the seconds of each
 * timed epoch (after `warmup` untimed ones) and the held-out accuracy at the end. `fraction` < 1
 * times only that share of each epoch (for the slow corners of the scaling figures) and scales up.
 */
function trainMnist(data: MnistF32, sizes: number[], batch: number, epochs: number, warmup: number, fraction = 1): { times: number[]; accuracy: number; phases: Record<string, number> } {
  const model = mnistModel(sizes, 1);
  const stack = new FusedDenseStack(model, 'cross_entropy', { maxBatch: batch });
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const rng = new Rng(2);
  const n = data.trainRows;
  const inW = sizes[0]!;
  const outW = sizes[sizes.length - 1]!;
  // NOTE: the stack's own input buffer lives in WASM memory: filling it saves the copy into it.
  const xb = stack.inputBuffer();
  const tb = new Float32Array(batch * outW);
  const steps = Math.max(1, Math.round((Math.ceil(n / batch) * fraction)));
  const times: number[] = [];
  // Where the time of the timed epochs goes (ms per epoch): batch gathering, lossAndGrad, Adam.
  const phases = { gatherMs: 0, lossAndGradMs: 0, optimizerMs: 0 };
  for (let e = 0; e < warmup + epochs; e++) {
    const order = rng.permutation(n);
    const t0 = performance.now();
    let gather = 0;
    let grad = 0;
    let update = 0;
    for (let s = 0, start = 0; s < steps && start < n; s++, start += batch) {
      const rows = Math.min(batch, n - start);
      const a = performance.now();
      for (let r = 0; r < rows; r++) {
        const i = order[start + r]!;
        xb.set(data.trainX.subarray(i * inW, (i + 1) * inW), r * inW);
        tb.set(data.trainY.subarray(i * outW, (i + 1) * outW), r * outW);
      }
      const b = performance.now();
      stack.lossAndGrad(xb, tb, rows);
      const c = performance.now();
      opt.step();
      const d = performance.now();
      gather += b - a;
      grad += c - b;
      update += d - c;
    }
    const secs = (performance.now() - t0) / 1000 / fraction;
    if (e >= warmup) {
      times.push(secs);
      phases.gatherMs += gather / fraction / epochs;
      phases.lossAndGradMs += grad / fraction / epochs;
      phases.optimizerMs += update / fraction / epochs;
    }
  }
  const evalStack = new FusedDenseStack(model, 'cross_entropy', { maxBatch: data.testRows });
  const y = evalStack.forward(data.testX, data.testRows);
  return { times, accuracy: accuracy(y, data.testLabels, outW), phases };
}

/**
 * W2 as users run it: the network trained by `fit` (its per-step checks, running metrics, the
 * fused engine on the kernels' threads), s/epoch after one untimed epoch, with the held-out
 * accuracy at the end. Beside it (`stepLoop`) the bare loop of `lossAndGrad` + `Adam.step()` on
 * the benchmark's own shuffled order, and where its time goes.
 */
async function w2(): Promise<void> {
  const info = await initKernels({ threads: 2 });
  const epochs = quick ? 3 : 5;
  const { seconds, accuracy: acc } = await fitMnist(epochs);
  const data = mnistF32();
  const loop = trainMnist(data, [784, 128, 64, 10], 64, quick ? 2 : 3, 1);
  emit({
    peer: 'backprop', workload: 'W2', unit: 's/epoch', figure: summarize(seconds),
    extra: {
      accuracy: acc, epochsTrained: epochs + 1, dtype: 'float32', kernels: info, how: 'fit (trainMetrics: false, the default)',
      stepLoop: { ...summarize(loop.times), accuracy: loop.accuracy, meanPhasesMsPerEpoch: loop.phases },
    },
  });
}

/**
 * The W2 network trained by `fit` — the loop users call, with its per-step checks (gradient norm,
 * finite weights, last good weights kept) and running metrics — for the same batch size and
 * optimizer, on the library's split in its own order: s/epoch of each epoch after one untimed one.
 */
async function fitMnist(epochs: number): Promise<{ seconds: number[]; accuracy: number }> {
  const { train, test } = loadMnist();
  const model = mnistModel([784, 128, 64, 10], 1);
  const seconds: number[] = [];
  let t0 = 0;
  await fit(model, train, {
    loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 1e-3 }), epochs: epochs + 1, batchSize: 64, rng: new Rng(2),
    // NOTE: performance.now() rather than logs.seconds (whole milliseconds of Date.now()).
    callbacks: [{ onEpochBegin: () => void (t0 = performance.now()), onEpochEnd: () => void seconds.push((performance.now() - t0) / 1000) }],
  });
  return { seconds: seconds.slice(1), accuracy: evaluate(model, 'cross_entropy', test).classification!.accuracy };
}

/**
 * W5: scikit-learn's digits through `fit` — 64-128-64-10, relu/softmax/cross-entropy, Adam 1e-3,
 * batch 32, 50 epochs on 1,347 rows (the split bench/run.ts wrote) — seconds for the 50 epochs,
 * each repetition a fresh network with the same seed; float32 as the peers, float64 beside it.
 */
async function w5(): Promise<void> {
  const info = await initKernels({ threads: 2 });
  const read = (name: string, Ctor: Float32ArrayConstructor | Int32ArrayConstructor): Float32Array | Int32Array => {
    const bytes = readFileSync(join(OUT, name));
    return new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  };
  const trainX = read('digits-train-x.f32', Float32Array) as Float32Array;
  const trainLabels = read('digits-train-labels.i32', Int32Array) as Int32Array;
  const testX = read('digits-test-x.f32', Float32Array) as Float32Array;
  const testLabels = read('digits-test-labels.i32', Int32Array) as Int32Array;
  const names = Array.from({ length: 10 }, (_, i) => String(i));
  const train = classificationDataset(Float64Array.from(trainX), 64, trainLabels, names);
  const test = classificationDataset(Float64Array.from(testX), 64, testLabels, names);
  const once = async (dtype: DType): Promise<{ seconds: number; accuracy: number }> => {
    const model = Sequential.mlp([64, 128, 64, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype });
    const t0 = performance.now();
    await fit(model, train, { loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 1e-3 }), epochs: 50, batchSize: 32, rng: new Rng(2) });
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, accuracy: evaluate(model, 'cross_entropy', test).classification!.accuracy };
  };
  await once('float32'); // warm-up: JIT, kernels' buffers
  const reps = quick ? 3 : 7;
  const runs: Array<{ seconds: number; accuracy: number }> = [];
  const runs64: Array<{ seconds: number; accuracy: number }> = [];
  for (let r = 0; r < reps; r++) {
    runs.push(await once('float32'));
    if (r < 3) runs64.push(await once('float64'));
  }
  emit({
    peer: 'backprop', workload: 'W5', unit: 's', figure: summarize(runs.map((r) => r.seconds)),
    extra: { accuracy: runs[0]!.accuracy, dtype: 'float32', kernels: info, how: 'fit, 50 epochs', float64: { ...summarize(runs64.map((r) => r.seconds)), accuracy: runs64[0]!.accuracy } },
  });
}

/**
 * W3: C = A·B in place on WasmArena arrays (as numpy and PyTorch run it, with `out=`), on both
 * cores; beside it, `matmul` on ordinary arrays (operands copied in and out of WASM memory).
 */
async function w3(): Promise<void> {
  const info = await initKernels({ threads: 2 });
  const reps = quick ? 5 : 15;
  const figure = summarize(arenaGflops(await WasmArena.create({ threads: 2 }), 512, reps));
  const copying = summarize(gflops('auto', 512, reps));
  emit({
    peer: 'backprop', workload: 'W3', unit: 'GFLOP/s', figure,
    extra: { kernels: info, path: 'WasmArena.matmul, in place (WASM SIMD, 2 threads)', matmulOnOrdinaryArrays: copying },
  });
}

/** GFLOP/s of float32 C = A·B (n×n) on arena arrays, one value per repetition (each ≥ ~50 ms). */
function arenaGflops(arena: WasmArena, n: number, reps: number): number[] {
  const rng = new Rng(n);
  const a = arena.alloc('float32', n * n);
  const b = arena.alloc('float32', n * n);
  const c = arena.alloc('float32', n * n);
  a.view.set(new Float32Array(n * n).map(() => rng.uniform()));
  b.view.set(new Float32Array(n * n).map(() => rng.uniform()));
  const t0 = performance.now();
  arena.matmul(a, b, c, n, n, n);
  const once = Math.max(1e-6, (performance.now() - t0) / 1000);
  const inner = Math.max(1, Math.round(0.05 / once));
  const values = timePerCall(() => arena.matmul(a, b, c, n, n, n), inner, reps, inner).map((s) => (2 * n * n * n) / s / 1e9);
  arena.dispose();
  return values;
}

/** GFLOP/s of float32 C = A·B (n×n) on a path, one value per repetition (each ≥ ~50 ms). */
function gflops(path: MatmulPath, n: number, reps: number): number[] {
  const rng = new Rng(n);
  const a = new Float32Array(n * n).map(() => rng.uniform());
  const b = new Float32Array(n * n).map(() => rng.uniform());
  const c = new Float32Array(n * n);
  const flop = 2 * n * n * n;
  const t0 = performance.now();
  matmulVia(path, a, b, c, n, n, n);
  const once = Math.max(1e-6, (performance.now() - t0) / 1000);
  const inner = Math.max(1, Math.round(0.05 / once));
  return timePerCall(() => matmulVia(path, a, b, c, n, n, n), inner, reps, inner).map((s) => flop / s / 1e9);
}

async function scaling(): Promise<void> {
  await initKernels({ threads: 2 });
  const data = mnistF32();
  const epochs = quick ? 1 : 3;
  const points: Record<string, unknown>[] = [];
  if (workload === 'scaling-batch') {
    for (const batch of quick ? [1, 4, 16, 64, 256, 512] : [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) {
      const fraction = quick ? Math.min(1, batch / 64) : Math.min(1, batch / 16);
      const { times } = trainMnist(data, [784, 128, 64, 10], batch, epochs, 1, fraction);
      points.push({ x: batch, ...summarize(times), fraction });
    }
    emit({ peer: 'backprop', workload: 'scaling-batch', unit: 's/epoch', figure: summarize([0]), extra: { axis: 'batch size', net: '784-128-64-10', points } });
  } else if (workload === 'scaling-width') {
    for (const h of quick ? [32, 128, 512, 1024] : [32, 64, 128, 256, 512, 1024]) {
      const fraction = quick ? Math.min(1, 64 / h) : Math.min(1, 256 / h);
      const { times } = trainMnist(data, [784, h, h / 2, 10], 64, epochs, 1, fraction);
      points.push({ x: h, ...summarize(times), fraction });
    }
    emit({ peer: 'backprop', workload: 'scaling-width', unit: 's/epoch', figure: summarize([0]), extra: { axis: 'hidden width H (784-H-H/2-10, batch 64)', points } });
  } else {
    const paths: MatmulPath[] = kernelInfo().threads > 1 ? ['ts', 'wasm', 'threads', 'auto'] : ['ts', 'wasm', 'auto'];
    for (const n of quick ? [128, 256, 512, 1024] : [128, 256, 384, 512, 768, 1024]) {
      const row: Record<string, unknown> = { x: n };
      for (const p of paths) {
        if (p === 'ts' && n > (quick ? 256 : 512)) continue;
        row[p] = summarize(gflops(p, n, quick ? 3 : 5));
      }
      points.push(row);
    }
    emit({ peer: 'backprop', workload: 'scaling-n', unit: 'GFLOP/s', figure: summarize([0]), extra: { axis: 'n (float32 n×n matmul)', paths, points } });
  }
}

if (workload === 'W1') w1();
else if (workload === 'W2') await w2();
else if (workload === 'W5') await w5();
else if (workload === 'W3') await w3();
else await scaling();
process.exit(0);
