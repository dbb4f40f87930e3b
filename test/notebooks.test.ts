// The notebooks (notebooks/*.ipynb), executed headlessly as CI runs them: Deno's Jupyter kernel
// from npm, registered in a temporary folder, driven by nbclient (Debian's python3-nbclient) in a
// copy of the clone, so the model the training notebook saves lands in the copy. Every cell must
// run without an error or a word on stderr; a fresh run must give exactly the committed outputs
// (the time and speed of training masked), so the outputs on GitHub cannot go stale; and the seed
// notebooks' outputs must hold every figure of the seed (test/fixtures/seed/expected.json).
// After changing a notebook or a display: `npm run notebook -- --execute` saves fresh outputs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NOTEBOOKS, comparable, installKernel, joined, kernelEnv, problems, pythonWithNbclient, root, type Notebook } from '../scripts/notebook/jupyter.js';

const work = mkdtempSync(join(tmpdir(), 'backprop-notebooks-'));
after(() => rmSync(work, { recursive: true, force: true }));
const committed = (n: string): Notebook => JSON.parse(readFileSync(join(root, 'notebooks', n), 'utf8')) as Notebook;
const executed = new Map<string, Notebook>();
let runError = '';

before(() => {
  const python = pythonWithNbclient();
  if (python === null) {
    runError = 'no Python with nbclient: install Debian\'s python3-nbclient (.ci/run does)';
    return;
  }
  // A copy of the clone as `npm install` leaves it: the package (the notebooks import "backprop"
  // through its name), dist/ and node_modules/ linked, an empty scratch/, the notebooks copied.
  const clone = join(work, 'clone');
  mkdirSync(join(clone, 'scratch'), { recursive: true });
  mkdirSync(join(clone, 'notebooks'));
  cpSync(join(root, 'package.json'), join(clone, 'package.json'));
  for (const d of ['dist', 'node_modules']) symlinkSync(join(root, d), join(clone, d));
  const pairs = NOTEBOOKS.flatMap((n) => {
    cpSync(join(root, 'notebooks', n), join(clone, 'notebooks', n));
    return [join(clone, 'notebooks', n), join(work, n)];
  });
  const jupyterPath = installKernel(join(work, 'kernel'));
  const started = Date.now();
  const r = spawnSync(python, [join(root, 'scripts/notebook/execute.py'), '--timeout', '240', ...pairs], {
    env: kernelEnv(jupyterPath, { DENO_DIR: join(work, 'deno-cache') }),
    encoding: 'utf8',
    timeout: 480_000,
  });
  console.log(`# the three notebooks ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) runError = `execute.py exited with ${r.status}: ${(r.stderr || r.error?.message || '').split('\n').filter((l) => !l.includes('is unstable')).join('\n').trim()}`;
  for (const n of NOTEBOOKS) {
    try {
      executed.set(n, JSON.parse(readFileSync(join(work, n), 'utf8')) as Notebook);
    } catch {
      // reported by the tests below
    }
  }
});

test('every notebook runs headlessly with the Deno kernel: no error output, nothing on stderr', { timeout: 600_000 }, () => {
  assert.equal(runError, '', runError);
  for (const n of NOTEBOOKS) {
    const nb = executed.get(n);
    assert.ok(nb, `${n} was not executed`);
    assert.deepEqual(problems(nb), [], n);
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    assert.ok(code.length >= 10, `${n}: ${code.length} code cells`);
    assert.ok(code.every((c, i) => c.execution_count === i + 1), `${n}: every code cell ran, in order`);
  }
});

test('the committed notebooks hold exactly the outputs a fresh run gives (training time and speed masked)', () => {
  for (const n of NOTEBOOKS) {
    const fresh = executed.get(n);
    assert.ok(fresh, `${n} was not executed`);
    const want = comparable(fresh);
    const have = comparable(committed(n));
    const at = want.findIndex((c, i) => JSON.stringify(c) !== JSON.stringify(have[i]));
    if (at >= 0) {
      const show = (c: unknown): string => (JSON.stringify(c) ?? 'no such cell').slice(0, 600);
      assert.fail(`notebooks/${n}: cell ${at} differs from a fresh run of the built dist/ — run \`npm run build\` if src/ changed, then \`npm run notebook -- --execute\`, and commit the result.\ncommitted: ${show(have[at])}\nfresh:     ${show(want[at])}`);
    }
    assert.equal(have.length, want.length, `notebooks/${n}: ${have.length} cells committed, ${want.length} run`);
  }
});

