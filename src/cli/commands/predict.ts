import { BackpropError } from '../../errors.js';
import { noGrad } from '../../autograd/node.js';
import { parseCsvRecords, csvNumber } from '../../data/csv.js';
import { scalerFromJSON } from '../../data/scale.js';
import type { PreprocessingFile } from '../../io/model-file.js';
import { argmax } from '../../tensor/extent.js';
import { formatNumber } from '../../tensor/format.js';
import { jsonLine, shown } from '../escape.js';
import { tensor } from '../../tensor/create.js';
import type { Command } from '../command.js';
import { loadModelArg, readMatrixArg } from '../inputs.js';
import type { CliIo } from '../io.js';

/** `backprop predict MODEL.json --input X` — outputs (and classes) for raw inputs. */
export const predict: Command = {
  name: 'predict',
  summary: "outputs and class names for raw inputs (the model's saved scaling is applied first)",
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a trained model file' }],
    flags: {
      input: { type: 'string', value: 'X', help: 'raw inputs, N×in: inline JSON like [[5.1,3.5,1.4,0.2]], a JSON file, or a CSV file with the feature columns' },
      json: { type: 'boolean', help: 'print one JSON object {outputs, classes?}' },
    },
  },
  examples: ['backprop predict iris.json --input "[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]"  # after the second train example'],
  run(args, io) {
    const path = args.positionals[0]!;
    const { model, preprocessing: pre } = loadModelArg(path, io);
    if (args.flags.input === undefined) throw new BackpropError('argument', 'predict: missing --input X (N×in raw inputs: inline JSON, a JSON file or a CSV file)');
    const arg = String(args.flags.input);
    const width = model.inputSize;
    const rows = arg.trim().toLowerCase().endsWith('.csv') ? readCsvInputs(arg, io, pre, width) : readMatrixArg(arg, io, '--input', width);
    const raw = Float64Array.from(rows.flat());
    const x = pre?.inputs ? scalerFromJSON(pre.inputs, `${path}: preprocessing.inputs`).transform(raw) : raw;
    const y = noGrad(() => model.forward(tensor(Array.from({ length: rows.length }, (_, i) => Array.from(x.subarray(i * width, (i + 1) * width))), { dtype: model.dtype })));
    let outputs = y.to2D();
    if (pre?.targets) {
      const inv = scalerFromJSON(pre.targets, `${path}: preprocessing.targets`).inverse(Float64Array.from(outputs.flat()));
      outputs = outputs.map((r, i) => Array.from(inv.subarray(i * r.length, (i + 1) * r.length)));
    }
    const act = model.layers[model.layers.length - 1]!.activation;
    const classes = classify(outputs, act, pre?.classNames);
    if (args.flags.json === true) {
      io.stdout(jsonLine({ outputs, ...(classes && { classes: classes.map((c) => c.name) }) }) + '\n');
      return 0;
    }
    outputs.forEach((r, i) => {
      const c = classes?.[i];
      io.stdout(`${String(i).padStart(String(rows.length - 1).length)}  [${r.map((v) => formatNumber(v, 6)).join(', ')}]${c ? `  → ${shown(c.name)}${c.confidence !== undefined ? ` (${(100 * c.confidence).toFixed(1)} %)` : ''}` : ''}\n`);
    });
    return 0;
  },
};

/** The class of each row, for softmax outputs (largest), one sigmoid (≥ ½) or one tanh (≥ 0) output. */
function classify(outputs: number[][], act: string, names: readonly string[] | undefined): { name: string; confidence?: number }[] | null {
  const k = outputs[0]!.length;
  if (k > 1 && (act === 'softmax' || names?.length === k)) {
    return outputs.map((r) => {
      const best = argmax(r);
      return { name: names?.[best] ?? String(best), ...(act === 'softmax' && { confidence: r[best]! }) };
    });
  }
  if (k === 1 && (act === 'sigmoid' || act === 'tanh') && (names === undefined || names.length === 2)) {
    const cut = act === 'sigmoid' ? 0.5 : 0;
    return outputs.map((r) => {
      const c = r[0]! >= cut ? 1 : 0;
      const p = act === 'sigmoid' ? r[0]! : (r[0]! + 1) / 2;
      return { name: names?.[c] ?? String(c), confidence: c === 1 ? p : 1 - p };
    });
  }
  return null;
}

/** Rows of a CSV file: the model's feature columns by name when it has them, else every column. */
function readCsvInputs(path: string, io: CliIo, pre: PreprocessingFile | undefined, width: number): number[][] {
  const records = parseCsvRecords(io.readText(path), { name: path });
  const header = records[0];
  if (!header) throw new BackpropError('data', `${path}: the file is empty, expected a header row`);
  const names = pre?.featureNames ?? header.fields;
  const cols = names.map((n) => {
    const j = header.fields.indexOf(n);
    if (j < 0) throw new BackpropError('data', `${path}: no column ${JSON.stringify(n)} (the model's features are ${names.join(', ')}; the file has ${header.fields.join(', ')})`);
    return j;
  });
  if (cols.length !== width) throw new BackpropError('data', `${path}: ${cols.length} feature columns, but the model takes ${width} inputs`);
  return records.slice(1).map((r) =>
    cols.map((j, k) => {
      const v = csvNumber(r.fields[j] ?? '');
      if (v === undefined) throw new BackpropError('data', `${path} line ${r.line}, column ${JSON.stringify(names[k])}: expected a number, got ${JSON.stringify(r.fields[j] ?? '')}`);
      return v;
    }),
  );
}
