import { BackpropError } from '../../errors.js';
import type { Histogram, LayerHealth } from './measure.js';
import { HEALTH_CODES, type EpochHealth, type HealthCheck, type HealthDiagnosis } from './types.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads an epoch's `health` entry as JSON wrote it (a checkpoint's history): checks its outline
 * and turns the `null`s JSON writes for NaN and ±∞ back into NaN. Errors name the field.
 *
 * @example
 * ```ts
 * parseEpochHealth(JSON.parse(JSON.stringify(logs.health)), 'history[3].health').check.step;
 * ```
 */
export function parseEpochHealth(json: unknown, where: string): EpochHealth {
  const fail = (field: string, msg: string): never => {
    throw new BackpropError('value', `${where}.${field}: ${msg}`);
  };
  if (!isObject(json)) return fail('(entry)', 'expected an object');
  if (!isObject(json.check)) fail('check', 'expected an object');
  if (!Array.isArray(json.diagnoses)) fail('diagnoses', 'expected an array');
  const c = json.check as Json;
  const num = (o: Json, k: string, at: string): number => {
    const v = o[k];
    if (v === null) return NaN;
    if (typeof v !== 'number') return fail(`${at}${k}`, `expected a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const numOrNull = (o: Json, k: string, at: string): number | null => (o[k] === null ? null : num(o, k, at));
  const hist = (v: unknown, at: string): Histogram | null => {
    if (v === null || v === undefined) return null;
    if (!isObject(v) || !Array.isArray(v.counts) || !v.counts.every((n) => Number.isInteger(n))) return fail(at, 'expected { lo, hi, counts: integers }');
    return { lo: num(v, 'lo', `${at}.`), hi: num(v, 'hi', `${at}.`), counts: [...(v.counts as number[])] };
  };
  if (!Array.isArray(c.layers)) fail('check.layers', 'expected an array');
  const layers = (c.layers as unknown[]).map((l, i): LayerHealth => {
    const at = `check.layers[${i}].`;
    if (!isObject(l)) return fail(`check.layers[${i}]`, 'expected an object');
    if (!Number.isInteger(l.index)) fail(`${at}index`, 'expected an integer');
    if (!Array.isArray(l.stuckUnits) || !l.stuckUnits.every(Number.isInteger)) fail(`${at}stuckUnits`, 'expected an array of integers');
    const out: LayerHealth = {
      index: l.index as number, kind: String(l.kind), describe: String(l.describe),
      activation: (l.activation ?? null) as LayerHealth['activation'], units: num(l, 'units', at),
      actMean: numOrNull(l, 'actMean', at), actStd: numOrNull(l, 'actStd', at), dead: num(l, 'dead', at), saturated: num(l, 'saturated', at),
      stuckUnits: [...(l.stuckUnits as number[])],
      gradNorm: numOrNull(l, 'gradNorm', at), weightNorm: numOrNull(l, 'weightNorm', at), gradRatio: numOrNull(l, 'gradRatio', at), updateRatio: numOrNull(l, 'updateRatio', at),
    };
    if (l.histograms !== undefined) {
      if (!isObject(l.histograms)) fail(`${at}histograms`, 'expected an object');
      const h = l.histograms as Json;
      out.histograms = { weights: hist(h.weights, `${at}histograms.weights`), activations: hist(h.activations, `${at}histograms.activations`), gradients: hist(h.gradients, `${at}histograms.gradients`) };
    }
    return out;
  });
  const check: HealthCheck = { step: num(c, 'step', 'check.'), epoch: num(c, 'epoch', 'check.'), loss: num(c, 'loss', 'check.'), gradNorm: num(c, 'gradNorm', 'check.'), lr: num(c, 'lr', 'check.'), layers };
  const diagnoses = (json.diagnoses as unknown[]).map((d, i): HealthDiagnosis => {
    const at = `diagnoses[${i}].`;
    if (!isObject(d)) return fail(`diagnoses[${i}]`, 'expected an object');
    if (!(HEALTH_CODES as readonly unknown[]).includes(d.code)) fail(`${at}code`, `expected one of ${HEALTH_CODES.join(', ')}, got ${JSON.stringify(d.code)}`);
    if (d.symptom !== null && d.symptom !== 'chance' && d.symptom !== 'stalled') fail(`${at}symptom`, 'expected "chance", "stalled" or null');
    if (!Array.isArray(d.layers) || !d.layers.every(Number.isInteger)) fail(`${at}layers`, 'expected an array of integers');
    if (!isObject(d.evidence)) fail(`${at}evidence`, 'expected an object');
    const evidence: Record<string, number | string> = {};
    for (const [k, v] of Object.entries(d.evidence as Json)) {
      if (v === null) evidence[k] = NaN;
      else if (typeof v === 'number' || typeof v === 'string') evidence[k] = v;
      else fail(`${at}evidence.${k}`, 'expected a number or a string');
    }
    return {
      code: d.code as HealthDiagnosis['code'], score: num(d, 'score', at), symptom: d.symptom as HealthDiagnosis['symptom'],
      layers: [...(d.layers as number[])], step: num(d, 'step', at), epoch: num(d, 'epoch', at), evidence,
    };
  });
  return { check, diagnoses };
}
