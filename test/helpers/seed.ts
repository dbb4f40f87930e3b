// Reads the seed notebook's figures from ../shared/seed/expected.json (beside the repository).
import { readFileSync } from 'node:fs';

export interface SeedExpected {
  input: number[][];
  target: number[][];
  weights: { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] };
  forward: { g: number[]; h: number[]; z: number[]; y: number[]; E: number };
  deltaOutput: number[];
  notebook: { bw41: number; bw42: number; bw51: number; bw52: number; bb2_sum: number };
  gradients: { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] };
  sgd: { lr: number; afterSteps: Record<string, { lossBeforeStep: number; lossAfterStep: number; outputAfterStep: number[] }> };
}

export function seedExpected(): SeedExpected {
  return JSON.parse(readFileSync(new URL('../fixtures/seed/expected.json', import.meta.url), 'utf8')) as SeedExpected;
}
