// MNIST 784-128-64-10 (ReLU, softmax, cross-entropy, Adam, float32) on the fixed 8,000 / 2,000 split:
// held-out accuracy after each epoch and seconds per epoch.
// Usage: node --import tsx bench/mnist-train.ts [EPOCHS=20] [BATCH=32] [LR=0.001] [SEED=1] [SCHEDULE=none, e.g. cosine] [WEIGHT_DECAY=0 (AdamW when > 0)]
//        [--batch-norm] [--dropout P] (batch norm after each hidden dense layer, dropout after its activation)
import { loadMnist } from '../src/data/mnist.node.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { AdamW } from '../src/optim/adamw.js';
import { Rng } from '../src/tensor/rng.js';
import { fit } from '../src/train/fit.js';
import { evaluate } from '../src/train/metrics.js';
import { parseSchedule } from '../src/train/schedules.js';

const flagAt = process.argv.indexOf('--dropout');
const dropout = flagAt > 0 ? Number(process.argv[flagAt + 1]) : 0;
const batchNorm = process.argv.includes('--batch-norm');
const argv = process.argv.filter((a, i) => a !== '--batch-norm' && (flagAt < 0 || (i !== flagAt && i !== flagAt + 1)));
const [epochs = 20, batchSize = 32, lr = 0.001, seed = 1] = argv.slice(2, 6).map(Number);
const scheduleSpec = argv[6] && argv[6] !== 'none' ? argv[6] : undefined;
const weightDecay = Number(argv[7] ?? 0);
const { train, test } = loadMnist();
const model = Sequential.mlp([784, 128, 64, 10], { activation: 'relu', output: 'softmax', rng: new Rng(seed), dtype: 'float32', batchNorm, dropout });
console.log(`${model.layers.map((l) => l.describe()).join(' → ')}; engine: ${model.whyNotFused() ?? 'fused'}`);
const optimizer = weightDecay > 0 ? new AdamW(model.parameters(), { lr, weightDecay }) : new Adam(model.parameters(), { lr });
const seconds: number[] = [];
let best = { epoch: 0, accuracy: 0 };
await fit(model, train, {
  loss: 'cross_entropy',
  optimizer,
  epochs,
  batchSize,
  rng: new Rng(seed),
  validation: test,
  ...(scheduleSpec ? { schedule: parseSchedule(scheduleSpec, epochs) } : {}),
  trainMetrics: false,
  callbacks: [
    {
      onEpochEnd(logs) {
        seconds.push(logs.seconds);
        if (logs.valAccuracy! > best.accuracy) best = { epoch: logs.epoch, accuracy: logs.valAccuracy! };
        console.log(`epoch ${String(logs.epoch).padStart(2)}  train batch loss ${logs.batchLoss.toFixed(4)}  held-out loss ${logs.valLoss!.toFixed(4)}  held-out accuracy ${(100 * logs.valAccuracy!).toFixed(2)} %  ${logs.seconds.toFixed(2)} s`);
      },
    },
  ],
});
const final = evaluate(model, 'cross_entropy', test).classification!.accuracy;
const mean = seconds.reduce((s, v) => s + v, 0) / seconds.length;
console.log(`final held-out accuracy ${(100 * final).toFixed(2)} % after ${epochs} epochs (best ${(100 * best.accuracy).toFixed(2)} % at epoch ${best.epoch}); ${mean.toFixed(2)} s per epoch (batch ${batchSize}, η ${lr}, seed ${seed}, schedule ${scheduleSpec ?? 'none'}${batchNorm ? ', batch norm' : ''}${dropout > 0 ? `, dropout ${dropout}` : ''}, ${weightDecay > 0 ? `AdamW weight decay ${weightDecay}` : 'Adam'})`);
