import { BackpropError } from '../../errors.js';
import { activate } from '../../nn/activations.js';
import { checkLoss, lossFromLogits } from '../../nn/losses.js';
import { codecOf } from '../../io/layers/index.js';
import { noGrad } from '../../autograd/node.js';
import { formatNumber } from '../../tensor/format.js';
import { parseModelFile, toModelFile } from '../../io/model-file.js';
import type { Command } from '../command.js';
import { checkTargets, loadModelArg, matrixArg } from '../inputs.js';
import { LOSSES } from '../../nn/losses.js';
import { table } from '../table.js';

/** `backprop grad MODEL.json --input X --target T` — the loss, the output and every gradient. */
export const grad: Command = {
  name: 'grad',
  summary: 'the loss, the outputs and the gradient of every weight and bias for given inputs',
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a model file (format backprop-model, version 1)' }],
    flags: {
      input: { type: 'string', value: 'X', help: 'inputs, N×in: inline JSON like [[1,2,3]] or a JSON file' },
      target: { type: 'string', value: 'T', help: 'targets, N×out: inline JSON or a JSON file' },
      loss: { type: 'string', choices: LOSSES, help: "loss (default: the model file's)" },
      dtype: { type: 'string', choices: ['float64', 'float32'], help: "arithmetic precision (default: the model file's)" },
      json: { type: 'boolean', help: 'print one JSON object {loss, output, gradients}: one gradients entry per layer, by its model-file fields' },
    },
  },
  examples: ['npx backprop grad examples/seed-model.json --input "[[1,2,3]]" --target "[[0.5,0.1]]"'],
  run(args, io) {
    const path = args.positionals[0]!;
    let loaded = loadModelArg(path, io);
    const dtype = (args.flags.dtype as 'float64' | 'float32' | undefined) ?? loaded.model.dtype;
    if (dtype !== loaded.model.dtype) loaded = parseModelFile({ ...toModelFile(loaded.model, loaded.loss), dtype }, path);
    const { model } = loaded;
    const loss = args.flags.loss !== undefined ? checkLoss(args.flags.loss, '--loss') : loaded.loss;
    if (args.flags.input === undefined) throw missing('--input X');
    if (args.flags.target === undefined) throw missing('--target T');
    const x = matrixArg(String(args.flags.input), io, '--input', dtype, model.inputSize);
    const t = matrixArg(String(args.flags.target), io, '--target', dtype, model.outputSize);
    if (x.shape[0] !== t.shape[0]) throw new BackpropError('argument', `grad: --input has ${x.shape[0]} rows but --target has ${t.shape[0]}`);
    checkTargets(model, loss, x, t, '--target');
    // NOTE: one forward pass, in training mode (batch norm's batch statistics, dropout's mask): the
    // output is that pass's, as the gradients are.
    const z = model.train().forwardLogits(x);
    const E = lossFromLogits(loss, model.outputActivation, z, t);
    E.backward();
    const output = noGrad(() => activate(model.outputActivation, z)).to2D();
    // NOTE: one entry per layer, its parameters' gradients under the layer's model-file field names
    // (a dense layer's weights, bias; batch norm's weight, bias; {} for a layer without parameters).
    const gradients = model.layers.map((l) =>
      Object.fromEntries(l.namedParameters().map(([name, p]) => [codecOf(l).parameterFields[name] ?? name, p.grad!.ndim === 2 ? p.grad!.to2D() : p.grad!.to1D()])),
    );
    if (args.flags.json === true) {
      io.stdout(JSON.stringify({ loss: E.item(), output, gradients }) + '\n');
      return 0;
    }
    io.stdout(`loss (${loss}) = ${formatNumber(E.item())}\n\noutput:\n${table(output)}\n`);
    let dense = 0;
    gradients.forEach((g, i) => {
      const layer = model.layers[i]!;
      if (layer.kind !== 'dense') {
        for (const [field, v] of Object.entries(g)) io.stdout(`\n∂E/∂${field} of layers[${i}] (${layer.describe()}):\n${table([v as number[]])}\n`);
        return;
      }
      // NOTE: dense layers are numbered from 1, as W1 and b1 are (the engine's 0.weight is PyTorch's index).
      dense++;
      const w = g.weights as number[][] | undefined;
      if (w !== undefined) io.stdout(`\n∂E/∂W${dense} (layer ${dense}: ${w.length} neurons × ${w[0]!.length} inputs):\n${table(w)}\n`);
      if (g.bias !== undefined) io.stdout(`∂E/∂b${dense}:\n${table([g.bias as number[]])}\n`);
    });
    return 0;
  },
};

function missing(flag: string): BackpropError {
  return new BackpropError('argument', `grad: missing ${flag}`);
}
