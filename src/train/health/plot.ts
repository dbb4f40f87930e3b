import type { History } from '../history.js';
import type { PlotPanel } from '../plot-svg.js';

/** Ten distinguishable colours (one per layer). */
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * The health panels of a training plot, from the checks kept in the history (`EpochLogs.health`),
 * one line per layer with parameters, on logarithmic axes: **gradient flow** — ‖∂E/∂W‖/‖W‖ of each
 * layer at the epoch's last check (lines far apart, the input layer's far below: vanishing
 * gradients) — and the **update ratio** ‖ΔW‖/‖W‖ of one step, with the customary 1e-3 marked.
 * Empty when the history holds no checks.
 *
 * @example
 * ```ts
 * historySvg(history, { panels: [...defaultPanels(history), ...healthPanels(history)], columns: 2 });
 * ```
 */
export function healthPanels(history: History): PlotPanel[] {
  const checks = history.epochs.map((e) => e.health?.check ?? null);
  const first = checks.find((c) => c !== null);
  if (first === undefined || first === null) return [];
  const layers = first.layers.filter((l) => l.weightNorm !== null).map((l) => ({ index: l.index, label: `layer ${l.index + 1}` }));
  const series = (key: 'gradRatio' | 'updateRatio'): PlotPanel['metrics'] =>
    layers.map((l, i) => ({
      label: l.label,
      color: COLORS[i % COLORS.length]!,
      dashed: i >= COLORS.length,
      values: checks.map((c) => c?.layers.find((x) => x.index === l.index)?.[key] ?? NaN),
    }));
  return [
    { title: 'gradient flow: ‖∂E/∂W‖ / ‖W‖ per layer', log: true, metrics: series('gradRatio') },
    { title: 'update ratio: ‖ΔW‖ / ‖W‖ per step', log: true, metrics: series('updateRatio'), reference: { value: 1e-3, label: '1e-3' } },
  ];
}
