import { BackpropError } from '../../errors.js';
import type { ActivationName } from '../../nn/activations.js';
import { Dense } from '../../nn/dense.js';
import type { LossName } from '../../nn/losses.js';
import { Sequential } from '../../nn/sequential.js';
import { Rng } from '../../tensor/rng.js';
import { explain } from '../trace.js';
import type { Ledger } from '../types.js';
import { practiceCandidates } from './candidates.js';
import { distinguishable, gradientSpace } from './diagnose.js';
import { netInputs, paramOf } from './read.js';
import type { Question } from './types.js';

/** The five levels: an output weight; an output bias; a hidden weight; a batch of two with mse; softmax with cross-entropy. */
export type Level = 1 | 2 | 3 | 4 | 5;

/** Every level, easiest first. */
export const LEVELS: readonly Level[] = [1, 2, 3, 4, 5];

/**
 * One exercise: a small network with weights of one decimal (as in the seed notebook, so it can be
 * worked by hand), its samples, and the question. Plain JSON; `makeExercise(level, seed)` makes
 * the same one again.
 */
export interface Exercise {
  format: 'backprop-exercise';
  version: 1;
  level: Level;
  seed: number;
  /** Layer sizes, inputs first; the activation of each dense layer; the cost; η of the update. */
  network: { sizes: number[]; activations: ActivationName[]; loss: LossName; lr: number };
  /** Each dense layer's W (outputs × inputs) and b. */
  weights: { W: number[][]; b: number[] }[];
  /** N × inputs and N × outputs. */
  input: number[][];
  target: number[][];
  question: Question;
}

interface LevelPlan {
  inputs: readonly number[];
  hidden: readonly ActivationName[];
  outputs: number;
  output: ActivationName;
  loss: LossName;
  samples: number;
  /** Which parameter is asked: a weight or a bias, of the output or the hidden layer. */
  kind: 'weight' | 'bias';
  layer: 'output' | 'hidden';
  /** Target values: one decimal in [0.1, 0.9], or one class (one-hot). */
  targets: 'decimal' | 'one-hot';
}

const PLANS: Readonly<Record<Level, LevelPlan>> = {
  1: { inputs: [2, 3], hidden: ['sigmoid'], outputs: 2, output: 'sigmoid', loss: 'sse', samples: 1, kind: 'weight', layer: 'output', targets: 'decimal' },
  2: { inputs: [2, 3], hidden: ['sigmoid'], outputs: 2, output: 'sigmoid', loss: 'sse', samples: 1, kind: 'bias', layer: 'output', targets: 'decimal' },
  3: { inputs: [2, 3], hidden: ['sigmoid', 'tanh', 'relu'], outputs: 2, output: 'sigmoid', loss: 'sse', samples: 1, kind: 'weight', layer: 'hidden', targets: 'decimal' },
  4: { inputs: [2], hidden: ['sigmoid', 'tanh'], outputs: 2, output: 'sigmoid', loss: 'mse', samples: 2, kind: 'weight', layer: 'output', targets: 'decimal' },
  5: { inputs: [2], hidden: ['sigmoid', 'tanh'], outputs: 3, output: 'softmax', loss: 'cross_entropy', samples: 1, kind: 'weight', layer: 'output', targets: 'one-hot' },
};

/** Learning rates drawn for update questions (η = 1 would make "η forgotten" the right answer). */
const RATES = [0.1, 0.2, 0.5] as const;
const ATTEMPTS = 2000;

/**
 * Throws unless `level` is 1 … 5.
 *
 * @example
 * ```ts
 * checkLevel(3);   // 3
 * checkLevel(6);   // throws BackpropError: practice: the level must be one of 1, 2, 3, 4, 5, got 6
 * ```
 */