/** The numbers written in a notebook's outputs, as they are written. */
function numbersIn(nb: Notebook): string[] {
  const text = nb.cells.flatMap((c) => (c.outputs ?? []).flatMap((o) => [joined(o.text ?? ''), ...Object.values(o.data ?? {}).map(joined)])).join('\n');
  return text.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) ?? [];
}

/**
 * Whether a written number is `v`: exactly, or with at least 7 significant digits, to its last
 * digit — or to 1e-12, as test/seed.test.ts checks the engine, and 1e-8 relative for the tiny costs
 * at the end of the descent, where y − t keeps few digits and a thousand steps of float64 rounding
 * show (2.26178574395e-13 here, 2.26178574357e-13 in PyTorch).
 */
function writes(token: string, v: number): boolean {
  const x = Number(token);
  if (x === v) return true;
  const [mantissa, exp] = token.toLowerCase().split('e') as [string, string | undefined];
  const digits = mantissa.replace(/^-?0*\.?0*/, '').replace('.', '').length;
  const decimals = (mantissa.split('.')[1] ?? '').length - Number(exp ?? 0);
  return digits >= 7 && Math.abs(x - v) <= Math.max(0.5 * 10 ** -decimals * (1 + 1e-9), 1e-12, 1e-8 * Math.abs(v));
}

test('the seed notebooks\' outputs contain every figure of the seed: forward pass, deltas, the notebook\'s gradients, every gradient, the descent', () => {
  const e = JSON.parse(readFileSync(join(root, 'test/fixtures/seed/expected.json'), 'utf8')) as {
    forward: { g: number[]; h: number[]; z: number[]; y: number[]; E: number };
    deltaOutput: number[];
    notebook: Record<string, number>;
    gradients: { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] };
    sgd: { afterSteps: Record<string, { lossBeforeStep: number; lossAfterStep: number; outputAfterStep: number[] }> };
  };
  const figures: [string, number][] = [
    ...(['g', 'h', 'z', 'y'] as const).flatMap((k) => e.forward[k].map((v, i): [string, number] => [`forward.${k}[${i}]`, v])),
    ['forward.E', e.forward.E],
    ...e.deltaOutput.map((v, i): [string, number] => [`deltaOutput[${i}]`, v]),
    ...Object.entries(e.notebook).map(([k, v]): [string, number] => [`notebook.${k}`, v]),
    ...(['W1', 'W2'] as const).flatMap((k) => e.gradients[k].flatMap((r, i) => r.map((v, j): [string, number] => [`gradients.${k}[${i}][${j}]`, v]))),
    ...(['b1', 'b2'] as const).flatMap((k) => e.gradients[k].map((v, i): [string, number] => [`gradients.${k}[${i}]`, v])),
    ...Object.entries(e.sgd.afterSteps).flatMap(([step, s]): [string, number][] => [
      [`sgd step ${step} cost before`, s.lossBeforeStep],
      [`sgd step ${step} cost after`, s.lossAfterStep],
      ...s.outputAfterStep.map((v, i): [string, number] => [`sgd step ${step} output ${i}`, v]),
    ]),
  ];
  assert.equal(figures.length, 46);
  for (const n of ['seed-en.ipynb', 'seed-ko.ipynb']) {
    const tokens = numbersIn(committed(n));
    const missing = figures.filter(([, v]) => !tokens.some((t) => writes(t, v))).map(([name, v]) => `${name} = ${v}`);
    assert.deepEqual(missing, [], `notebooks/${n} does not show these figures of the seed`);
  }
});
