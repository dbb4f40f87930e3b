import { BackpropError } from '../../errors.js';
import { checkLoss, LOSSES } from '../../nn/losses.js';
import { SEED, seedNetwork } from '../../nn/seed.js';
import { tensor } from '../../tensor/create.js';
import type { Command } from '../command.js';
import { loadModelArg, matrixArg } from '../inputs.js';
import { practiceCliText } from '../locales/practice.js';

/**
 * `backprop check [MODEL.json] [--input X --target T] --param NAME --answer X [--updated] [--lr X]
 * [--lang en|ko] [--json]` — grades one's own hand calculation of a gradient (or of a weight after
 * one update) on one's own network, naming the mistake when it is one. Without a model, the seed
 * notebook's network and sample.
 */
export const check: Command = {
  name: 'check',
  summary: 'check a gradient worked out by hand: right, or which mistake gives that number (the seed network by default)',
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a model file (default: the seed notebook’s network)', optional: true }],
    flags: {
      param: { type: 'string', value: 'NAME', help: 'the parameter: w41, W2[0][0], b2[1], 0.weight[0][0], or the notebook’s bw41, bb2' },
      answer: { type: 'number', value: 'X', help: 'your value of ∂E/∂NAME (or, with --updated, of NAME after one update)' },
      updated: { type: 'boolean', help: 'the answer is the parameter after one step w ← w − η·∂E/∂w, not the gradient' },
      input: { type: 'string', value: 'X', help: 'inputs, N×in: inline JSON like [[1,2,3]] or a JSON file (default: the seed’s)' },
      target: { type: 'string', value: 'T', help: 'targets, N×out: inline JSON or a JSON file (default: the seed’s)' },
      lr: { type: 'number', value: 'X', above: 0, help: 'learning rate η of the update (default 0.5)' },
      loss: { type: 'string', choices: LOSSES, help: "cost function (default: the model file's, sse for the seed)" },
      lang: { type: 'string', choices: ['en', 'ko'], help: 'language: en (English) or ko (한국어, Korean); default en' },
      json: { type: 'boolean', help: 'print the graded answer as JSON' },
    },
  },
  examples: [
    'npx backprop check --param w41 --answer 0.0809',
    'npx backprop check --param bb2 --answer 0.16377596 --lang ko',
    'npx backprop check examples/seed-model.json --input "[[1,2,3]]" --target "[[0.5,0.1]]" --param w41 --updated --answer 0.6798',
  ],
  async run(args, io) {
    const lib = await import('../../explain/index.js');
    if (args.flags.param === undefined) throw new BackpropError('argument', 'check: missing --param NAME (the parameter whose gradient you worked out, e.g. --param w41)');
    if (args.flags.answer === undefined) throw new BackpropError('argument', 'check: missing --answer X (your value, e.g. --answer 0.0405)');
    const lang = lib.checkLang(args.flags.lang ?? 'en');
    const path = args.positionals[0];
    const loaded = path === undefined ? { model: seedNetwork(), loss: SEED.loss } : loadModelArg(path, io);
    const { model } = loaded;
    if (path !== undefined && (args.flags.input === undefined || args.flags.target === undefined)) {
      throw new BackpropError('argument', 'check: a model file needs --input X and --target T (the samples of your calculation), e.g. --input "[[1,2,3]]" --target "[[0.5,0.1]]"');
    }
    const x = args.flags.input === undefined ? tensor(SEED.input.map((r) => [...r])) : matrixArg(String(args.flags.input), io, '--input', model.dtype, model.inputSize);
    const t = args.flags.target === undefined ? tensor(SEED.target.map((r) => [...r])) : matrixArg(String(args.flags.target), io, '--target', model.dtype, model.outputSize);
    const loss = args.flags.loss !== undefined ? checkLoss(args.flags.loss, '--loss') : loaded.loss;
    const name = String(args.flags.param);
    // NOTE: the notebook names a gradient after its weight (bw41, bb2); a network too large for a whole ledger gets one narrowed to the parameter.
    const plain = name.trim().replace(/^b(?=[wb]\d)/, '');
    const narrow = model.parameterCount() > 5000 ? { param: plain } : {};
    const ledger = lib.explain(model, x, t, { loss, lr: (args.flags.lr as number | undefined) ?? SEED.lr, ...narrow });
    const d = lib.checkAnswer(ledger, name, args.flags.updated === true ? 'updated' : 'gradient', args.flags.answer as number);
    if (args.flags.json === true) {
      io.stdout(JSON.stringify(lib.diagnosisReport(ledger, d, { lang }), null, 1) + '\n');
      return 0;
    }
    // NOTE: a name covering several parameters (b2) was graded against each: say which one the verdict is about.
    const graded = ledger.params.find((p) => p.id === d.question.param)!;
    const head = plain === graded.id || plain === graded.notebook ? '' : `${practiceCliText(lang)('forParam', { param: graded.id })}\n`;
    io.stdout(head + lib.renderBlocksText(lib.feedbackBlocks(ledger, d, { lang }), { color: io.isTTY && io.env.NO_COLOR === undefined }));
    return 0;
  },
};
