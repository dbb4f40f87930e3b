import { BackpropError } from '../../errors.js';
import { ACTIVATION_TABLE, ACTIVATIONS, checkActivation, suggest } from '../../nn/activations.js';
import { Dense } from '../../nn/dense.js';
import { INITIALIZERS, type InitializerName } from '../../nn/init.js';
import { checkFlat, checkMatrix, checkSize, checkVector, describe } from '../json-checks.js';
import { MAX_PARAMETERS } from '../limits.js';
import type { LayerCodec } from './types.js';

/**
 * The dense layer in files: `{ "type": "dense", "activation": "sigmoid", "weights": [[…]], "bias": […] }`
 * (weights outputs × inputs), or by sizes `{ "type": "dense", "inputs": 3, "units": 2, "init": … }`
 * drawn from the file's seed. In PyTorch: `nn.Linear(inputs, units)` (`weight`, `bias`) followed
 * by the activation's module when it has one; in ONNX: `Gemm(transB=1)` and the activation's nodes.
 */
export const denseCodec: LayerCodec<Dense> = {
  keys: ['activation', 'weights', 'bias', 'inputs', 'units', 'init'],
  parameterFields: { weight: 'weights', bias: 'bias' },

  declared(json) {
    const { inputs, units } = json;
    const size = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PARAMETERS;
    if (size(inputs) && size(units)) return { parameters: inputs * units + units, size: `${inputs}×${units}` };
    return null;
  },

  missingValues(json) {
    return json.weights === undefined || json.bias === undefined ? 'expected weights and bias to export (initialise the model first)' : null;
  },

  read(json, { at, fail, dtype, rng, width, last }) {
    const activation = json.activation === undefined ? 'linear' : json.activation;
    if (typeof activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(activation)) {
      fail(`${at}.activation`, `expected one of ${ACTIVATIONS.join(', ')}, got ${describe(json.activation)}${suggest(activation, ACTIVATIONS)}`);
    }
    const act = checkActivation(activation, at);
    if (ACTIVATION_TABLE[act].outputOnly === true && !last) fail(`${at}.activation`, `${act} is only supported on the last layer`);
    if (ArrayBuffer.isView(json.weights)) {
      // A large model's weights, flat and row-major, with the sizes given (from a weights file).
      if (json.init !== undefined) fail(`${at}.init`, 'a layer with weights has no initializer');
      const inputs = checkSize(json.inputs, `${at}.inputs`, MAX_PARAMETERS, fail);
      const units = checkSize(json.units, `${at}.units`, MAX_PARAMETERS, fail);
      if (width !== null && inputs !== width) fail(`${at}.inputs`, `expected ${width} (the outputs of the layer before), got ${inputs}`);
      const w = checkFlat(json.weights, `${at}.weights`, inputs * units, fail);
      const b = ArrayBuffer.isView(json.bias) ? checkFlat(json.bias, `${at}.bias`, units, fail) : checkVector(json.bias, `${at}.bias`, units, fail);
      return Dense.fromArrays(w, b, inputs, units, act, dtype);
    }
    if (json.weights !== undefined || json.bias !== undefined) {
      if (json.inputs !== undefined || json.units !== undefined || json.init !== undefined) {
        fail(at, 'give either "weights" and "bias", or "inputs" and "units" (with an optional "init"), not both');
      }
      const rows = checkMatrix(json.weights, `${at}.weights`, width, fail);
      const bias = checkVector(json.bias, `${at}.bias`, rows.length, fail);
      return Dense.fromWeights(rows, bias, act, dtype);
    }
    const inputs = checkSize(json.inputs, `${at}.inputs`, MAX_PARAMETERS, fail);
    const units = checkSize(json.units, `${at}.units`, MAX_PARAMETERS, fail);
    if (width !== null && inputs !== width) fail(`${at}.inputs`, `expected ${width} (the outputs of the layer before), got ${inputs}`);
    let init: InitializerName | undefined;
    if (json.init !== undefined) {
      if (typeof json.init !== 'string' || !(INITIALIZERS as readonly string[]).includes(json.init)) {
        fail(`${at}.init`, `expected one of ${INITIALIZERS.join(', ')}, got ${describe(json.init)}${suggest(json.init, INITIALIZERS)}`);
      }
      init = json.init as InitializerName;
    }
    return Dense.create({ inputs, units, activation: act, rng, dtype, ...(init ? { init } : {}) });
  },

  write(layer, options) {
    if (options?.typed === true) {
      return { type: 'dense', activation: layer.activation, inputs: layer.inputs, units: layer.units, weights: layer.weight.data.slice(), bias: layer.bias.data.slice() };
    }
    return { type: 'dense', activation: layer.activation, weights: layer.weight.to2D(), bias: layer.bias.to1D() };
  },

  specEntry(layer) {
    return { type: 'activation', activation: layer.activation };
  },

  torch(layer) {
    const module = ACTIVATION_TABLE[layer.activation].torch.module;
    return [
      { module: `nn.Linear(${layer.inputs}, ${layer.units})`, tensors: [['weight', layer.weight], ['bias', layer.bias]] },
      ...(module === null ? [] : [{ module, tensors: [] }]),
    ];
  },

  torchModuleCount(json) {
    return ACTIVATION_TABLE[checkActivation(json.activation ?? 'linear', 'dense layer')].torch.module === null ? 1 : 2;
  },

  fromTorch(json, tensor, name) {
    const weight = tensor('weight');
    const bias = tensor('bias');
    if (!weight) throw new BackpropError('model-file', `state dict: "${name}.${bias ? 'bias' : 'weight'}" ${bias ? `has no "${name}.weight"` : 'is missing'}`);
    if (weight.shape.length !== 2) throw new BackpropError('model-file', `state dict: "${name}.weight" must have rank 2 (outputs × inputs), got shape [${weight.shape.join(', ')}]`);
    const [rows, cols] = weight.shape as [number, number];
    if (rows < 1 || cols < 1) throw new BackpropError('model-file', `state dict: "${name}.weight" has an empty shape [${rows}, ${cols}]`);
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== rows)) {
      throw new BackpropError('model-file', `state dict: "${name}.bias" must have shape [${rows}], got [${bias.shape.join(', ')}]`);
    }
    const weights: number[][] = [];
    for (let o = 0; o < rows; o++) weights.push(Array.from(weight.data.subarray(o * cols, (o + 1) * cols)));
    // NOTE: a Linear(bias=False) has no bias tensor: zeros.
    return { type: 'dense', activation: json.activation ?? 'linear', weights, bias: bias ? Array.from(bias.data) : new Array<number>(rows).fill(0) };
  },

  onnx(layer, x, out, prefix, opset) {
    const w = `${prefix}.weight`;
    const b = `${prefix}.bias`;
    const spec = ACTIVATION_TABLE[layer.activation];
    const plain = layer.activation === 'linear';
    const output = out ?? `${prefix}.${layer.activation}`;
    const gemmOut = plain ? output : `${prefix}.linear`;
    const act = spec.onnx(gemmOut, output, `${prefix}.${layer.activation}`, opset);
    return {
      output,
      nodes: [{ op: 'Gemm', inputs: [x, w, b], output: gemmOut, attributes: [{ name: 'transB', int: 1 }] }, ...(plain ? [] : act.nodes)],
      initializers: [
        { name: w, dims: [layer.units, layer.inputs], values: layer.weight.data },
        { name: b, dims: [layer.units], values: layer.bias.data },
        ...(act.constants ?? []).map((c) => ({ name: c.name, dims: [], values: [c.value] })),
      ],
    };
  },

  preferredOpset(layer) {
    return ACTIVATION_TABLE[layer.activation].preferredOpset ?? 13;
  },
};
