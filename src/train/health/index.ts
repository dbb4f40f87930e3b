// Training health: measurements per layer, the rules that name a cause, the callback, the words.
export { healthBaseline, UNSCALED, type HealthBaseline } from './baseline.js';
export { examineModel, type ExamineOptions, type ModelHealth } from './examine.js';
export { parseEpochHealth } from './json.js';
export { histogram, measureLayers, meanStd, snapshotParameters, stuckUnits, SATURATION, type Histogram, type LayerHealth, type MeasureOptions } from './measure.js';
export { HealthMonitor, type HealthOptions, type HealthRun, type HealthStep } from './monitor.js';
export { healthPanels } from './plot.js';
export { checkRules, epochRules, lossTrend, trendSpan, HEALTH_THRESHOLDS, type Finding, type LossTrend, type RuleContext, type RuleInput } from './rules.js';
export { healthTable } from './table.js';
export { HEALTH_CODES, type EpochHealth, type HealthCheck, type HealthCode, type HealthDiagnosis, type HealthSymptom } from './types.js';
export { describeHealth, formatHealth, healthMessage, type HealthLang, type HealthWords } from './words.js';
export { type HealthKey } from './locales/en.js';
