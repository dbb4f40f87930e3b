import { formatNumber } from '../../tensor/format.js';
import type { HealthCheck, HealthDiagnosis } from './types.js';
import { describeHealth, healthMessage, type HealthLang } from './words.js';

const num = (v: number | null): string => {
  if (v === null || Number.isNaN(v)) return '–';
  return v !== 0 && Math.abs(v) < 0.01 ? v.toExponential(1) : formatNumber(v, 2);
};

/**
 * A check as a per-layer text table — outputs' mean ± standard deviation, dead or saturated units,
 * ‖∂E/∂W‖/‖W‖ and ‖ΔW‖/‖W‖ — followed by the diagnoses, most likely first (what
 * `backprop train --health` prints at the end, and `backprop health`).
 *
 * @example
 * ```ts
 * io.stdout(healthTable(monitor.latest!, monitor.report(), 'en'));
 * ```
 */
export function healthTable(check: HealthCheck, diagnoses: readonly HealthDiagnosis[], lang: HealthLang, title = healthMessage(lang, 'table.title', { step: check.step })): string {
  const head = [healthMessage(lang, 'table.layer'), healthMessage(lang, 'table.act'), healthMessage(lang, 'table.stuck'), healthMessage(lang, 'table.grad'), healthMessage(lang, 'table.update')];
  const iw = String(check.layers.length).length;
  const rows = check.layers.map((l) => [
    `${String(l.index + 1).padStart(iw)}  ${l.describe}`,
    l.actMean === null ? '–' : `${num(l.actMean)} ± ${num(l.actStd)}`,
    l.dead > 0 || l.saturated > 0 ? `${l.stuckUnits.length}/${l.units} ${healthMessage(lang, l.dead > 0 ? 'table.dead' : 'table.saturated')}` : '0',
    num(l.gradRatio),
    num(l.updateRatio),
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('   ');
  const out = [title, line(head), ...rows.map(line)];
  if (diagnoses.length === 0) out.push(healthMessage(lang, 'healthy'));
  else {
    out.push(healthMessage(lang, 'table.diagnoses'));
    diagnoses.forEach((d, i) => {
      const w = describeHealth(d, lang);
      out.push(`  ${i + 1}. ${w.title} — ${w.finding}`);
    });
  }
  return out.join('\n') + '\n';
}
