// The cost of the training-health checks (issue 20) on W2's run: MNIST 784-128-64-10, ReLU/softmax/CE,
// Adam 1e-3, batch 64, float32, trained by `fit` — with a HealthMonitor (its defaults: a check about
// every 13 of the 125 steps, histograms of 20 bins) and without, interleaved (off, on, on, off, …) in one
// process so that a slow spell of the machine hits both alike. Two figures: the epoch times of each
// (median after one untimed epoch per run), and the monitor's own time per epoch, measured directly
// around its calls — the steadier of the two on a busy machine.
// Usage: node --import tsx bench/health.ts [--quick] [--rounds N]
import { loadMnist } from '../src/data/mnist.node.js';
import { initKernels } from '../src/kernels/kernel-state.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { Rng } from '../src/tensor/rng.js';
import type { Callback } from '../src/train/callbacks.js';
import { fit } from '../src/train/fit.js';
import { HealthMonitor } from '../src/train/health/monitor.js';
import { arg, emit, flag, summarize } from './stats.js';

const quick = flag('quick');
const rounds = Number(arg('rounds', quick ? '1' : '3'));
const epochs = quick ? 2 : 3;
const { train } = loadMnist();
await initKernels({ threads: 2 });

/** The monitor with its callbacks timed: milliseconds spent inside it per epoch. */
function timed(monitor: HealthMonitor, spent: number[], counted: { checks: number }): Callback {
  let ms = 0;
  const time = <T>(f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    ms += performance.now() - t0;
    return r;
  };
  return {
    onTrainBegin: (ctx) => time(() => monitor.onTrainBegin(ctx)),
    onBatchEnd: (logs, ctx) => {
      const before = monitor.latest;
      time(() => monitor.onBatchEnd(logs, ctx));
      if (monitor.latest !== before) counted.checks++;
    },
    onEpochEnd: (logs, ctx) => {
      time(() => monitor.onEpochEnd(logs, ctx));
      spent.push(ms);
      ms = 0;
    },
  };
}

async function run(withHealth: boolean, seconds: number[], spent: number[], checks: number[]): Promise<void> {
  const model = Sequential.mlp([784, 128, 64, 10], { activation: 'relu', output: 'softmax', rng: new Rng(1), dtype: 'float32' });
  const mine: number[] = [];
  const monitor = new HealthMonitor();
  const counted = { checks: 0 };
  const callbacks: Callback[] = withHealth ? [timed(monitor, mine, counted)] : [];
  const times: number[] = [];
  await fit(model, train, {
    loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 1e-3 }), epochs, batchSize: 64,
    rng: new Rng(2), trainMetrics: false, callbacks: [...callbacks, { onEpochEnd: (logs) => void times.push(logs.seconds) }],
  });
  seconds.push(...times.slice(1));
  spent.push(...mine.slice(1));
  if (withHealth) checks.push(counted.checks / epochs);
}

const off: number[] = [];
const on: number[] = [];
const spent: number[] = [];
const checks: number[] = [];
for (let r = 0; r < rounds; r++) {
  // NOTE: off, on, on, off, … — each variant runs first as often as second.
  const order = r % 2 === 0 ? [false, true] : [true, false];
  for (const h of order) await run(h, h ? on : off, h ? spent : [], checks);
}
const a = summarize(off);
const b = summarize(on);
const direct = summarize(spent);
emit({
  peer: 'backprop', workload: 'health', unit: 'ms/epoch', figure: direct,
  extra: { offSecondsPerEpoch: a, onSecondsPerEpoch: b, abDifferenceMs: 1000 * (b.median - a.median), sharePercent: (100 * direct.median) / (1000 * a.median), checksPerEpoch: checks[0] },
});
console.log(`health checks on MNIST (W2 through fit): ${direct.median.toFixed(1)} ms per epoch measured inside the monitor (${checks[0]!.toFixed(1)} checks an epoch), ${((100 * direct.median) / (1000 * a.median)).toFixed(1)} % of an epoch of ${a.median.toFixed(3)} s; epochs with / without: ${b.median.toFixed(3)} / ${a.median.toFixed(3)} s`);
