import { BackpropError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkSize, checkVector, describe } from '../json-checks.js';
import { MAX_PARAMETERS } from '../limits.js';
import type { SafetensorsTensor } from '../safetensors.js';
import type { LayerReadContext } from './types.js';

/**
 * What a normalisation entry declares (γ and β, one per feature), counted before anything is
 * allocated; null when `features` is absent or not a sane count (the reader then says why).
 */
export function declaredNorm(json: Readonly<Record<string, unknown>>): { parameters: number; size: string } | null {
  const f = json.features;
  return typeof f === 'number' && Number.isInteger(f) && f >= 1 && f <= MAX_PARAMETERS ? { parameters: 2 * f, size: `${f} features` } : null;
}

/**
 * The width of a layer that keeps it (activation, normalisation, dropout): the entry's `"features"`
 * when given (it must agree with the layer before), else the width coming in; the first layer
 * must say it.
 */
export function readFeatures(json: Readonly<Record<string, unknown>>, { at, fail, width }: LayerReadContext): number {
  if (json.features === undefined) {
    if (width === null) return fail(`${at}.features`, 'expected the number of features (the first layer has no layer before it to take them from)');
    return width;
  }
  const features = checkSize(json.features, `${at}.features`, MAX_PARAMETERS, fail);
  if (width !== null && features !== width) fail(`${at}.features`, `expected ${width} (the outputs of the layer before), got ${features}`);
  return features;
}

/** The entry's `key` as a number > 0 (default `fallback`). */
export function readPositive(json: Readonly<Record<string, unknown>>, key: string, fallback: number, { at, fail }: LayerReadContext): number {
  const v = json[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(Number.isFinite(v) && v > 0)) return fail(`${at}.${key}`, `expected a number > 0, got ${describe(v)}`);
  return v;
}

/** The entry's `key` as true or false (default `fallback`). */
export function readBoolean(json: Readonly<Record<string, unknown>>, key: string, fallback: boolean, { at, fail }: LayerReadContext): boolean {
  const v = json[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') return fail(`${at}.${key}`, `expected true or false, got ${describe(v)}`);
  return v;
}

/** Copies the entry's vector `key` (F finite numbers) into `t`, when the entry has it. */
export function readInto(json: Readonly<Record<string, unknown>>, key: string, t: Tensor | null, what: string, { at, fail }: LayerReadContext): void {
  if (json[key] === undefined) return;
  if (t === null) return fail(`${at}.${key}`, `unexpected: the layer has no ${key} (${what})`);
  t.data.set(checkVector(json[key], `${at}.${key}`, t.size, fail, what));
}

/** A state-dict vector of `features` numbers, or undefined when absent; wrong shapes are errors naming it. */
export function torchVector(tensor: (local: string) => SafetensorsTensor | undefined, local: string, name: string, features: number | null): number[] | undefined {
  const t = tensor(local);
  if (t === undefined) return undefined;
  if (t.shape.length !== 1 || (features !== null && t.shape[0] !== features)) {
    throw new BackpropError('model-file', `state dict: "${name}.${local}" must have shape [${features ?? 'features'}], got [${t.shape.join(', ')}]`);
  }
  return Array.from(t.data);
}
