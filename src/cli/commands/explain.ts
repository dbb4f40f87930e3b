import { BackpropError } from '../../errors.js';
import { checkLoss, LOSSES, type LossName } from '../../nn/losses.js';
import { SEED, seedNetwork } from '../../nn/seed.js';
import type { Sequential } from '../../nn/sequential.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Command } from '../command.js';
import { checkTargets, loadModelArg, matrixArg } from '../inputs.js';
import { penaltyFlags } from './layer-args.js';

/**
 * `backprop explain [MODEL.json] [--input X --target T] [--lang en|ko] [--format text|markdown|json]
 * [--lr X] [--param NAME] [--digits D]` — the ledger: every gradient explained by the chain rule,
 * with the numbers. Without a model, the seed notebook's network.
 */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'the ledger: how backpropagation arrives at every gradient, with the numbers (en/ko, text/markdown/json)',
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a model file (default: the seed notebook’s network)', optional: true }],
    flags: {
      input: { type: 'string', value: 'X', help: 'inputs, N×in: inline JSON like [[1,2,3]] or a JSON file (default: the seed’s)' },
      target: { type: 'string', value: 'T', help: 'targets, N×out: inline JSON or a JSON file (default: the seed’s)' },
      lang: { type: 'string', choices: ['en', 'ko'], help: 'language: en (English) or ko (한국어, Korean); default en' },
      format: { type: 'string', choices: ['text', 'markdown', 'json'], help: 'output format (default text)' },
      lr: { type: 'number', value: 'X', min: 0, help: 'learning rate η of the update shown (default 0.5)' },
      param: { type: 'string', value: 'NAME', help: 'narrow to one parameter or matrix: W1[0][2], w41, b2, 0.weight[0][2]' },
      digits: { type: 'int', value: 'D', min: 1, help: 'significant digits (default 8)' },
      loss: { type: 'string', choices: LOSSES, help: "cost function (default: the model file's, sse for the seed)" },
      naming: { type: 'string', choices: ['auto', 'notebook', 'matrix'], help: 'weight names: w41 beside W2[0][0], or matrix only (default auto)' },
      l1: { type: 'number', value: 'X', min: 0, help: 'add the L1 penalty X·Σ|w| of the dense weights to the cost' },
      l2: { type: 'number', value: 'X', min: 0, help: 'add the L2 penalty (X/2)·Σw² of the dense weights to the cost' },
      mode: { type: 'string', choices: ['train', 'eval'], help: 'batch norm and dropout as in training (default) or in eval mode' },
    },
  },
  examples: [
    'npx backprop explain',
    'npx backprop explain --lang ko',
    'npx backprop explain --param w41',
    'npx backprop explain --format markdown > scratch/ledger.md',
    'npx backprop explain examples/seed-model.json --input "[[1,2,3]]" --target "[[0.5,0.1]]" --format json',
  ],
  async run(args, io) {
    // NOTE: loaded on use, so other commands do not pay for mathjs at start-up.
    const { explain, checkLang, renderJson, renderMarkdown, renderText } = await import('../../explain/index.js');
    const path = args.positionals[0];
    let model: Sequential;
    let loss: LossName;
    let x: Tensor;
    let t: Tensor;
    if (path === undefined) {
      model = seedNetwork();
      loss = SEED.loss;
      x = args.flags.input === undefined ? tensor(SEED.input.map((r) => [...r])) : matrixArg(String(args.flags.input), io, '--input', 'float64', model.inputSize);
      t = args.flags.target === undefined ? tensor(SEED.target.map((r) => [...r])) : matrixArg(String(args.flags.target), io, '--target', 'float64', model.outputSize);
    } else {
      const loaded = loadModelArg(path, io);
      model = loaded.model;
      loss = loaded.loss;
      if (args.flags.input === undefined || args.flags.target === undefined) {
        throw new BackpropError('argument', `explain: a model file needs --input X and --target T (the samples to explain), e.g. --input "[[1,2,3]]" --target "[[0.5,0.1]]"`);
      }
      x = matrixArg(String(args.flags.input), io, '--input', model.dtype, model.inputSize);
      t = matrixArg(String(args.flags.target), io, '--target', model.dtype, model.outputSize);
    }
    if (args.flags.loss !== undefined) loss = checkLoss(args.flags.loss, '--loss');
    checkTargets(model, loss, x, t, '--target');
    const lang = checkLang(args.flags.lang ?? 'en');
    const digits = (args.flags.digits as number | undefined) ?? 8;
    if (digits > 17) throw new BackpropError('argument', `explain: --digits must be between 1 and 17, got ${digits}`);
    const naming = (args.flags.naming as 'auto' | 'notebook' | 'matrix' | undefined) ?? 'auto';
    const ledger = explain(model, x, t, {
      loss,
      lr: (args.flags.lr as number | undefined) ?? SEED.lr,
      naming,
      ...(args.flags.param !== undefined ? { param: String(args.flags.param) } : {}),
      ...(penaltyFlags(args.flags) && { penalty: penaltyFlags(args.flags)! }),
      ...(args.flags.mode === 'eval' && { mode: 'eval' as const }),
    });
    const format = args.flags.format ?? 'text';
    if (format === 'json') io.stdout(renderJson(ledger));
    else if (format === 'markdown') io.stdout(renderMarkdown(ledger, { lang, digits }));
    else io.stdout(renderText(ledger, { lang, digits, color: io.isTTY && io.env.NO_COLOR === undefined }));
    return 0;
  },
};
