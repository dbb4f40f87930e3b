/** English strings of `backprop practice` and `backprop check` (the exercise and feedback words are the library's). Every key must also exist in practice-ko.ts. */
export const practiceCliEn = {
  prompt: 'Your answer (q to quit): ',
  notANumber: 'Expected a number such as 0.0405, got {text}.',
  next: 'Enter for the next exercise, q to quit: ',
  again: 'This exercise again: {command}',
  answerWith: 'Answer with: {command}',
  forParam: '(graded as {param})',
};

/** The keys of the practice commands' strings. */
export type PracticeCliKey = keyof typeof practiceCliEn;
