/** English strings of `backprop demo`. Every key must also exist in demo-ko.ts (a test checks). */
export const demoEn = {
  title: 'backprop demo — the seed notebook, finished',
  purpose: 'Goal: correct the weights from the error by backpropagation, so that the model performs better.',
  network: '1. The network: 3 inputs (nodes 1–3) → 2 hidden sigmoid neurons (4–5) → 2 output sigmoid neurons (6–7)',
  inputTarget: 'input x = {x}    target t = {t}',
  weights: 'weights',
  biases: 'biases',
  forward: '2. Forward pass',
  gLine: 'g = W1·x + b1     = {v}    (net input of the hidden layer)',
  hLine: 'h = σ(g)          = {v}    (hidden outputs)',
  zLine: 'z = W2·h + b2     = {v}    (net input of the output layer)',
  yLine: 'y = σ(z)          = {v}    (outputs; the target is {t})',
  cost: '3. Cost function (sum of squared errors; the ½ makes the derivative tidy)',
  costLine: 'E = ½·Σ(y − t)² = {v}',
  backward: '4. Backpropagation: the gradient of every weight and bias',
  sigmoidDerivative: 'sigmoid derivative: σ′(z) = σ(z)(1 − σ(z))',
  bb2: "The notebook's bb2 = δ_1 + δ_2 = {v} is their sum: the gradient of ONE bias shared by both output neurons.",
  descent: '5. Gradient descent: w ← w − η·∂E/∂w with learning rate η = {lr}',
  descentHeader: 'step        cost E          y6            y7',
  reached: 'After {n} steps the outputs are {y}, the target is {t}: the weights have been corrected.',
  notReached: 'After {n} steps the outputs are {y}; the target is {t}. More steps (--steps) or a larger --lr get closer.',
  tooLarge: 'After {n} steps the outputs are {y}; the target is {t}. The cost {how}: the learning rate η = {lr} is too large — each step overshoots and the sigmoids saturate, so their gradients vanish. A smaller --lr gets closer (the notebook uses 0.5).',
  costRose: 'rose from {e0} to {e}',
  costStuck: 'stopped falling at {e}',
  next: 'Next: `npx backprop explain` shows every chain-rule product; `npx backprop train --help` shows how to train a real model.',
} as const;

/** The keys of the demo's strings. */
export type DemoKey = keyof typeof demoEn;
