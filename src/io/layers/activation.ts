import { ACTIVATION_TABLE, ACTIVATIONS, checkActivation, suggest } from '../../nn/activations.js';
import { Activation } from '../../nn/activation-layer.js';
import { describe } from '../json-checks.js';
import { readFeatures } from './shared.js';
import type { LayerCodec } from './types.js';

/**
 * An activation layer in files: `{ "type": "activation", "activation": "relu" }` (its width is the
 * layer before's; `"features"` only for a first layer). In PyTorch: the activation's module
 * (`nn.ReLU()`; `nn.Identity()` for linear); in ONNX: the activation's nodes.
 */
export const activationCodec: LayerCodec<Activation> = {
  keys: ['activation', 'features'],
  parameterFields: {},

  declared: () => null,
  missingValues: () => null,

  read(json, ctx) {
    const { at, fail } = ctx;
    if (typeof json.activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(json.activation)) {
      fail(`${at}.activation`, `expected one of ${ACTIVATIONS.join(', ')}, got ${describe(json.activation)}${suggest(json.activation, ACTIVATIONS)}`);
    }
    const act = checkActivation(json.activation, at);
    if (ACTIVATION_TABLE[act].outputOnly === true && !ctx.last) fail(`${at}.activation`, `${act} is only supported as the output activation`);
    return new Activation(readFeatures(json, ctx), act);
  },

  write(layer) {
    return { type: 'activation', activation: layer.activation };
  },

  specEntry(layer) {
    return { type: 'activation', activation: layer.activation };
  },

  torch(layer) {
    return [{ module: ACTIVATION_TABLE[layer.activation].torch.module ?? 'nn.Identity()', tensors: [] }];
  },

  torchModuleCount: () => 1,

  fromTorch(json) {
    return { type: 'activation', activation: json.activation ?? 'linear' };
  },

  onnx(layer, x, out, prefix, opset) {
    const output = out ?? `${prefix}.${layer.activation}`;
    if (layer.activation === 'linear') return { output, nodes: [{ op: 'Identity', inputs: [x], output }], initializers: [] };
    const act = ACTIVATION_TABLE[layer.activation].onnx(x, output, `${prefix}.${layer.activation}`, opset);
    return { output, nodes: act.nodes, initializers: (act.constants ?? []).map((c) => ({ name: c.name, dims: [], values: [c.value] })) };
  },

  preferredOpset(layer) {
    return ACTIVATION_TABLE[layer.activation].preferredOpset ?? 13;
  },
};
