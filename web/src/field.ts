import { activate, noGrad, Tensor, type Dense, type Sequential } from 'backprop';
import type { PlayData } from './data.js';
import type { FieldView } from './views/heatmap.js';

/** Grid cells per side of the decision-boundary and neuron heatmaps. */
export const GRID = 48;

/**
 * Every neuron's activation over a GRID × GRID lattice of the plane (row 0 = top), mapped to
 * [−1, 1] for colouring: sigmoid/softmax outputs p → 2p − 1, tanh as is, unbounded ones divided
 * by their largest magnitude. Returns one field per neuron, per dense layer.
 */
export function neuronFields(model: Sequential<Dense>, data: PlayData): FieldView[][] {
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
  return noGrad(() => {
    let a = new Tensor(xs, [n * n, 2]);
    const out: FieldView[][] = [];
    for (const layer of model.layers) {
      a = activate(layer.activation, layer.preActivation(a));
      const units = layer.units;
      const fields: FieldView[] = [];
      for (let j = 0; j < units; j++) {
        const values = new Float64Array(n * n);
        let maxAbs = 1e-12;
        for (let k = 0; k < n * n; k++) {
          values[k] = a.data[k * units + j]!;
          maxAbs = Math.max(maxAbs, Math.abs(values[k]!));
        }
        const act = layer.activation;
        for (let k = 0; k < n * n; k++) {
          const v = values[k]!;
          values[k] = act === 'sigmoid' || act === 'softmax' ? 2 * v - 1 : act === 'tanh' ? v : v / maxAbs;
        }
        fields.push({ n, values });
      }
      out.push(fields);
    }
    return out;
  });
}

/** The decision field: the positive class's output (the last output neuron). */
export function decisionField(fields: FieldView[][]): FieldView {
  const last = fields[fields.length - 1]!;
  return last[last.length - 1]!;
}
