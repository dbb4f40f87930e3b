// Iris from a CSV file: columns chosen by name, a stratified split, standardised inputs,
// softmax + cross-entropy, and a confusion matrix on the held-out flowers.
// Run: npx tsx examples/iris-csv.ts
import { fileURLToPath } from 'node:url';
import { Adam, Rng, Sequential, Standardizer, evaluate, fit, scaleDataset, split } from 'backprop';
import { readCsvFile } from 'backprop/node';

const csv = fileURLToPath(new URL('./iris.csv', import.meta.url));  // 150 rows, header row
const data = await readCsvFile(csv, { target: 'species' });         // streamed; 4 feature columns, 3 classes
const rng = new Rng(1);
const parts = split(data, { train: 0.8, test: 0.2 }, rng);          // stratified: 40 train + 10 test rows per class

// Standardise with the training statistics only (the test set stays unseen).
const scaler = Standardizer.fit(parts.train.x, data.inputSize);
const train = scaleDataset(parts.train, { inputs: scaler });
const test = scaleDataset(parts.test, { inputs: scaler });

const model = Sequential.mlp([4, 16, 3], { activation: 'relu', output: 'softmax', rng });
const optimizer = new Adam(model.parameters(), { lr: 0.01 });
await fit(model, train, { loss: 'cross_entropy', optimizer, epochs: 100, batchSize: 16, rng });

const m = evaluate(model, 'cross_entropy', test).classification!;
console.log(`classes: ${data.classNames!.join(', ')}`);
console.log(`test accuracy: ${(100 * m.accuracy).toFixed(1)} % of ${test.rows} flowers`);
console.log('confusion matrix (rows: true class, columns: predicted):');
m.confusion.forEach((row, k) => console.log(`  ${m.classNames[k]!.padEnd(10)} ${row.map((n) => String(n).padStart(3)).join(' ')}`));
