import { BackpropError } from '../../errors.js';
import { noGrad } from '../../autograd/node.js';
import { maybeGunzip } from '../../data/chunks.js';
import { readCsvInputs } from '../../data/csv.js';
import { isCsvPath } from '../../data/load.node.js';
import { scalerFromJSON } from '../../data/scale.js';
import { allocate } from '../../tensor/dtype.js';
import { formatNumber } from '../../tensor/format.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Command } from '../command.js';
import { readMatrixArg } from '../inputs.js';
import { loadModelArg } from '../inputs.js';
import { jsonLine, shown } from '../escape.js';
import type { CliIo } from '../io.js';
import { checkOutputs, messagesIo, writeTo } from '../output.js';

/** `backprop predict MODEL.json --input X` — outputs (and classes) for raw inputs. */
export const predict: Command = {
  name: 'predict',
  summary: "outputs and class names for raw inputs (the model's saved scaling is applied first)",
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a trained model file' }],
    flags: {
      input: { type: 'string', value: 'X', help: 'raw inputs, N×in: inline JSON like [[5.1,3.5,1.4,0.2]], a JSON file, or a CSV file (.csv[.gz]) with the feature columns' },
      out: { type: 'string', value: 'FILE.csv', help: 'write the inputs with the outputs (and the predicted class) as CSV instead of printing them' },
      json: { type: 'boolean', help: 'print one JSON object {outputs, classes?}' },
    },
  },
  examples: [
    'npx backprop predict scratch/iris.json --input "[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]"  # after the second train example',
    'npx backprop predict scratch/iris.json --input "[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]" --out scratch/predictions.csv  # inputs, outputs and classes as CSV',
  ],
  async run(args, io) {
    const path = args.positionals[0]!;
    const { model, preprocessing: pre } = loadModelArg(path, io);
    if (args.flags.input === undefined) throw new BackpropError('argument', 'predict: missing --input X (N×in raw inputs: inline JSON, a JSON file or a CSV file)');
    if (args.flags.out !== undefined && args.flags.json === true) throw new BackpropError('argument', 'predict: give --out FILE.csv or --json, not both');
    const arg = String(args.flags.input);
    if (args.flags.out !== undefined) checkOutputs(io, 'predict', [{ flag: 'out', path: String(args.flags.out) }], [path, arg]);
    const width = model.inputSize;
    const { raw, rows, names } = await readInputs(arg, io, pre?.featureNames, width);
    const scaledInputs = pre?.inputs ? scalerFromJSON(pre.inputs, `${path}: preprocessing.inputs`).transform(raw) : raw;
    const x = allocate(model.dtype, scaledInputs.length);
    x.set(scaledInputs);
    // NOTE: predictions in eval mode (dropout off, batch norm's running statistics), as PyTorch's model.eval().
    let y = noGrad(() => model.eval().forward(new Tensor(x, [rows, width]))).data;
    if (pre?.targets) y = scalerFromJSON(pre.targets, `${path}: preprocessing.targets`).inverse(Float64Array.from(y));
    const k = model.outputSize;
    const act = model.outputActivation;
    const classes = classify(y, rows, k, act, pre?.classNames);
    const outputs = (i: number): number[] => Array.from(y.subarray(i * k, (i + 1) * k));
    if (args.flags.out !== undefined) {
      const out = String(args.flags.out);
      writeTo(io, out, predictionsCsv(raw, rows, width, names, y, k, classes, pre?.classNames));
      messagesIo(io, out === '-').stdout(`wrote ${out === '-' ? 'standard output' : shown(out)}: ${rows} rows, ${width} inputs, ${k} output${k > 1 ? 's' : ''}${classes ? ' and the predicted class' : ''}\n`);
      return 0;
    }
    if (args.flags.json === true) {
      io.stdout(jsonLine({ outputs: Array.from({ length: rows }, (_, i) => outputs(i)), ...(classes && { classes: classes.map((c) => c.name) }) }) + '\n');
      return 0;
    }
    for (let i = 0; i < rows; i++) {
      const c = classes?.[i];
      io.stdout(`${String(i).padStart(String(rows - 1).length)}  [${outputs(i).map((v) => formatNumber(v, 6)).join(', ')}]${c ? `  → ${shown(c.name)}${c.confidence !== undefined ? ` (${(100 * c.confidence).toFixed(1)} %)` : ''}` : ''}\n`);
    }
    return 0;
  },
};

/** The raw inputs of --input: a CSV file (streamed, columns by the model's feature names) or a JSON matrix. */
async function readInputs(arg: string, io: CliIo, featureNames: readonly string[] | undefined, width: number): Promise<{ raw: Float64Array; rows: number; names: readonly string[] }> {
  if (isCsvPath(arg.trim())) {
    const read = await readCsvInputs(maybeGunzip(io.readChunks(arg), arg), { name: arg, ...(featureNames && { features: featureNames }) });
    if (read.inputSize !== width) {
      throw new BackpropError('data', `${arg}: ${read.inputSize} feature columns (${read.featureNames.slice(0, 8).join(', ')}${read.inputSize > 8 ? ', …' : ''}), but the model takes ${width} inputs`);
    }
    return { raw: read.x as Float64Array, rows: read.rows, names: read.featureNames };
  }
  const rows = readMatrixArg(arg, io, '--input', width);
  return { raw: Float64Array.from(rows.flat()), rows: rows.length, names: featureNames ?? Array.from({ length: width }, (_, j) => `x${j + 1}`) };
}

/** The inputs, then the outputs, then the predicted class, as CSV text (a header row, one row per input). */
function predictionsCsv(raw: Float64Array, rows: number, width: number, names: readonly string[], y: ArrayLike<number>, k: number, classes: Prediction[] | null, classNames: readonly string[] | undefined): string {
  const quote = (s: string): string => (/[",\n\r;\t]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s);
  const outNames = k > 1 && classNames?.length === k ? classNames.map((n) => `output ${n}`) : Array.from({ length: k }, (_, j) => (k === 1 ? 'output' : `output${j + 1}`));
  const lines = [[...names, ...outNames, ...(classes ? ['predicted'] : [])].map(quote).join(',')];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < width; j++) cells.push(String(raw[i * width + j]));
    for (let j = 0; j < k; j++) cells.push(String(y[i * k + j]));
    if (classes) cells.push(quote(classes[i]!.name));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

interface Prediction {
  name: string;
  confidence?: number;
}

/** The class of each row, for softmax outputs (largest), one sigmoid (≥ ½) or one tanh (≥ 0) output. */
function classify(y: ArrayLike<number>, rows: number, k: number, act: string, names: readonly string[] | undefined): Prediction[] | null {
  const out: Prediction[] = [];
  if (k > 1 && (act === 'softmax' || names?.length === k)) {
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (y[i * k + j]! > y[i * k + best]!) best = j;
      out.push({ name: names?.[best] ?? String(best), ...(act === 'softmax' && { confidence: y[i * k + best]! }) });
    }
    return out;
  }
  if (k === 1 && (act === 'sigmoid' || act === 'tanh') && (names === undefined || names.length === 2)) {
    const cut = act === 'sigmoid' ? 0.5 : 0;
    for (let i = 0; i < rows; i++) {
      const v = y[i]!;
      const c = v >= cut ? 1 : 0;
      const p = act === 'sigmoid' ? v : (v + 1) / 2;
      out.push({ name: names?.[c] ?? String(c), confidence: c === 1 ? p : 1 - p });
    }
    return out;
  }
  return null;
}
