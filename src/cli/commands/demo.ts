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

/** Most gradient-descent steps of the demo (100,000 take a few seconds; 10¹² would run silently for days). */
const MAX_STEPS = 100_000;

/** `backprop demo` — the seed notebook, finished (what `npm start` runs). */
export const demo: Command = {
  name: 'demo',
  summary: 'the seed notebook, finished: forward pass, all 14 gradients (10 weights, 4 biases), gradient descent to the target',
  spec: {
    flags: {
      lang: { type: 'string', choices: ['en', 'ko'], help: 'language: en (English) or ko (한국어, Korean); default en' },
      steps: { type: 'int', value: 'N', min: 1, max: MAX_STEPS, help: `gradient-descent steps (default 1000, at most ${MAX_STEPS.toLocaleString('en-US')})` },
      lr: { type: 'number', value: 'X', above: 0, help: 'learning rate η (default 0.5)' },
    },
  },
  examples: ['npx backprop demo', 'npx backprop demo --lang ko --steps 100 --lr 1'],
  async run(args, io) {
    // NOTE: the ledger (and mathjs) is loaded on use, so other commands start faster.
    const { explain, renderText } = await import('../../explain/index.js');
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

    // The forward numbers for the overview; the gradients come from the ledger below.
    const [g, h, z, y, E] = noGrad(() => {
      const gg = l1.preActivation(x);
      const hh = sigmoid(gg);
      const zz = l2.preActivation(hh);
      const yy = sigmoid(zz);
      return [gg, hh, zz, yy, sse(yy, t)] as const;
    });
    say(T('forward'));
    say(`   ${T('gLine', { v: vec(g) })}`);
    say(`   ${T('hLine', { v: vec(h) })}`);
    say(`   ${T('zLine', { v: vec(z) })}`);
    say(`   ${T('yLine', { v: vec(y), t: vec(t) })}`);
    say();
    say(T('cost'));
    say(`   ${T('costLine', { v: formatNumber(E.item()) })}`);
    say();

    // The gradient section is the ledger's backward pass (backprop explain): every chain-rule
    // product with the numbers, read from the engine's own backward; it leaves ∂E/∂p in .grad.
    const ledger = explain(model, x, t, { loss: SEED.loss, lr });
    say(T('backward'));
    say(`   ${T('sigmoidDerivative')}`);
    const lang = args.flags.lang === 'ko' ? 'ko' : 'en';
    const section = renderText(ledger, { lang, sections: ['backward'], sectionHeadings: false });
    for (const line of section.trimEnd().split('\n')) say(line === '' ? '' : `   ${line}`);
    say();

    say(T('descent', { lr: formatNumber(lr) }));
    say(`   ${T('descentHeader')}`);
    const opt = new SGD(model.parameters(), { lr });
    const shown = new Set([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, steps]);
    const costs: number[] = [];
    const row = (step: number): void => {
      const [cost, outY] = noGrad(() => {
        const yy = model.forward(x);
        return [sse(yy, t).item(), yy] as const;
      });
      costs.push(cost);
      say(`   ${String(step).padStart(5)}   ${formatNumber(cost).padEnd(14)}  ${formatNumber(outY.data[0]!).padEnd(12)}  ${formatNumber(outY.data[1]!)}`);
    };
    row(0);
    opt.step(); // the gradients above are those of step 1
    row(1);
    const half = Math.ceil(steps / 2);
    let halfCost = NaN;
    let gradSquares = NaN;
    for (let step = 2; step <= steps; step++) {
      opt.zeroGrad();
      const E = sse(model.forward(x), t);
      E.backward();
      if (step === half) halfCost = E.item();
      if (step === steps) {
        gradSquares = 0;
        for (const p of model.parameters()) for (const g of p.grad!.data) gradSquares += g * g;
      }
      opt.step();
      if (shown.has(step)) row(step);
    }
    const final = noGrad(() => model.forward(x));
    const reached = Math.abs(final.data[0]! - 0.5) < 1e-3 && Math.abs(final.data[1]! - 0.1) < 1e-3;
    const [e0, e] = [costs[0]!, costs[costs.length - 1]!];
    // NOTE: advising a larger η is only right when steps are too small. The cost grew; or over the
    // second half it fell less than 1 % of what steps of η·‖∇E‖² would give (oscillating, or
    // saturated sigmoids whose gradients are exactly 0): then η is too large, whatever the count.
    const stuck = gradSquares === 0 || (steps >= 4 && halfCost - e < 0.01 * lr * (steps - half) * gradSquares);
    const tooLarge = !reached && (!(e < e0) || stuck);
    const vars = { n: String(steps), y: vec(final), t: vec(t), lr: formatNumber(lr) };
    say(`   ${T(reached ? 'reached' : tooLarge ? 'tooLarge' : 'notReached', { ...vars, how: T(e < e0 ? 'costStuck' : 'costRose', { e0: formatNumber(e0), e: formatNumber(e) }) })}`);
    say();
    say(T('next'));
    io.stdout(out.join('\n') + '\n');
    return 0;
  },
};
