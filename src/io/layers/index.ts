import type { LayerKindName, LayerOfKind } from '../../nn/layer-kinds.js';
import type { Layer } from '../../nn/layer.js';
import { denseCodec } from './dense.js';
import type { LayerCodec } from './types.js';

/**
 * How every layer kind is written and read — model file, PyTorch state dict (safetensors), ONNX —
 * by kind. Typed as a complete record over {@link LayerKindName}: a kind without its codec does not compile.
 */
export const LAYER_CODECS: { readonly [K in LayerKindName]: LayerCodec<LayerOfKind<K>> } = {
  dense: denseCodec,
};

/** Every kind's name, as the model file's `"type"` accepts it. */
export const LAYER_KIND_NAMES = Object.keys(LAYER_CODECS) as readonly LayerKindName[];

/** The codec of a layer (by its `kind`). */
export function codecOf(layer: Layer): LayerCodec<Layer> {
  return LAYER_CODECS[layer.kind as LayerKindName] as unknown as LayerCodec<Layer>;
}

export type { LayerCodec, LayerReadContext, OnnxInitializer, OnnxLayerGraph, TorchModule } from './types.js';
