import type { FlagSpec, ParsedArgs } from './args.js';
import { shown, shownLines } from './escape.js';
import type { CliIo } from './io.js';
import type { Progress } from './progress.js';
import type { History } from '../train/history.js';
import { defaultPanels, type PlotPanel } from '../train/plot-svg.js';
import { TrainingDivergedError } from '../train/diagnose.js';
import { HealthMonitor } from '../train/health/monitor.js';
import type { HealthDiagnosis } from '../train/health/types.js';
import { healthPanels } from '../train/health/plot.js';
import { healthTable } from '../train/health/table.js';
import { formatHealth, type HealthLang } from '../train/health/words.js';

/** The training-health flags of `backprop train` (diagnoses are always on; these add to them). */
export const HEALTH_FLAGS: Record<string, FlagSpec> = {
  health: { type: 'boolean', help: 'print a per-layer health table at the end (outputs, dead and saturated units, gradient and update ratios) with the diagnoses' },
  lang: { type: 'string', choices: ['en', 'ko'], help: 'language of the diagnoses (default en)' },
};

/** Health flags that may change when a run is resumed (they change what is printed, not the run). */
export const HEALTH_RESUMABLE = ['health', 'lang'];

/**
 * What `backprop train` does about training health: a {@link HealthMonitor} among the callbacks
 * that prints each diagnosis the moment it holds (above the progress bar), the diagnoses of a
 * divergence, the `--health` table at the end, and the health panels of `--plot`.
 */
export class TrainHealth {
  readonly monitor: HealthMonitor;
  private readonly lang: HealthLang;

  constructor(private readonly f: ParsedArgs['flags'], private readonly io: CliIo, progress: Progress) {
    this.lang = f.lang === 'ko' ? 'ko' : 'en';
    this.monitor = new HealthMonitor({
      onDiagnosis: (d) => {
        progress.clear();
        // NOTE: a diagnosis names columns and classes from the user's files: escaped line by line.
        io.stdout(shownLines(formatHealth(shownEvidence(d), this.lang)));
      },
    });
  }

  /** Prints what a divergence says about the run's health (before the error line), through the monitor's onDiagnosis. */
  diverged(e: unknown): void {
    if (e instanceof TrainingDivergedError) this.monitor.diverged(e);
  }

  /** The `--health` table, when asked for. */
  finish(): void {
    const check = this.monitor.latest;
    if (this.f.health === true && check !== null) this.io.stdout('\n' + shownLines(healthTable(check, this.monitor.report().map(shownEvidence), this.lang)));
  }

  /** The panels of `--plot`: loss and accuracy, then gradient flow and update ratio. */
  plotPanels(history: History): { panels: PlotPanel[]; columns: number } {
    const panels = [...defaultPanels(history), ...healthPanels(history)];
    return { panels, columns: Math.min(panels.length, 2) };
  }
}

/**
 * The diagnosis with the strings of its evidence (column and class names from the user's files)
 * escaped for a terminal (see {@link shown}): a name holding a line break cannot forge a line.
 */
export function shownEvidence(d: HealthDiagnosis): HealthDiagnosis {
  return { ...d, evidence: Object.fromEntries(Object.entries(d.evidence).map(([k, v]) => [k, typeof v === 'string' ? shown(v) : v])) };
}
