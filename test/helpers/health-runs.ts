// Training runs watched by a HealthMonitor, for the healthy and the pathological sets of
// test/health-*.test.ts: each returns the monitor's report (most likely cause first).
import type { Dataset } from '../../src/data/dataset.js';
import { Standardizer, scaleDataset } from '../../src/data/scale.js';
import { Sequential } from '../../src/nn/sequential.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { Rng } from '../../src/tensor/rng.js';
import { TrainingDivergedError } from '../../src/train/diagnose.js';
import { fit, type FitOptions } from '../../src/train/fit.js';
import { HealthMonitor } from '../../src/train/health/monitor.js';
import type { HealthDiagnosis } from '../../src/train/health/types.js';

/** Inputs standardised with the statistics of the rows themselves. */
export const standardized = (d: Dataset): Dataset => scaleDataset(d, { inputs: Standardizer.fit(d.x, d.inputSize) });

/** Fits `model` with a HealthMonitor first among the callbacks; a divergence becomes diagnoses too. */
export async function watch(model: Sequential, data: Dataset, options: Omit<FitOptions, 'optimizer'> & { optimizer: (m: Sequential) => Optimizer }): Promise<{ report: HealthDiagnosis[]; monitor: HealthMonitor; diverged: boolean }> {
  const monitor = new HealthMonitor();
  let diverged = false;
  try {
    await fit(model, data, { rng: new Rng(1), ...options, optimizer: options.optimizer(model), callbacks: [monitor, ...(options.callbacks ?? [])] });
  } catch (e) {
    if (!(e instanceof TrainingDivergedError)) throw e;
    diverged = true;
    monitor.diverged(e);
  }
  return { report: monitor.report(), monitor, diverged };
}

/** `code (score)` of each diagnosis, for assertion messages. */
export const codes = (report: readonly HealthDiagnosis[]): string => report.map((d) => `${d.code} (${d.score.toFixed(2)}) at step ${d.step}`).join(', ') || 'none';
