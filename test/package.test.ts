// The package as a user gets it: `npm pack`, then a fresh empty project (`npm init -y`, then
// `npm pkg set type=module`, as the README says) installs the tarball (offline: the dependencies
// come from the npm cache) and uses it every way the README names — TypeScript with types
// (compiled by tsc, run by node; the quickstart through tsx), plain JavaScript, CommonJS require,
// the `backprop` command through npx, and the browser entry bundled by Vite (plain configuration)
// with no Node built-in left in the bundle.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const expected = JSON.parse(readFileSync(join(root, 'test/fixtures/seed/expected.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'backprop-package-'));
const app = join(work, 'app');
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs a program; resolves to its stdout, rejects with stderr on a non-zero exit. */
function sh(file: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} (in ${cwd}): ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

let tarball = '';
let packed: string[] = [];

before(async () => {
  assert.ok(existsSync(join(root, 'dist/index.js')), 'dist/ is not built: run `npm run build` (npm install does it)');
  // NOTE: --ignore-scripts: `prepare` would rebuild dist/, which npm install has just built.
  const json = JSON.parse(await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root));
  tarball = join(work, json[0].filename);
  packed = json[0].files.map((f: { path: string }) => f.path);
  await sh('mkdir', [app], work);
  await sh('npm', ['init', '-y'], app);
  await sh('npm', ['pkg', 'set', 'type=module'], app);
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app, 180_000);
}, { timeout: 300_000 });

test('npm pack ships the compiled library with types, the WASM kernels, the CLI, the playground and the docs — and no sources or tests', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.version, '0.1.0');
  assert.equal(tarball.endsWith('backprop-0.1.0.tgz'), true);
  for (const f of ['package.json', 'README.md', 'README.ko.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts',
    'dist/cli/bin.js', 'dist/kernels/wasm-bytes.generated.js', 'dist/kernels/matmul-worker.node.js', 'dist/web/index.html']) {
    assert.ok(packed.includes(f), `the package lacks ${f}`);
  }
  for (const f of packed) assert.doesNotMatch(f, /^(src|test|bench|web|scripts|examples)\/|\.test\.|\.map$|test-util/, `the package should not ship ${f}`);
  const wasm = readFileSync(join(app, 'node_modules/backprop/dist/kernels/wasm-bytes.generated.js'), 'utf8');
  const b64 = /"([A-Za-z0-9+/=]{1000,})"/.exec(wasm)?.[1];
  assert.ok(b64, 'the WASM bytes are embedded as base64');
  assert.deepEqual([...Buffer.from(b64, 'base64').subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module (\\0asm)');
});

