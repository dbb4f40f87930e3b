/*
 * Practice with feedback: exercises that grade a learner's own backpropagation and name the
 * mistake. The catalogue (catalogue.ts) computes each common mistake's number from the ledger;
 * diagnose.ts compares an answer with the right value and those numbers; exercise.ts draws small
 * networks where no two of them coincide; blocks.ts words it all in the locale's language.
 */
export { MISTAKE_IDS } from './catalogue.js';
export { practiceCandidates } from './candidates.js';
export { checkAnswer } from './check.js';
export { ANSWER_TOLERANCE, diagnose } from './diagnose.js';
export { checkLevel, exerciseLedger, exerciseModel, LEVELS, makeExercise, type Exercise, type Level } from './exercise.js';
export { exerciseBlocks, feedbackBlocks, mistakeName, mistakeWhy, paramName, questionBlocks, questionWhat, type PracticeRenderOptions } from './blocks.js';
export { diagnosisReport, type DiagnosisReport } from './report.js';
export type { Ask, Candidate, Candidates, DetailValue, Diagnosis, LedgerRef, MistakeId, Question } from './types.js';