export function checkLevel(level: unknown): Level {
  if (typeof level === 'number' && (LEVELS as readonly number[]).includes(level)) return level as Level;
  throw new BackpropError('argument', `practice: the level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
}

/**
 * A new exercise of `level`, drawn from `seed` with the library's {@link Rng} (same seed, same
 * exercise, in Node and in a browser). Networks are drawn until the question can be graded without
 * doubt: its gradient is not tiny, and the right value and every mistake's value lie apart (for an
 * updated weight, the steps they imply) — two mistakes giving the same number would make the
 * diagnosis a guess.
 *
 * @example
 * ```ts
 * const ex = makeExercise(1, 7);
 * ex.question;                                   // { param: 'W2[…][…]', ask: 'gradient' } (or 'updated')
 * diagnose(exerciseLedger(ex), ex.question, 0.1).verdict;   // 'right', 'mistake' or 'unknown'
 * ```
 */
export function makeExercise(level: Level, seed: number): Exercise {
  checkLevel(level);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new BackpropError('argument', `practice: the seed must be a whole number from 0 to 4294967295, got ${seed}`);
  const rng = new Rng(seed);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const ex = draw(PLANS[level], level, seed, rng);
    const ledger = exerciseLedger(ex);
    const p = paramOf(ledger, ex.question.param);
    // NOTE: a net input that cancels to 0 shows as rounding noise (−8.3e−17), and sits on relu's kink: draw again.
    if (Math.abs(p.grad) < 1e-3 || netInputs(ledger).some((z) => Math.abs(z) < 1e-9)) continue;
    const c = practiceCandidates(ledger, ex.question);
    const g = gradientSpace(ledger, ex.question);
    if (distinguishable(c.mistakes.map((m) => g(m.value)), g(c.right))) return ex;
  }
  throw new BackpropError('unsupported', `practice: no exercise of level ${level} could be drawn from seed ${seed} in ${ATTEMPTS} attempts`);
}

function draw(plan: LevelPlan, level: Level, seed: number, rng: Rng): Exercise {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const tenth = (lo: number, hi: number): number => (lo + rng.int(hi - lo + 1)) / 10;
  const weight = (): number => (rng.uniform() < 0.3 ? -1 : 1) * tenth(1, 9);
  const sizes = [pick(plan.inputs), 2, plan.outputs];
  const hidden = pick(plan.hidden);
  const activations: ActivationName[] = [hidden, plan.output];
  const weights = sizes.slice(1).map((units, l) => ({
    W: Array.from({ length: units }, () => Array.from({ length: sizes[l]! }, weight)),
    b: Array.from({ length: units }, () => tenth(1, 5)),
  }));
  const input = Array.from({ length: plan.samples }, () => Array.from({ length: sizes[0]! }, () => 1 + rng.int(3)));
  const target = Array.from({ length: plan.samples }, () => {
    if (plan.targets === 'decimal') return Array.from({ length: plan.outputs }, () => tenth(1, 9));
    const k = rng.int(plan.outputs);
    return Array.from({ length: plan.outputs }, (_, i) => (i === k ? 1 : 0));
  });
  const layer = plan.layer === 'output' ? 2 : 1;
  const row = rng.int(sizes[layer]!);
  const param = plan.kind === 'bias' ? `b${layer}[${row}]` : `W${layer}[${row}][${rng.int(sizes[layer - 1]!)}]`;
  const ask = rng.uniform() < 0.25 ? 'updated' : 'gradient';
  const lr = pick(RATES);
  return { format: 'backprop-exercise', version: 1, level, seed, network: { sizes, activations, loss: plan.loss, lr }, weights, input, target, question: { param, ask } };
}

/**
 * The exercise's network as a model (float64).
 *
 * @example
 * ```ts
 * exerciseModel(makeExercise(3, 1)).sizes;   // [2, 2, 2] or [3, 2, 2]
 * ```
 */
export function exerciseModel(ex: Exercise): Sequential<Dense> {
  return new Sequential(ex.weights.map((w, l) => Dense.fromWeights(w.W.map((r) => [...r]), [...w.b], ex.network.activations[l]!)));
}

/**
 * The exercise's ledger: {@link explain} run on its network and samples, with its cost and η, the
 * weights named as in the seed notebook (w41). Every number of the feedback comes from it.
 *
 * @example
 * ```ts
 * const ex = makeExercise(1, 7);
 * exerciseLedger(ex).params.find((p) => p.id === ex.question.param)!.grad;   // the answer to a gradient question
 * ```
 */
export function exerciseLedger(ex: Exercise): Ledger {
  return explain(exerciseModel(ex), ex.input, ex.target, { loss: ex.network.loss, lr: ex.network.lr, naming: 'notebook' });
}
