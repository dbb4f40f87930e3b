import { BackpropError } from '../../errors.js';
import { parseDataJson } from '../../data/json.js';
import { parseJsonText, parseModelFile, toModelFile } from '../../io/model-file.js';
import { createOptimizer, OPTIMIZERS } from '../../optim/create.js';
import type { OptimizerName } from '../../optim/optimizer.js';
import { fromData } from '../../tensor/create.js';
import { formatNumber } from '../../tensor/format.js';
import { Rng } from '../../tensor/rng.js';
import { evaluateLoss, trainEpoch } from '../../train/epoch.js';
import type { Command } from '../command.js';
import { loadModelArg } from '../inputs.js';

/** `backprop train MODEL.json --data DATA.json --out TRAINED.json` — mini-batch training. */
export const train: Command = {
  name: 'train',
  summary: 'train a model on data and save the trained model',
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'the model file to start from' }],
    flags: {
      data: { type: 'string', value: 'DATA.json', help: 'training data {"inputs": N×in, "targets": N×out}' },
      out: { type: 'string', value: 'FILE', help: 'where to write the trained model' },
      optimizer: { type: 'string', choices: OPTIMIZERS, help: 'update rule (default sgd)' },
      lr: { type: 'number', value: 'X', above: 0, help: 'learning rate η (default 0.1 for sgd, 0.01 rmsprop, 0.001 adam/adamw)' },
      momentum: { type: 'number', value: 'M', min: 0, help: 'momentum (sgd, rmsprop)' },
      nesterov: { type: 'boolean', help: 'Nesterov momentum (sgd)' },
      'weight-decay': { type: 'number', value: 'W', min: 0, help: 'weight decay (L2 for sgd/rmsprop/adam, decoupled for adamw)' },
      epochs: { type: 'int', value: 'E', min: 1, help: 'passes over the data (default 100)' },
      'batch-size': { type: 'int', value: 'B', min: 1, help: 'samples per step (default: all)' },
      'no-shuffle': { type: 'boolean', help: 'take the samples in order every epoch' },
      seed: { type: 'int', value: 'S', min: 0, help: 'seed of the shuffling Rng (default 0)' },
      dtype: { type: 'string', choices: ['float64', 'float32'], help: "precision (default: the model file's)" },
    },
  },
  examples: ['backprop train examples/xor-model.json --data examples/xor-data.json --out xor-trained.json --lr 0.5 --epochs 2000'],
  run(args, io) {
    const f = args.flags;
    const path = args.positionals[0]!;
    if (f.data === undefined) throw new BackpropError('argument', 'train: missing --data DATA.json');
    if (f.out === undefined) throw new BackpropError('argument', 'train: missing --out FILE (where the trained model goes)');
    let loaded = loadModelArg(path, io);
    const dtype = (f.dtype as 'float64' | 'float32' | undefined) ?? loaded.model.dtype;
    if (dtype !== loaded.model.dtype) loaded = parseModelFile({ ...toModelFile(loaded.model, loaded.loss), dtype }, path);
    const { model, loss } = loaded;
    const dataPath = String(f.data);
    const data = parseDataJson(parseJsonText(io.readText(dataPath), dataPath));
    if (data.inputSize !== model.inputSize) throw new BackpropError('data', `${dataPath}: inputs have ${data.inputSize} columns but the model takes ${model.inputSize}`);
    if (data.outputSize !== model.outputSize) throw new BackpropError('data', `${dataPath}: targets have ${data.outputSize} columns but the model gives ${model.outputSize}`);
    const toDtype = (a: Float64Array): Float64Array | Float32Array => (dtype === 'float64' ? a : Float32Array.from(a));
    const x = fromData(toDtype(data.x), [data.rows, data.inputSize]);
    const t = fromData(toDtype(data.y), [data.rows, data.outputSize]);
    const name = (f.optimizer as OptimizerName | undefined) ?? 'sgd';
    const defaultLr = { sgd: 0.1, rmsprop: 0.01, adam: 0.001, adamw: 0.001 }[name];
    const optimizer = createOptimizer(name, model.parameters(), {
      lr: (f.lr as number | undefined) ?? defaultLr,
      ...(f.momentum !== undefined ? { momentum: f.momentum as number } : {}),
      ...(f.nesterov === true ? { nesterov: true } : {}),
      ...(f['weight-decay'] !== undefined ? { weightDecay: f['weight-decay'] as number } : {}),
    });
    const epochs = (f.epochs as number | undefined) ?? 100;
    const batchSize = (f['batch-size'] as number | undefined) ?? data.rows;
    const rng = new Rng((f.seed as number | undefined) ?? 0);
    const shuffle = f['no-shuffle'] !== true;
    io.stdout(`training ${model.sizes.join('-')} (${loss}, ${name}, η=${optimizer.lr}) on ${data.rows} samples, batch ${batchSize}, ${epochs} epochs\n`);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffle ? rng.permutation(data.rows) : undefined;
      trainEpoch(model, loss, optimizer, x, t, batchSize, order);
      const value = evaluateLoss(model, loss, x, t);
      if (!Number.isFinite(value)) {
        throw new BackpropError('numeric', `train: the loss became ${value} in epoch ${epoch}; the learning rate (${optimizer.lr}) is probably too high or the inputs unscaled. Nothing was written.`);
      }
      io.stdout(`epoch ${String(epoch).padStart(String(epochs).length)}  loss ${formatNumber(value)}\n`);
    }
    io.writeAtomic(String(f.out), JSON.stringify(toModelFile(model, loss, loaded.preprocessing), null, 1) + '\n');
    io.stdout(`saved ${String(f.out)}\n`);
    return 0;
  },
};
