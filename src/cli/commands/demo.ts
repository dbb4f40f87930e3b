import { noGrad } from '../../autograd/node.js';
import { sigmoid } from '../../autograd/ops/activations.js';
import { sse } from '../../autograd/ops/losses.js';
import type { Dense } from '../../nn/dense.js';
import { SEED, seedNetwork } from '../../nn/seed.js';
import { SGD } from '../../optim/sgd.js';
import { tensor } from '../../tensor/create.js';
import { formatNumber } from '../../tensor/format.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Command } from '../command.js';
import { demoEn, type DemoKey } from '../locales/demo-en.js';
import { demoKo } from '../locales/demo-ko.js';
import { table } from '../table.js';

/** `backprop demo` — the seed notebook, finished (what `npm start` runs). */
export const demo: Command = {
  name: 'demo',
  summary: 'the seed notebook, finished: forward pass, all 12 gradients, gradient descent to the target',
  spec: {
    flags: {
      lang: { type: 'string', choices: ['en', 'ko'], help: 'language (default en)' },
      steps: { type: 'int', value: 'N', min: 1, help: 'gradient-descent steps (default 1000)' },
      lr: { type: 'number', value: 'X', above: 0, help: 'learning rate η (default 0.5)' },
    },
  },
  examples: ['backprop demo', 'backprop demo --lang ko --steps 100 --lr 1'],
  run(args, io) {
    const s = args.flags.lang === 'ko' ? demoKo : demoEn;
    const T = (key: DemoKey, vars: Record<string, string> = {}): string => s[key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
    const steps = (args.flags.steps as number | undefined) ?? 1000;
    const lr = (args.flags.lr as number | undefined) ?? SEED.lr;
    const out: string[] = [];
    const say = (line = ''): void => void out.push(line);
    const vec = (t: Tensor | ArrayLike<number>): string => `[${Array.from('data' in t ? t.data : t, (v) => formatNumber(v)).join(', ')}]`;

    const model = seedNetwork();
    const [l1, l2] = model.layers as [Dense, Dense];
    const x = tensor(SEED.input.map((r) => [...r]));
    const t = tensor(SEED.target.map((r) => [...r]));

    say(T('title'));
    say(T('purpose'));
    say();
    say(T('network'));
    say(`   ${T('inputTarget', { x: vec(x), t: vec(t) })}`);
    say(`   ${T('weights')} W1 =`);
    say(table(l1.weight.to2D(), 8, '     '));
    say(`   ${T('biases')}  b1 = ${vec(l1.bias)}`);
    say(`   ${T('weights')} W2 =`);
    say(table(l2.weight.to2D(), 8, '     '));
    say(`   ${T('biases')}  b2 = ${vec(l2.bias)}`);
    say();

    // One recorded forward pass; its intermediate gradients are kept for the δs.
    const g = l1.preActivation(x).retainGrad();
    const h = sigmoid(g);
    const z = l2.preActivation(h).retainGrad();
    const y = sigmoid(z);
    const E = sse(y, t);
    say(T('forward'));
    say(`   ${T('gLine', { v: vec(g) })}`);
    say(`   ${T('hLine', { v: vec(h) })}`);
    say(`   ${T('zLine', { v: vec(z) })}`);
    say(`   ${T('yLine', { v: vec(y), t: vec(t) })}`);
    say();
    say(T('cost'));
    say(`   ${T('costLine', { v: formatNumber(E.item()) })}`);
    say();

    E.backward();
    const dW2 = l2.weight.grad!;
    const db2 = l2.bias.grad!;
    say(T('backward'));
    say(`   ${T('sigmoidDerivative')}`);
    say(`   ${T('outputDelta', { v: vec(z.grad!) })}`);
    say(`   ${T('outputWeights')}`);
    const notebookName = (i: number, j: number): string => `bw${j + 4}${i + 1}`;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const d = z.grad!.data[i]!;
        const hj = h.data[j]!;
        say(`     ∂E/∂W2[${i}][${j}] = δ${i + 1}·h${j + 1} = ${formatNumber(d)} × ${formatNumber(hj)} = ${formatNumber(dW2.get(i, j)).padEnd(12)} (${notebookName(i, j)})`);
      }
    }
    say(`   ${T('biasOutput', { v: vec(db2) })}`);
    say(`   ${T('bb2', { v: formatNumber(db2.data[0]! + db2.data[1]!) })}`);
    say(`   ${T('hiddenDelta', { v: vec(g.grad!) })}`);
    say(`   ${T('hiddenWeights')}`);
    const dW1 = l1.weight.grad!;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        say(`     ∂E/∂W1[${i}][${j}] = δh${i + 1}·x${j + 1} = ${formatNumber(g.grad!.data[i]!)} × ${formatNumber(x.data[j]!)} = ${formatNumber(dW1.get(i, j))}`);
      }
    }
    say(`   ${T('biasHidden', { v: vec(l1.bias.grad!) })}`);
    say();

    say(T('descent', { lr: formatNumber(lr) }));
    say(`   ${T('descentHeader')}`);
    const opt = new SGD(model.parameters(), { lr });
    const shown = new Set([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, steps]);
    const row = (step: number): void => {
      const [cost, outY] = noGrad(() => {
        const yy = model.forward(x);
        return [sse(yy, t).item(), yy] as const;
      });
      say(`   ${String(step).padStart(5)}   ${formatNumber(cost).padEnd(14)}  ${formatNumber(outY.data[0]!).padEnd(12)}  ${formatNumber(outY.data[1]!)}`);
    };
    row(0);
    opt.step(); // the gradients above are those of step 1
    row(1);
    for (let step = 2; step <= steps; step++) {
      opt.zeroGrad();
      const yy = model.forward(x);
      sse(yy, t).backward();
      opt.step();
      if (shown.has(step)) row(step);
    }
    const final = noGrad(() => model.forward(x));
    const reached = Math.abs(final.data[0]! - 0.5) < 1e-3 && Math.abs(final.data[1]! - 0.1) < 1e-3;
    say(`   ${T(reached ? 'reached' : 'notReached', { n: String(steps), y: vec(final), t: vec(t) })}`);
    say();
    say(T('next'));
    io.stdout(out.join('\n') + '\n');
    return 0;
  },
};
