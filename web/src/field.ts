import { ACTIVATION_TABLE, forwardTrace, Tensor, type ActivationName } from 'backprop';
import type { PlayData } from './data.js';
import { blocks, type PlayModel } from './net.js';
import type { FieldView } from './views/heatmap.js';

/** Grid cells per side of the decision-boundary and neuron heatmaps. */
export const GRID = 48;

/**
 * Every neuron's output over a GRID × GRID lattice of the plane (row 0 = top), from the library's
 * `forwardTrace`, mapped to [−1, 1] for colouring: an activation with a bounded range (its table
 * entry's `range`: sigmoid and softmax [0, 1], tanh [−1, 1]) is stretched over it, an unbounded
 * one divided by its largest magnitude. Returns one field per neuron, per dense layer: the output of
 * its block (after batch norm and the activation), in eval mode (running statistics, no dropout)
 * as predictions are made.
 */
export function neuronFields(model: PlayModel, data: PlayData): FieldView[][] {
  const [x0, x1, y0, y1] = data.domain!;
  const n = GRID;
  const xs = new Float64Array(n * n * 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const k = r * n + c;
      xs[2 * k] = x0 + ((c + 0.5) / n) * (x1 - x0);
      xs[2 * k + 1] = y1 - ((r + 0.5) / n) * (y1 - y0);
    }
  }
  const traces = model.withMode(false, () => forwardTrace(model, new Tensor(xs, [n * n, 2])));
  return blocks(model).map((block) => {
    const trace = traces[block.end]!;
    const a = trace.output.data;
    const units = trace.output.shape[1]!;
    let act: ActivationName | null = null;
    for (let i = block.dense; i <= block.end; i++) act = model.layers[i]!.endsWith ?? act;
    const { low, high } = act === null ? {} : ACTIVATION_TABLE[act].range;
    const fields: FieldView[] = [];
    for (let j = 0; j < units; j++) {
      const values = new Float64Array(n * n);
      let maxAbs = 1e-12;
      for (let k = 0; k < n * n; k++) maxAbs = Math.max(maxAbs, Math.abs(a[k * units + j]!));
      for (let k = 0; k < n * n; k++) {
        const v = a[k * units + j]!;
        values[k] = low !== undefined && high !== undefined ? (2 * (v - low)) / (high - low) - 1 : v / maxAbs;
      }
      fields.push({ n, values });
    }
    return fields;
  });
}

/** The decision field: the positive class's output (the last output neuron). */
export function decisionField(fields: FieldView[][]): FieldView {
  const last = fields[fields.length - 1]!;
  return last[last.length - 1]!;
}
