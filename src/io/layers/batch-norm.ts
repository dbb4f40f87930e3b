import { BackpropError } from '../../errors.js';
import { BatchNorm1d } from '../../nn/batch-norm.js';
import { describe } from '../json-checks.js';
import { declaredNorm, readBoolean, readFeatures, readInto, readPositive, torchVector } from './shared.js';
import type { LayerCodec } from './types.js';

/**
 * Batch norm in files, with PyTorch's names and defaults:
 * `{ "type": "batch_norm", "eps": 1e-5, "momentum": 0.1, "affine": true, "weight": […], "bias": […],
 * "running_mean": […], "running_var": […], "num_batches_tracked": 3 }` — every field optional
 * (γ = 1, β = 0, running mean 0 and variance 1 when absent; `"momentum": null` for a cumulative
 * average). In PyTorch: `nn.BatchNorm1d(F, eps, momentum, affine)` with its five state-dict
 * tensors; in ONNX: `BatchNormalization` with the running statistics (inference).
 */
export const batchNormCodec: LayerCodec<BatchNorm1d> = {
  keys: ['features', 'eps', 'momentum', 'affine', 'weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'],
  parameterFields: { weight: 'weight', bias: 'bias' },

  declared: declaredNorm,

  missingValues: () => null,

  read(json, ctx) {
    const { at, fail } = ctx;
    let momentum: number | null = 0.1;
    if (json.momentum !== undefined) {
      if (json.momentum !== null && (typeof json.momentum !== 'number' || !(json.momentum >= 0 && json.momentum <= 1))) {
        fail(`${at}.momentum`, `expected a number in [0, 1] or null (a cumulative average), got ${describe(json.momentum)}`);
      }
      momentum = json.momentum as number | null;
    }
    const layer = new BatchNorm1d(readFeatures(json, ctx), { eps: readPositive(json, 'eps', 1e-5, ctx), momentum, affine: readBoolean(json, 'affine', true, ctx), dtype: ctx.dtype });
    readInto(json, 'weight', layer.weight, 'γ, one per feature', ctx);
    readInto(json, 'bias', layer.bias, 'β, one per feature', ctx);
    readInto(json, 'running_mean', layer.runningMean, 'one per feature', ctx);
    readInto(json, 'running_var', layer.runningVar, 'one per feature', ctx);
    if ([...layer.runningVar.data].some((v) => v < 0)) fail(`${at}.running_var`, 'expected variances ≥ 0');
    const n = json.num_batches_tracked;
    if (n !== undefined) {
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(`${at}.num_batches_tracked`, `expected an integer ≥ 0, got ${describe(n)}`);
      layer.numBatchesTracked.data[0] = n as number;
    }
    return layer;
  },

  write(layer) {
    return {
      type: 'batch_norm',
      eps: layer.eps,
      momentum: layer.momentum,
      affine: layer.affine,
      ...(layer.weight && layer.bias ? { weight: layer.weight.to1D(), bias: layer.bias.to1D() } : {}),
      running_mean: layer.runningMean.to1D(),
      running_var: layer.runningVar.to1D(),
      num_batches_tracked: layer.numBatchesTracked.data[0]!,
    };
  },

  specEntry(layer) {
    return { type: 'batch_norm', ...(layer.eps !== 1e-5 && { eps: layer.eps }), ...(layer.momentum !== 0.1 && { momentum: layer.momentum }), ...(!layer.affine && { affine: false }) };
  },

  torch(layer) {
    const args = [String(layer.features), ...(layer.eps !== 1e-5 ? [`eps=${layer.eps}`] : []), ...(layer.momentum !== 0.1 ? [`momentum=${layer.momentum === null ? 'None' : layer.momentum}`] : []), ...(layer.affine ? [] : ['affine=False'])];
    return [{ module: `nn.BatchNorm1d(${args.join(', ')})`, tensors: [...layer.namedParameters(), ...layer.namedBuffers()], integers: ['num_batches_tracked'] }];
  },

  torchModuleCount: () => 1,

  fromTorch(json, tensor, name) {
    const mean = torchVector(tensor, 'running_mean', name, null);
    if (mean === undefined) throw new BackpropError('model-file', `state dict: "${name}.running_mean" is missing (a BatchNorm1d has running_mean and running_var)`);
    const features = mean.length;
    const variance = torchVector(tensor, 'running_var', name, features);
    if (variance === undefined) throw new BackpropError('model-file', `state dict: "${name}.running_var" is missing`);
    const weight = torchVector(tensor, 'weight', name, features);
    const bias = torchVector(tensor, 'bias', name, features);
    const affine = json.affine ?? (weight !== undefined || bias !== undefined);
    const count = tensor('num_batches_tracked');
    if (count !== undefined && count.data.length !== 1) throw new BackpropError('model-file', `state dict: "${name}.num_batches_tracked" must hold one number, got shape [${count.shape.join(', ')}]`);
    return {
      ...json,
      type: 'batch_norm',
      features,
      affine,
      ...(affine ? { weight: weight ?? new Array<number>(features).fill(1), bias: bias ?? new Array<number>(features).fill(0) } : {}),
      running_mean: mean,
      running_var: variance,
      num_batches_tracked: count === undefined ? 0 : count.data[0]!,
    };
  },

  onnx(layer, x, out, prefix) {
    const output = out ?? `${prefix}.batch_norm`;
    const F = layer.features;
    const names = ['scale', 'bias', 'running_mean', 'running_var'].map((n) => `${prefix}.${n}`);
    const values = [layer.weight?.data ?? new Float64Array(F).fill(1), layer.bias?.data ?? new Float64Array(F), layer.runningMean.data, layer.runningVar.data];
    return {
      output,
      nodes: [{ op: 'BatchNormalization', inputs: [x, ...names], output, attributes: [{ name: 'epsilon', float: layer.eps }] }],
      initializers: names.map((name, i) => ({ name, dims: [F], values: values[i]! })),
    };
  },

  preferredOpset: () => 13,
};
