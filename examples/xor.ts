// XOR: the classic problem a single layer cannot solve, learned by a 2-4-1 network.
// Run: npx tsx examples/xor.ts
import { Adam, Rng, Sequential, datasetFromArrays, evaluate, fit, noGrad, tensor } from 'backprop';

const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
const targets = [[0], [1], [1], [0]];
const data = datasetFromArrays(inputs, targets);  // one 0/1 column ⇒ binary classification

const rng = new Rng(7);
const model = Sequential.mlp([2, 4, 1], { activation: 'tanh', output: 'sigmoid', rng });
const optimizer = new Adam(model.parameters(), { lr: 0.1 });
const { history } = await fit(model, data, { loss: 'bce', optimizer, epochs: 300, batchSize: 4, shuffle: false });
console.log(`after ${history.length} epochs: loss ${history.last!.loss.toFixed(5)}, accuracy ${history.last!.accuracy}`);

const y = noGrad(() => model.forward(tensor(inputs))).toArray() as number[][];
inputs.forEach((x, i) => console.log(`${x[0]} xor ${x[1]} = ${targets[i]![0]}   network: ${y[i]![0]!.toFixed(4)}`));
console.log(`accuracy: ${evaluate(model, 'bce', data).classification!.accuracy * 100} %`);
