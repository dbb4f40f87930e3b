import { validateForModel } from '../../data/validate.js';
import { LOSSES, type LossName } from '../../nn/losses.js';
import { formatNumber } from '../../tensor/format.js';
import { examineModel } from '../../train/health/examine.js';
import { healthTable } from '../../train/health/table.js';
import { formatHealth, healthMessage, type HealthLang } from '../../train/health/words.js';
import type { Command } from '../command.js';
import { jsonLine, shown, shownLines } from '../escape.js';
import { loadModelArg } from '../inputs.js';
import { shownEvidence } from '../train-health.js';
import { chosenRows, CHOSEN_ROWS_FLAGS } from './eval.js';

/** `backprop health MODEL.json --data …` — why a trained model does (not) work: every layer examined on data, and the diagnoses. */
export const healthCommand: Command = {
  name: 'health',
  summary: "examine a trained model on data: each layer's outputs, dead and saturated units, gradient flow, and what is wrong",
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a trained model file (its saved preprocessing is applied to the data)' }],
    flags: {
      ...CHOSEN_ROWS_FLAGS,
      loss: { type: 'string', choices: LOSSES, help: "loss (default: the model file's)" },
      rows: { type: 'int', value: 'N', min: 1, help: 'rows examined, evenly spaced through the part (default 512)' },
      lang: { type: 'string', choices: ['en', 'ko'], help: 'language (default en)' },
      json: { type: 'boolean', help: 'print one JSON object: the baseline, the check and the diagnoses' },
    },
  },
  examples: [
    'npx backprop health examples/xor-model.json --data xor  # an untrained 2-4-1 network, every layer measured',
    'npx backprop health examples/xor-model.json --data xor --lang ko --rows 100',
  ],
  async run(args, io) {
    const f = args.flags;
    const path = args.positionals[0]!;
    const loaded = loadModelArg(path, io);
    const { model } = loaded;
    const loss = (f.loss as LossName | undefined) ?? loaded.loss;
    const lang: HealthLang = f.lang === 'ko' ? 'ko' : 'en';
    const { part, ds, scaler } = await chosenRows(f, io, loaded, path, 'health');
    validateForModel(ds, { inputSize: model.inputSize, outputSize: model.outputSize, outputActivation: model.outputActivation, loss });
    const h = examineModel(model, ds, { loss, ...(f.rows !== undefined && { rows: f.rows as number }) });
    if (f.json === true) {
      io.stdout(jsonLine(h) + '\n');
      return 0;
    }
    io.stdout(
      `${shown(path)}: ${model.sizes.join('-')} (${loss}) on ${shown(String(f.data))}, ${part === 'all' ? 'all rows' : `${part} part`}: ${h.rows} of ${ds.rows} rows${scaler ? ', inputs scaled with the saved statistics' : ''}\n` +
        `loss ${formatNumber(h.check.loss, 6)}, chance level ${formatNumber(h.baseline.chance, 6)}\n\n`,
    );
    // NOTE: the table and the diagnoses name columns and classes from the user's files: escaped line by line.
    io.stdout(shownLines(healthTable(h.check, h.diagnoses.map(shownEvidence), lang, healthMessage(lang, 'table.titleModel', { rows: h.rows }))));
    if (h.diagnoses.length > 0) io.stdout('\n' + shownLines(h.diagnoses.map((d) => formatHealth(shownEvidence(d), lang)).join('')));
    return 0;
  },
};
