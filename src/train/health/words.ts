import { BackpropError } from '../../errors.js';
import { formatNumber } from '../../tensor/format.js';
import { healthEn, type HealthKey } from './locales/en.js';
import { healthKo } from './locales/ko.js';
import type { HealthDiagnosis } from './types.js';

/** Languages the health words exist in. */
export type HealthLang = 'en' | 'ko';

const LOCALES: Readonly<Record<HealthLang, Readonly<Record<HealthKey, string>>>> = { en: healthEn, ko: healthKo };

/** An evidence value as the words show it: numbers to 4 significant digits, whole numbers as they are. */
function show(v: number | string): string {
  if (typeof v === 'string') return v;
  return Number.isInteger(v) && Math.abs(v) < 1e9 ? String(v) : formatNumber(v, 4);
}

/**
 * The health message `key` in `lang`, each `{name}` replaced by `vars[name]` (numbers formatted).
 *
 * @example
 * ```ts
 * healthMessage('ko', 'dead-units.title');   // '죽은 뉴런'
 * ```
 */
export function healthMessage(lang: HealthLang, key: HealthKey, vars: Readonly<Record<string, number | string>> = {}): string {
  const table = LOCALES[lang];
  if (table === undefined) throw new BackpropError('argument', `health: unknown language ${JSON.stringify(lang)}; expected en or ko`);
  return table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars[name] === undefined ? whole : show(vars[name]!)));
}

/** A diagnosis in words: its title, the loss's symptom (or null), what was found, and what to try. */
export interface HealthWords {
  title: string;
  symptom: string | null;
  finding: string;
  advice: string;
}

/**
 * A diagnosis in plain words, in English or Korean, with its evidence's numbers.
 *
 * @example
 * ```ts
 * const w = describeHealth(monitor.report()[0], 'en');
 * `${w.title}: ${w.finding}; try: ${w.advice}`;   // 'vanishing gradients: the gradient next to the weights … falls from 0.31 at the output layer to 3.2e-7 at layer 1: 6 orders of magnitude; try: …'
 * ```
 */
export function describeHealth(d: HealthDiagnosis, lang: HealthLang): HealthWords {
  const e = d.evidence;
  const lr = typeof e.lr === 'number' ? e.lr : NaN;
  const what = typeof e.what === 'string' && (e.what === 'loss' || e.what === 'gradient' || e.what === 'weights') ? healthMessage(lang, `what.${e.what}`) : '';
  const vars = { ...e, lower: formatNumber(lr / 10, 3), what };
  const now = e.steps === 0 ? 'Now' : '';
  const symptom = d.symptom === 'chance'
    ? healthMessage(lang, `symptom.chance${now}${e.classes === 0 ? 'Regression' : ''}` as const, vars)
    : d.symptom === 'stalled' ? healthMessage(lang, 'symptom.stalled', vars) : null;
  const finding = d.code === 'exploding-gradients' && e.diverged === 1 ? healthMessage(lang, 'exploding-gradients.diverged', vars)
    : d.code === 'exploding-gradients' && e.diverged === 2 ? healthMessage(lang, 'exploding-gradients.grew', vars)
    : healthMessage(lang, `${d.code}.finding`, vars);
  return { title: healthMessage(lang, `${d.code}.title`), symptom, finding, advice: healthMessage(lang, `${d.code}.advice`, vars) };
}

/**
 * A diagnosis as the command line prints it: a heading line, then the symptom, the finding and
 * what to try, indented.
 *
 * @example
 * ```ts
 * formatHealth(d, 'en');
 * // diagnosis (epoch 1, step 3): vanishing gradients
 * //   the gradient next to the weights (‖∂E/∂W‖/‖W‖) falls from 0.3084 at the output layer to 3.175e-7 at layer 1: 6 orders of magnitude
 * //   try: use relu (with He initialisation) instead of sigmoid in the hidden layers, fewer layers, or Adam
 * ```
 */
export function formatHealth(d: HealthDiagnosis, lang: HealthLang): string {
  const w = describeHealth(d, lang);
  // NOTE: a model examined once (examineModel) has no epoch: its diagnoses carry epoch 0.
  const when = d.epoch > 0 ? ` (${healthMessage(lang, 'raisedAt', { epoch: d.epoch, step: d.step })})` : '';
  const lines = [`${healthMessage(lang, 'diagnosis')}${when}: ${w.title}`];
  if (w.symptom) lines.push(`  ${w.symptom}`);
  lines.push(`  ${w.finding}`, `  ${healthMessage(lang, 'try')}: ${w.advice}`);
  return lines.join('\n') + '\n';
}
