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
  summary: 'the seed notebook, finished: forward pass, all 14 gradients (10 weights, 4 biases), gradient descent to the target',
  spec: {
    flags: {
      lang: { type: 'string', choices: ['en', 'ko'], help: 'language: en (English) or ko (한국어, Korean); default en' },
      steps: { type: 'int', value: 'N', min: 1, help: 'gradient-descent steps (default 1000)' },
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
