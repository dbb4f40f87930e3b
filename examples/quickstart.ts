// The library in 20 lines: define, train, evaluate, save, load (it saves circle-model.json where it runs).
import { Adam, Rng, Sequential, evaluate, fit, synthetic } from 'backprop';
import { loadModel, saveModel } from 'backprop/node';

const rng = new Rng(42);
const train = synthetic('circle', { rng, size: 400, noise: 0.1 });  // 2-D points, two classes
const test = synthetic('circle', { rng, size: 200, noise: 0.1 });   // fresh points from the same set

// 2 inputs → 8 tanh neurons → 2 softmax outputs (one per class), trained with cross-entropy.
const model = Sequential.mlp([2, 8, 2], { activation: 'tanh', output: 'softmax', rng });
const optimizer = new Adam(model.parameters(), { lr: 0.03 });
const { history } = await fit(model, train, { loss: 'cross_entropy', optimizer, epochs: 40, batchSize: 16, rng });
console.log(`epoch ${history.last!.epoch}: training loss ${history.last!.loss.toFixed(4)}`);

const accuracy = evaluate(model, 'cross_entropy', test).classification!.accuracy;
console.log(`test accuracy ${(100 * accuracy).toFixed(1)} %`);

saveModel('circle-model.json', model, 'cross_entropy');  // the CLI's model-file format
const loaded = loadModel('circle-model.json');
console.log(`reloaded: ${loaded.model.sizes.join('-')}, same accuracy: ${evaluate(loaded.model, loaded.loss, test).classification!.accuracy === accuracy}`);
