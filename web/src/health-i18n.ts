import type { Lang } from './state.js';

/** The health panel's and the presets' words (the diagnoses themselves come from the library, en and ko). */
const en = {
  healthTitle: 'Training health',
  healthIntro: 'Checked every 25 steps while playing (and at each epoch’s end), and after every step made by hand: each layer’s weights, outputs and gradients, and what may stop the network from learning.',
  healthWaiting: 'Press Play or Step: the checks start with training.',
  healthFine: 'No problem found (last check at step {step}).',
  healthChecked: 'Last check at step {step}.',
  healthLayer: 'Layer {n}',
  histWeights: 'weights',
  histOutputs: 'outputs',
  histGradients: 'gradients',
  healthMean: 'outputs {mean} ± {sd}',
  healthDead: '{n} of {units} dead',
  healthSaturated: '{n} of {units} saturated',
  healthGrad: '‖∂E/∂W‖/‖W‖ {v}',
  healthUpdate: '‖ΔW‖/‖W‖ {v}',
  healthTry: 'Try: {advice}',
  showLedger: 'Open the ledger of {p}',
  stuckNode: 'dead or saturated for the whole batch',
  vanishingMark: 'gradients vanish here',
  presetNote: 'Preset: {net} {act}, {opt} η = {lr}, batch {batch}. It reaches a test loss below {target} in about {steps} steps.',
  presetNoteSeed: 'Preset: the seed notebook, η = {lr}. The cost falls below {target} in about {steps} steps.',
};

/** A key of the health panel's words. */
export type HealthUiKey = keyof typeof en;

const ko: Record<HealthUiKey, string> = {
  healthTitle: '학습 상태',
  healthIntro: '학습하는 동안에는 25단계마다(그리고 에포크가 끝날 때마다), 한 단계씩 직접 진행할 때는 단계마다 점검합니다: 층마다 가중치, 출력값, 기울기, 그리고 신경망의 학습을 막을 수 있는 것.',
  healthWaiting: '재생이나 단계를 누르세요: 점검은 학습과 함께 시작합니다.',
  healthFine: '문제를 찾지 못했습니다 (마지막 점검: {step}단계).',
  healthChecked: '마지막 점검: {step}단계.',
  healthLayer: '{n}번째 층',
  histWeights: '가중치',
  histOutputs: '출력값',
  histGradients: '기울기',
  healthMean: '출력값 {mean} ± {sd}',
  healthDead: '{units}개 중 {n}개 죽음',
  healthSaturated: '{units}개 중 {n}개 포화',
  healthGrad: '‖∂E/∂W‖/‖W‖ {v}',
  healthUpdate: '‖ΔW‖/‖W‖ {v}',
  healthTry: '해 볼 것: {advice}',
  showLedger: '{p}의 계산 장부 열기',
  stuckNode: '배치 전체에서 죽었거나 포화됨',
  vanishingMark: '여기서 기울기가 사라집니다',
  presetNote: '프리셋: {net} {act}, {opt} η = {lr}, 배치 {batch}. 약 {steps}단계 안에 테스트 비용이 {target} 아래로 내려갑니다.',
  presetNoteSeed: '프리셋: 원본 노트북, η = {lr}. 약 {steps}단계 안에 비용이 {target} 아래로 내려갑니다.',
};

const TABLES: Record<Lang, Record<HealthUiKey, string>> = { en, ko };

/** The health panel's text of `key` in `lang`, with `{name}` placeholders filled. */
export function healthTr(lang: Lang, key: HealthUiKey, vars: Record<string, string | number> = {}): string {
  return TABLES[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}
