import type { Dense } from './dense.js';
import type { Layer } from './layer.js';

/**
 * Every layer class a {@link Sequential} can hold and a model file can name. The other parts of
 * the library keep one table each keyed by {@link LayerKindName} (src/io/layer-kinds.ts for files,
 * safetensors and ONNX; src/explain/layer-blocks.ts for the ledger), typed as complete records:
 * adding a class here without its entries there is a compile error.
 */
export type AnyLayer = Dense;

/** The kinds of layer, as written in the model file's `"type"`: `'dense'`. */
export type LayerKindName = AnyLayer['kind'];

/** The layer class of a kind. */
export type LayerOfKind<K extends LayerKindName> = Extract<AnyLayer, { kind: K }>;

/**
 * Narrows a layer to its kind's class by its `kind` (the registry's key, not `instanceof`).
 *
 * @example
 * ```ts
 * if (isLayerKind(layer, 'dense')) layer.weight;   // typed as Dense
 * ```
 */
export function isLayerKind<K extends LayerKindName>(layer: Layer, kind: K): layer is LayerOfKind<K> {
  return layer.kind === kind;
}
