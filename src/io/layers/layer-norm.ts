import { BackpropError } from '../../errors.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { declaredNorm, readBoolean, readFeatures, readInto, readPositive, torchVector } from './shared.js';
import type { LayerCodec } from './types.js';

/** The first ONNX opset with a LayerNormalization operator. */
const LAYER_NORM_OPSET = 17;

/**
 * Layer norm in files: `{ "type": "layer_norm", "eps": 1e-5, "elementwise_affine": true,
 * "weight": […], "bias": […] }` (γ = 1, β = 0 when absent). In PyTorch: `nn.LayerNorm(F, eps,
 * elementwise_affine)` (`weight`, `bias`); in ONNX: `LayerNormalization` (opset 17 and later).
 */
export const layerNormCodec: LayerCodec<LayerNorm> = {
  keys: ['features', 'eps', 'elementwise_affine', 'weight', 'bias'],
  parameterFields: { weight: 'weight', bias: 'bias' },

  declared: declaredNorm,

  missingValues: () => null,

  read(json, ctx) {
    const layer = new LayerNorm(readFeatures(json, ctx), { eps: readPositive(json, 'eps', 1e-5, ctx), elementwiseAffine: readBoolean(json, 'elementwise_affine', true, ctx), dtype: ctx.dtype });
    readInto(json, 'weight', layer.weight, 'γ, one per feature', ctx);
    readInto(json, 'bias', layer.bias, 'β, one per feature', ctx);
    return layer;
  },

  write(layer) {
    return {
      type: 'layer_norm',
      eps: layer.eps,
      elementwise_affine: layer.elementwiseAffine,
      ...(layer.weight && layer.bias ? { weight: layer.weight.to1D(), bias: layer.bias.to1D() } : {}),
    };
  },

  specEntry(layer) {
    return { type: 'layer_norm', ...(layer.eps !== 1e-5 && { eps: layer.eps }), ...(!layer.elementwiseAffine && { elementwise_affine: false }) };
  },

  torch(layer) {
    const args = [`[${layer.features}]`, ...(layer.eps !== 1e-5 ? [`eps=${layer.eps}`] : []), ...(layer.elementwiseAffine ? [] : ['elementwise_affine=False'])];
    return [{ module: `nn.LayerNorm(${args.join(', ')})`, tensors: layer.namedParameters() }];
  },

  torchModuleCount: () => 1,

  fromTorch(json, tensor, name) {
    const weight = torchVector(tensor, 'weight', name, null);
    const bias = torchVector(tensor, 'bias', name, weight?.length ?? null);
    if (weight === undefined || bias === undefined) {
      if (json.features === undefined) throw new BackpropError('model-file', `state dict: "${name}.weight" and "${name}.bias" are missing (a LayerNorm without them needs its features in the spec)`);
      return { ...json, type: 'layer_norm', elementwise_affine: false };
    }
    return { ...json, type: 'layer_norm', features: weight.length, elementwise_affine: true, weight, bias };
  },

  onnx(layer, x, out, prefix, opset) {
    if (opset < LAYER_NORM_OPSET) throw new BackpropError('value', `ONNX export: layer norm needs opset ${LAYER_NORM_OPSET} or later (LayerNormalization), got ${opset}`);
    const output = out ?? `${prefix}.layer_norm`;
    const F = layer.features;
    const scale = `${prefix}.scale`;
    const bias = `${prefix}.bias`;
    return {
      output,
      nodes: [{ op: 'LayerNormalization', inputs: [x, scale, bias], output, attributes: [{ name: 'axis', int: -1 }, { name: 'epsilon', float: layer.eps }] }],
      initializers: [
        { name: scale, dims: [F], values: layer.weight?.data ?? new Float64Array(F).fill(1) },
        { name: bias, dims: [F], values: layer.bias?.data ?? new Float64Array(F) },
      ],
    };
  },

  preferredOpset: () => LAYER_NORM_OPSET,
};
