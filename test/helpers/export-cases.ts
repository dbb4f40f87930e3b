// The cases of the PyTorch-export fixture (scripts/fixtures/make_export_fixture.ts writes the
// numbers, test/export-pytorch.test.ts checks them): a starting model, its CSV, the export flags.
import { parseCsv } from '../../src/data/csv.js';
import { MinMaxScaler, Standardizer } from '../../src/data/scale.js';
import { toModelFile, type ModelFile } from '../../src/io/model-file.js';
import type { ActivationName } from '../../src/nn/activations.js';
import type { LossName } from '../../src/nn/losses.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Rng } from '../../src/tensor/rng.js';

export interface ExportCase {
  name: string;
  sizes: number[];
  activation: ActivationName;
  output: ActivationName;
  loss: LossName;
  scale: 'standardize' | 'minmax';
  csv: string;
  target: string;
  task: 'classification' | 'regression';
  flags: string[];
  steps: number;
}

/** A CSV of `rows` rows: `cols` feature columns f1… drawn from `seed`, and a target column from `label`. */
function table(rows: number, cols: number, seed: number, label: (x: number[], i: number) => string): string {
  const rng = new Rng(seed);
  const lines = [[...Array.from({ length: cols }, (_, j) => `f${j + 1}`), 'y'].join(',')];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: cols }, () => Math.round(rng.normal() * 1e4) / 1e3 + 2);
    lines.push([...x, label(x, i)].join(','));
  }
  return lines.join('\n') + '\n';
}

export const EXPORT_CASES: ExportCase[] = [
  {
    name: 'adam-cross-entropy-softmax-standardize', sizes: [4, 6, 3], activation: 'relu', output: 'softmax', loss: 'cross_entropy', scale: 'standardize',
    csv: table(15, 4, 1, (_x, i) => ['cat', 'dog', 'fox'][i % 3]!), target: 'y', task: 'classification',
    flags: ['--optimizer', 'adam', '--lr', '0.01', '--batch-size', '5', '--epochs', '2'], steps: 6,
  },
  {
    name: 'sgd-nesterov-sse-sigmoid-minmax', sizes: [3, 4, 2], activation: 'sigmoid', output: 'sigmoid', loss: 'sse', scale: 'minmax',
    csv: table(12, 3, 2, (x) => (x[0]! > 2 ? 'hi' : 'lo')), target: 'y', task: 'classification',
    flags: ['--optimizer', 'sgd', '--lr', '0.5', '--momentum', '0.9', '--nesterov', '--batch-size', '4', '--epochs', '3', '--schedule', 'step:1:0.5'], steps: 9,
  },
  {
    name: 'rmsprop-mse-regression-step', sizes: [3, 5, 1], activation: 'tanh', output: 'linear', loss: 'mse', scale: 'standardize',
    csv: table(10, 3, 3, (x) => String(Math.round((x[0]! - 0.5 * x[1]! + 0.1 * x[2]!) * 1e3) / 1e3)), target: 'y', task: 'regression',
    flags: ['--optimizer', 'rmsprop', '--lr', '0.01', '--momentum', '0.5', '--weight-decay', '0.01', '--batch-size', '3', '--epochs', '3', '--schedule', 'exp:0.8'], steps: 12,
  },
  {
    name: 'adamw-bce-one-output-cosine', sizes: [2, 4, 1], activation: 'elu', output: 'sigmoid', loss: 'bce', scale: 'minmax',
    csv: table(8, 2, 4, (x) => (x[0]! + x[1]! > 4 ? 'yes' : 'no')), target: 'y', task: 'classification',
    flags: ['--optimizer', 'adamw', '--lr', '0.05', '--weight-decay', '0.1', '--batch-size', '3', '--epochs', '4', '--schedule', 'cosine'], steps: 12,
  },
];

/** The case's starting model: seeded float64 weights, the CSV's columns and classes, the inputs' scaling. */
export function startingModel(c: ExportCase): ModelFile {
  const model = Sequential.mlp(c.sizes, { activation: c.activation, output: c.output, rng: new Rng(7), dtype: 'float64' });
  const ds = parseCsv(c.csv, { target: c.target, task: c.task });
  const scaler = c.scale === 'standardize' ? Standardizer.fit(ds.x, ds.inputSize) : MinMaxScaler.fit(ds.x, ds.inputSize);
  return toModelFile(model, c.loss, {
    inputs: { ...scaler.toJSON() },
    featureNames: [...ds.featureNames!],
    targetColumns: [c.target],
    ...(ds.classNames && { classNames: [...ds.classNames] }),
  });
}
