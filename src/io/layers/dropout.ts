import { Dropout } from '../../nn/dropout.js';
import { Rng } from '../../tensor/rng.js';
import { describe } from '../json-checks.js';
import { readFeatures } from './shared.js';
import type { LayerCodec } from './types.js';

/**
 * Dropout in files: `{ "type": "dropout", "p": 0.2 }` (its width is the layer before's; its masks
 * are drawn from a generator seeded from the file's seed). In PyTorch: `nn.Dropout(p=0.2)`, no
 * tensors; in ONNX: a `Dropout` node, the identity at inference.
 */
export const dropoutCodec: LayerCodec<Dropout> = {
  keys: ['p', 'features'],
  parameterFields: {},

  declared: () => null,
  missingValues: () => null,

  read(json, ctx) {
    const p = json.p === undefined ? 0.5 : json.p;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) ctx.fail(`${ctx.at}.p`, `expected a probability in [0, 1], got ${describe(json.p)}`);
    return new Dropout(readFeatures(json, ctx), { p: p as number, rng: new Rng(ctx.rng.nextUint32()) });
  },

  write(layer) {
    return { type: 'dropout', p: layer.p };
  },

  specEntry(layer) {
    return { type: 'dropout', p: layer.p };
  },

  torch(layer) {
    return [{ module: `nn.Dropout(p=${layer.p})`, tensors: [] }];
  },

  torchModuleCount: () => 1,

  fromTorch(json) {
    return { type: 'dropout', p: json.p ?? 0.5 };
  },

  onnx(layer, x, out, prefix) {
    const output = out ?? `${prefix}.dropout`;
    const ratio = `${prefix}.ratio`;
    return { output, nodes: [{ op: 'Dropout', inputs: [x, ratio], output }], initializers: [{ name: ratio, dims: [], values: [layer.p] }] };
  },

  preferredOpset: () => 13,
};