test('TypeScript in the fresh project: ESM imports of backprop, backprop/node and backprop/explain type-check (types are real, not any), compile and run', async () => {
  writeFileSync(join(app, 'main.ts'), `import { Adam, Rng, Sequential, evaluate, fit, seedNetwork, sse, synthetic, tensor, type Dataset, type FitResult } from 'backprop';
import { loadModel, saveModel } from 'backprop/node';
import { explain, renderText, type Ledger } from 'backprop/explain';

const seed = seedNetwork();
const ledger: Ledger = explain(seed, [[1, 2, 3]], [[0.5, 0.1]]);
const ledgerText = renderText(ledger, { lang: 'ko' });
const E: number = sse(seed.forward(tensor([[1, 2, 3]])), tensor([[0.5, 0.1]])).item();
// @ts-expect-error -- Rng is a class, not a number: this line must be a type error.
const wrong: number = new Rng(1);
void wrong;
const rng = new Rng(1);
const data: Dataset = synthetic('xor', { rng, size: 200 });
const model = Sequential.mlp([2, 8, 2], { activation: 'tanh', output: 'softmax', rng });
const result: FitResult = await fit(model, data, { loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 0.05 }), epochs: 30, rng });
saveModel('model.json', model, 'cross_entropy');
const again = loadModel('model.json');
console.log(JSON.stringify({ E, epochs: result.epochs, accuracy: evaluate(again.model, again.loss, data).classification!.accuracy, ledger: ledgerText.includes('0.04047892') && ledgerText.includes('역전파') }));
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out',
      // NOTE: the fresh project has no @types/node of its own; borrow the repository's. skipLibCheck keeps tsc fast.
      typeRoots: [join(root, 'node_modules/@types')], types: ['node'], skipLibCheck: true,
    },
    files: ['main.ts'],
  }));
  await sh(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
  const out = JSON.parse(await sh(process.execPath, ['out/main.js'], app));
  assert.ok(Math.abs(out.E - expected.forward.E) <= 1e-12 * expected.forward.E, `seed cost ${out.E}`);
  assert.equal(out.epochs, 30);
  assert.ok(out.accuracy >= 0.9, `xor accuracy ${out.accuracy}`);
  assert.equal(out.ledger, true, 'backprop/explain renders the Korean ledger with bw41 = 0.04047892');
});

// The README's "Using the package in your own project": the quickstart as plain JavaScript, as
// TypeScript through tsx, and the package through CommonJS `require`, each in the fresh project.
const quickstart = readFileSync(join(root, 'examples/quickstart.ts'), 'utf8');
const tsx = import.meta.resolve('tsx');

function checkQuickstart(out: string, what: string): void {
  assert.match(out, /^epoch 40: training loss \d\.\d{4}$/m, what);
  assert.ok(Number(/test accuracy (\S+) %/.exec(out)?.[1]) >= 90, `${what}: ${out}`);
  assert.match(out, /reloaded: 2-8-2, same accuracy: true/, what);
}

test('the README says how: type module, and the JavaScript, TypeScript and CommonJS paths', () => {
  for (const [file, phrases] of [
    ['README.md', ['npm pkg set type=module', 'without its four `!`', 'npx tsx quickstart.ts', 'quickstart.mts', "require('backprop')", 'Node 20.19']],
    ['README.ko.md', ['npm pkg set type=module', '네 개의 `!`', 'npx tsx quickstart.ts', 'quickstart.mts', "require('backprop')", 'Node 20.19']],
  ] as const) {
    const md = readFileSync(join(root, file), 'utf8');
    for (const p of phrases) assert.ok(md.includes(p), `${file} says ${p}`);
  }
  assert.equal(quickstart.match(/!\./g)?.length, 4, 'the README counts the quickstart\'s four !');
});

test('plain JavaScript: the quickstart without its four ! runs with node (ES modules)', async () => {
  writeFileSync(join(app, 'quickstart.js'), quickstart.replace(/!\./g, '.'));
  checkQuickstart(await sh(process.execPath, ['quickstart.js'], app), 'quickstart.js');
});

test('TypeScript: the quickstart as it is runs through tsx', async () => {
  writeFileSync(join(app, 'quickstart.ts'), quickstart);
  checkQuickstart(await sh(process.execPath, ['--import', tsx, 'quickstart.ts'], app), 'quickstart.ts');
});

test('CommonJS: require() gives the same library, the node additions and the ledger (Node ≥ 20.19)', async () => {
  writeFileSync(join(app, 'main.cjs'), `const { Adam, Rng, Sequential, evaluate, fit, synthetic } = require('backprop');
const { saveModel, loadModel } = require('backprop/node');
const { explain, renderText } = require('backprop/explain');
const { seedNetwork } = require('backprop');
const rng = new Rng(42);
const data = synthetic('circle', { rng, size: 200, noise: 0.1 });
const model = Sequential.mlp([2, 8, 2], { activation: 'tanh', output: 'softmax', rng });
fit(model, data, { loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 0.03 }), epochs: 30, batchSize: 16, rng }).then(() => {
  saveModel('cjs-model.json', model, 'cross_entropy');
  const again = loadModel('cjs-model.json');
  const ledger = renderText(explain(seedNetwork(), [[1, 2, 3]], [[0.5, 0.1]]));
  console.log(JSON.stringify({ accuracy: evaluate(again.model, again.loss, data).classification.accuracy, ledger: ledger.includes('0.04047892') }));
});
`);
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major === 20 && minor < 19) {
    await assert.rejects(sh(process.execPath, ['main.cjs'], app), /ERR_REQUIRE_ESM/);
    return;
  }
  const out = JSON.parse(await sh(process.execPath, ['main.cjs'], app));
  assert.ok(out.accuracy >= 0.9, `circle accuracy ${out.accuracy}`);
  assert.equal(out.ledger, true);
});

test('npx backprop demo runs the installed command', async () => {
  const out = await sh('npx', ['--no-install', 'backprop', 'demo'], app);
  assert.match(out, new RegExp(`E = ½·Σ\\(y − t\\)² = ${expected.forward.E.toPrecision(8)}`));
  assert.match(out, /bw41\) = ∂E\/∂y6 · σ′\(z6\) · a4/);
  assert.match(out, /After 1000 steps the outputs are \[0\.5, 0\.1000006\d\]/);
  assert.match(await sh('npx', ['--no-install', 'backprop', '--version'], app), /^0\.1\.0\n$/);
});

test('Vite bundles the browser entry (plain configuration) without Node built-ins, and the bundle runs', async () => {
  writeFileSync(join(app, 'browser.js'), `import { Adam, Rng, Sequential, evaluate, fit, seedNetwork, sse, synthetic, tensor } from 'backprop';
const E = sse(seedNetwork().forward(tensor([[1, 2, 3]])), tensor([[0.5, 0.1]])).item();
const rng = new Rng(1);
const data = synthetic('circle', { rng, size: 100 });
const net = Sequential.mlp([2, 4, 2], { activation: 'tanh', output: 'softmax', rng });
await fit(net, data, { loss: 'cross_entropy', optimizer: new Adam(net.parameters(), { lr: 0.05 }), epochs: 5, rng });
export const result = { E, accuracy: evaluate(net, 'cross_entropy', data).classification.accuracy };
`);
  const vite = (await import(pathToFileURL(join(root, 'node_modules/vite/dist/node/index.js')).href)) as typeof import('vite');
  const warnings: string[] = [];
  await vite.build({
    root: app, configFile: false, logLevel: 'silent',
    customLogger: { ...vite.createLogger('silent'), warn: (m: string) => void warnings.push(m), warnOnce: (m: string) => void warnings.push(m) },
    build: { lib: { entry: 'browser.js', formats: ['es'], fileName: 'bundle' }, outDir: 'bundle', target: 'es2022', minify: false },
  });
  const files = readdirSync(join(app, 'bundle')).filter((f) => f.endsWith('.js'));
  assert.ok(files.length >= 1);
  const builtins = new Set(builtinModules.filter((m) => !m.startsWith('_')));
  for (const f of files) {
    const code = readFileSync(join(app, 'bundle', f), 'utf8');
    const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
    for (const s of specifiers) {
      assert.ok(!s.startsWith('node:') && !builtins.has(s.split('/')[0]!), `${f} imports the Node built-in ${s}`);
    }
    assert.doesNotMatch(code, /__vite-browser-external/, `${f}: Vite had to stub a Node built-in`);
  }
  assert.deepEqual(warnings.filter((w) => /externalized for browser|node:/.test(w)), []);
  const main = files.find((f) => f.startsWith('bundle'))!;
  const { result } = (await import(pathToFileURL(join(app, 'bundle', main)).href)) as { result: { E: number; accuracy: number } };
  assert.ok(Math.abs(result.E - expected.forward.E) <= 1e-12 * expected.forward.E, `bundled seed cost ${result.E}`);
  assert.ok(result.accuracy > 0.5);
});
