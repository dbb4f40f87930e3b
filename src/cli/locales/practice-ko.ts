import type { PracticeCliKey } from './practice-en.js';

/** 한국어 문자열 (`backprop practice --lang ko`, `backprop check --lang ko`). 문제와 채점의 말은 라이브러리의 것을 쓴다. */
export const practiceCliKo: Record<PracticeCliKey, string> = {
  prompt: '답 (끝내려면 q): ',
  notANumber: '0.0405 같은 숫자를 입력하세요. 입력한 것: {text}',
  next: '다음 문제는 Enter, 끝내려면 q: ',
  again: '같은 문제 다시 풀기: {command}',
  answerWith: '답하는 방법: {command}',
  forParam: '({param} 기준으로 채점)',
};
