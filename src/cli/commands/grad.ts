import { BackpropError } from '../../errors.js';
import { modelLoss, checkLoss } from '../../nn/losses.js';
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
      json: { type: 'boolean', help: 'print one JSON object {loss, output, gradients}' },
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
    const E = modelLoss(model, loss, x, t);
    E.backward();
    const output = noGrad(() => model.forward(x)).to2D();
    // NOTE: one entry per layer, its parameters' gradients by name (a dense layer's: weights, bias).
    const gradients = model.layers.map((l) =>
      Object.fromEntries(l.namedParameters().map(([name, p]) => [name === 'weight' ? 'weights' : name, p.grad!.ndim === 2 ? p.grad!.to2D() : p.grad!.to1D()])),
    );
    if (args.flags.json === true) {
      io.stdout(JSON.stringify({ loss: E.item(), output, gradients }) + '\n');
      return 0;
    }
    io.stdout(`loss (${loss}) = ${formatNumber(E.item())}\n\noutput:\n${table(output)}\n`);
    gradients.forEach((g, i) => {
      // NOTE: layers are numbered from 1, as W1 and b1 are (the engine's 0.weight is PyTorch's index).
      const w = g.weights as number[][] | undefined;
      if (w !== undefined) io.stdout(`\n∂E/∂W${i + 1} (layer ${i + 1}: ${w.length} neurons × ${w[0]!.length} inputs):\n${table(w)}\n`);
      if (g.bias !== undefined) io.stdout(`∂E/∂b${i + 1}:\n${table([g.bias as number[]])}\n`);
    });
    return 0;
  },
};

function missing(flag: string): BackpropError {
  return new BackpropError('argument', `grad: missing ${flag}`);
}
