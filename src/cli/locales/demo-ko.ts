import type { DemoKey } from './demo-en.js';

/** 한국어 문자열 (`backprop demo --lang ko`). 노트북의 용어를 그대로 씁니다. */
export const demoKo: Record<DemoKey, string> = {
  title: 'backprop 데모 — 원본 노트북을 끝까지',
  purpose: '목표: 오차 역전파를 통해 오차를 기반으로 가중치를 수정한 후 더 좋은 성능을 낼 수 있도록 모형을 개선한다.',
  network: '1. 신경망: 입력 3개(노드 1–3) → 은닉층 시그모이드 뉴런 2개(4–5) → 출력층 시그모이드 뉴런 2개(6–7)',
  inputTarget: '입력값 x = {x}    목표값 t = {t}',
  weights: '가중치',
  biases: '편향',
  forward: '2. 순전파를 통한 출력값 계산',
  gLine: 'g = W1·x + b1     = {v}    (은닉층의 입력 합)',
  hLine: 'h = σ(g)          = {v}    (은닉층 출력)',
  zLine: 'z = W2·h + b2     = {v}    (출력층의 입력 합)',
  yLine: 'y = σ(z)          = {v}    (출력값; 목표값은 {t})',
  cost: '3. 비용 함수 (오차 제곱합; 미분식을 간단하게 하려고 1/2을 곱함)',
  costLine: 'E = ½·Σ(y − t)² = {v}',
  backward: '4. 역전파: 모든 가중치와 편향의 기울기',
  sigmoidDerivative: '시그모이드 함수의 미분: σ′(z) = σ(z)(1 − σ(z))',
  bb2: '노트북의 bb2 = δ_1 + δ_2 = {v} 는 두 값의 합입니다: 두 출력 뉴런이 편향 하나를 함께 쓸 때의 기울기입니다.',
  descent: '5. 경사 하강법: w ← w − η·∂E/∂w, 학습률 η = {lr}',
  descentHeader: '단계        비용 E          y6            y7',
  reached: '{n}단계 후 출력값은 {y}, 목표값은 {t}: 가중치가 수정되어 모형이 개선되었습니다.',
  notReached: '{n}단계 후 출력값은 {y}, 목표값은 {t}. 단계(--steps)를 늘리거나 학습률(--lr)을 키우면 더 가까워집니다.',
  tooLarge: '{n}단계 후 출력값은 {y}, 목표값은 {t}. 비용이 {how}: 학습률 η = {lr}이(가) 너무 큽니다 — 한 단계마다 지나치게 멀리 가서 시그모이드가 포화되고 기울기가 사라집니다. 학습률(--lr)을 줄이면 더 가까워집니다(노트북은 0.5).',
  costRose: '{e0}에서 {e}(으)로 커졌습니다',
  costStuck: '{e}에서 더 줄지 않습니다',
  next: '다음: `npx backprop explain --lang ko`는 연쇄 법칙의 곱을 하나하나 보여 주고, `npx backprop train --help`는 실제 모형을 학습하는 방법을 보여 줍니다.',
};
