import type { Lang } from '../state.js';

/** The practice page's own words (the exercise and its feedback are the library's, in its locale files). */
const en = {
  title: 'backprop practice',
  tagline: 'Work out a gradient by hand. A wrong answer is named as a mistake, with the ledger lines it contradicts.',
  language: 'Language',
  copyLink: 'Copy link',
  linkCopied: 'Link copied: it opens this exercise.',
  playground: 'Playground',
  controls: 'Exercise',
  level: 'Level',
  next: 'New exercise',
  scoreLabel: 'Score',
  seedLabel: 'Seed',
  network: 'Network',
  legendPos: 'positive weight',
  legendNeg: 'negative weight',
  given: 'The network’s numbers, worked out forward',
  ledger: 'Ledger',
  yourAnswer: 'Your answer',
  check: 'Check',
  notANumber: 'Type a number such as 0.0405.',
  loading: 'Loading the exercise…',
  hidden: '? (to work out)',
  revealed: 'The ledger of {p}',
  input: 'Input',
  hiddenLayer: 'Hidden {n}',
  outputLayer: 'Output',
  diagramLabel: 'Network diagram of the exercise: neurons with their values from the forward pass; the connection or bias asked about is dashed',
};

export type PracticeUiKey = keyof typeof en;

const ko: Record<PracticeUiKey, string> = {
  title: 'backprop 연습 문제',
  tagline: '기울기를 손으로 계산해 보세요. 틀린 답에는 어떤 실수인지, 계산 장부의 어느 줄과 어긋나는지 알려 줍니다.',
  language: '언어',
  copyLink: '링크 복사',
  linkCopied: '링크를 복사했습니다. 이 링크를 열면 같은 문제가 나옵니다.',
  playground: '플레이그라운드',
  controls: '문제',
  level: '단계',
  next: '새 문제',
  scoreLabel: '점수',
  seedLabel: '시드',
  network: '신경망',
  legendPos: '양수 가중치',
  legendNeg: '음수 가중치',
  given: '순전파로 미리 계산한 값',
  ledger: '계산 장부',
  yourAnswer: '답',
  check: '채점',
  notANumber: '0.0405 같은 숫자를 입력하세요.',
  loading: '문제를 불러오는 중…',
  hidden: '? (구할 값)',
  revealed: '{p}의 계산 장부',
  input: '입력층',
  hiddenLayer: '은닉층 {n}',
  outputLayer: '출력층',
  diagramLabel: '연습 문제의 신경망: 뉴런마다 순전파로 구한 값, 묻는 연결이나 편향은 점선으로 표시',
};

/** The word `key` in `lang`, with `{name}` placeholders filled. */
export function ui(lang: Lang, key: PracticeUiKey, vars: Record<string, string | number> = {}): string {
  return (lang === 'ko' ? ko : en)[key].replace(/\{(\w+)\}/g, (whole, k: string) => (vars[k] === undefined ? whole : String(vars[k])));
}
