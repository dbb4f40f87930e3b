import { SYNTHETIC_DEFAULTS, type DatasetChoice, type Settings } from './state.js';

/**
 * What choosing a dataset sets up: a network and training settings that learn it, and the test
 * loss they reach (the training cost for the seed notebook's one sample) within `steps` steps —
 * stated on the page, and checked for every preset in test/browser/health.test.ts (in Chromium, at
 * the preset's speed).
 */
export interface Preset {
  settings: Partial<Omit<Settings, 'dataset' | 'lang' | 'seed'>>;
  /** The test loss (the seed: the cost) the preset reaches. */
  target: number;
  /** About how many steps it takes (seed 1). */
  steps: number;
}

const TWO_D: Preset['settings'] = SYNTHETIC_DEFAULTS;

/** The preset of each dataset a learner can pick (a dropped CSV keeps the settings in use). */
export const PRESETS: Readonly<Record<Exclude<DatasetChoice, 'csv'>, Preset>> = {
  seed: { settings: { hidden: [2], activation: 'sigmoid', loss: 'sse', optimizer: 'sgd', lr: 0.5, batch: 1, l2: 0, batchNorm: false, dropout: 0, l1: 0, l2Penalty: 0, speed: 10 }, target: 0.001, steps: 100 },
  xor: { settings: TWO_D, target: 0.05, steps: 300 },
  circle: { settings: TWO_D, target: 0.05, steps: 300 },
  gauss: { settings: TWO_D, target: 0.05, steps: 100 },
  moons: { settings: TWO_D, target: 0.05, steps: 200 },
  // NOTE: two layers of four tanh units stay near a test loss of 0.6 on the spiral for 10,000 steps;
  // three layers of eight ReLUs at η = 0.01 get below 0.1 within about 3,000 (seeds 1–5).
  spiral: { settings: { ...TWO_D, hidden: [8, 8, 8], activation: 'relu', lr: 0.01, speed: 100 }, target: 0.1, steps: 3000 },
};

/**
 * The settings with `dataset`'s preset applied. A dropped CSV keeps the network and training
 * settings in use, except the seed notebook's (which fit its one sample only): it takes the 2-D sets'.
 */
export function withPreset(settings: Settings, dataset: DatasetChoice): Settings {
  const p = dataset === 'csv' ? (settings.dataset === 'seed' ? TWO_D : {}) : PRESETS[dataset].settings;
  return { ...settings, ...p, ...(p.hidden && { hidden: [...p.hidden] }), dataset };
}

/** The preset the settings are on (its network and training settings unchanged), or null. */
export function presetOf(settings: Settings): Preset | null {
  if (settings.dataset === 'csv') return null;
  const preset = PRESETS[settings.dataset];
  const on = Object.entries(preset.settings).every(([k, v]) => JSON.stringify(settings[k as keyof Settings]) === JSON.stringify(v));
  return on ? preset : null;
}
