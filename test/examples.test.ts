// Every script in examples/ runs as a user would run it (`node --import tsx examples/X.ts`, in an
// empty directory, importing the package name `backprop`), and its output is checked against
// independent figures: the seed notebook's expected.json, accuracies the issues require, files written.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = import.meta.resolve('tsx');
const work = mkdtempSync(join(tmpdir(), 'backprop-examples-'));
after(() => rmSync(work, { recursive: true, force: true }));

const expected = JSON.parse(readFileSync(join(root, 'test/fixtures/seed/expected.json'), 'utf8'));

/** Runs examples/NAME.ts in its own empty directory; resolves to stdout and that directory. */
function run(name: string): Promise<{ out: string; dir: string }> {
  const dir = join(work, name);
  mkdirSync(dir);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', tsx, join(root, 'examples', `${name}.ts`)], {
      cwd: dir,
      env: { ...process.env, BACKPROP_EXAMPLES_QUICK: '1' },
      timeout: 120_000,
    }, (err, stdout, stderr) => {
      if (err) reject(new Error(`examples/${name}.ts failed: ${err.message}\n${stderr}`));
      else resolve({ out: stdout, dir });
    });
  });
}

/** The number printed after `label` (e.g. `E =`) on the first line that has it. */
function numberAfter(out: string, label: string): number {
  const i = out.indexOf(label);
  assert.ok(i >= 0, `output has no "${label}":\n${out}`);
  const m = /[-+]?\d+(\.\d+)?(e[-+]?\d+)?/i.exec(out.slice(i + label.length));
  assert.ok(m, `no number after "${label}"`);
  return Number(m[0]);
}

const close = (actual: number, want: number, digits: number, what: string): void =>
  assert.ok(Math.abs(actual - want) <= 0.5 * 10 ** -digits * Math.max(1, Math.abs(want)), `${what}: ${actual} vs ${want}`);

test('the package name resolves to the built library (npm install runs the build)', () => {
  assert.ok(existsSync(join(root, 'dist/index.js')) && existsSync(join(root, 'dist/node.js')),
    'dist/ is missing: the examples import `backprop`, which resolves to dist/ — run `npm run build`');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'backprop');
  assert.equal(pkg.exports['.'].default, './dist/index.js');
});

test('examples/quickstart.ts: trains the circle, saves, reloads the same model', async () => {
  const { out, dir } = await run('quickstart');
  assert.ok(numberAfter(out, 'test accuracy') >= 90, out);
  assert.match(out, /reloaded: 2-8-2, same accuracy: true/);
  const saved = JSON.parse(readFileSync(join(dir, 'circle-model.json'), 'utf8'));
  assert.equal(saved.format, 'backprop-model');
  assert.equal(saved.loss, 'cross_entropy');
});

test('examples/seed-notebook.ts: the notebook figures and the descent of expected.json', async () => {
  const { out } = await run('seed-notebook');
  close(numberAfter(out, 'E ='), expected.forward.E, 8, 'E');
  for (const name of ['bw41', 'bw42', 'bw51', 'bw52']) close(numberAfter(out, `${name} =`), expected.notebook[name], 8, name);
  close(numberAfter(out, "(the notebook's bb2) ="), expected.notebook.bb2_sum, 8, 'bb2');
  close(numberAfter(out, '∂E/∂W1 = [\n  [ \''), expected.gradients.W1[0][0], 8, 'dW1[0][0]');
  for (const step of ['1', '10', '100', '1000']) {
    const want = expected.sgd.afterSteps[step].lossAfterStep as number;
    const got = numberAfter(out, `after step ${step}: E =`);
    assert.ok(Math.abs(got - want) <= 1e-7 * want, `cost after step ${step}: ${got} vs ${want}`);
  }
});

test('examples/xor.ts: 100 % on XOR', async () => {
  const { out } = await run('xor');
  assert.equal(numberAfter(out, 'accuracy:'), 100);
  for (const [a, b, t] of [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]) {
    const y = numberAfter(out, `${a} xor ${b} = ${t}   network:`);
    assert.ok(Math.abs(y - t!) < 0.1, `${a} xor ${b}: ${y}`);
  }
});

test('examples/spiral.ts: ≥ 95 % on the spirals, and an SVG with the boundary and the test points', async () => {
  const { out, dir } = await run('spiral');
  assert.ok(numberAfter(out, 'test accuracy') >= 95, out);
  const svg = readFileSync(join(dir, 'spiral.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<rect /g)?.length, 60 * 60);
  assert.equal(svg.match(/<circle /g)?.length, 100);
});

test('examples/iris-csv.ts: ≥ 93 % on the held-out flowers, a 3×3 confusion matrix of 10 per class', async () => {
  const { out } = await run('iris-csv');
  assert.match(out, /classes: setosa, versicolor, virginica/);
  assert.ok(numberAfter(out, 'test accuracy:') >= 93, out);
  const rows = out.split('\n').filter((l) => /^ {2}(setosa|versicolor|virginica) /.test(l));
  assert.equal(rows.length, 3);
  for (const row of rows) assert.equal(row.trim().split(/\s+/).slice(1).map(Number).reduce((a, b) => a + b, 0), 10, row);
});

test('examples/mnist.ts: (quick: one epoch) ≥ 85 % of the 2,000 held-out digits', async () => {
  const { out } = await run('mnist');
  assert.match(out, /8000 training digits, 2000 held out/);
  assert.match(out, /epoch 1: loss/);
  assert.ok(numberAfter(out, 'held-out accuracy:') >= 85, out);
});

test('examples/custom-loss.ts: the Huber gradient passes gradcheck and resists the outliers', async () => {
  const { out } = await run('custom-loss');
  assert.match(out, /gradcheck: ok/);
  const mse = numberAfter(out, 'MSE-trained');
  const huber = numberAfter(out, 'Huber-trained');
  assert.ok(huber < mse / 10, `Huber ${huber} vs MSE ${mse}`);
});

test('examples/onnx-export.ts: ONNX Runtime agrees with the engine within 1e-5', async () => {
  const { out, dir } = await run('onnx-export');
  const bytes = readFileSync(join(dir, 'iris.onnx'));
  assert.equal(bytes.length, numberAfter(out, 'wrote iris.onnx ('));
  assert.ok(numberAfter(out, 'largest difference from backprop') < 1e-5, out);
});

test('every example script is tested here', () => {
  const scripts = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).sort();
  const tested = readFileSync(fileURLToPath(import.meta.url), 'utf8').match(/examples\/[\w-]+\.ts: /g)!.map((s) => s.slice(9, -2)).sort();
  assert.deepEqual(scripts, tested);
});
