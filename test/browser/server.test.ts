// The static server behind `backprop playground` and the Vite guard against Node built-ins.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveStatic } from '../../src/cli/commands/playground.js';
import { browserFieldDisables, forbidNodeBuiltins, isNodeBuiltin } from '../../web/vite.config.js';
import { ensureWebBuilt, root } from './build.js';

test('serveStatic serves index.html and assets with their types, refuses paths outside its root', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-web-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'assets', 'a.js'), 'export {};');
  writeFileSync(join(dir, '..', 'secret.txt'), 'no');
  const server = await serveStatic(dir, 0);
  try {
    const index = await fetch(server.url);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await index.text(), /<title>x<\/title>/);
    const js = await fetch(server.url + 'assets/a.js');
    assert.match(js.headers.get('content-type') ?? '', /text\/javascript/);
    assert.equal((await fetch(server.url + '..%2fsecret.txt')).status, 404);
    assert.equal((await fetch(server.url + 'assets/../../secret.txt')).status, 404);
    assert.equal((await fetch(server.url + 'missing.js')).status, 404);
    assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
  } finally {
    await server.close();
  }
});

test('the Vite guard fails on Node built-ins and static imports of .node files, stubs dynamic ones', () => {
  for (const id of ['node:fs', 'fs', 'fs/promises', 'worker_threads', 'path']) assert.equal(isNodeBuiltin(id), true, id);
  for (const id of ['backprop', './index.js', 'csv-parse/browser/esm/sync']) assert.equal(isNodeBuiltin(id), false, id);
  const plugin = forbidNodeBuiltins();
  const ctx = { error(msg: string): never { throw new Error(msg); } };
  const resolve = plugin.resolveId as unknown as (this: typeof ctx, s: string, i: string, o: { kind?: string }) => unknown;
  assert.throws(() => resolve.call(ctx, 'node:fs', '/src/x.ts', { kind: 'import-statement' }), /must not import the Node built-in "node:fs" \(imported by \/src\/x\.ts\)/);
  assert.throws(() => resolve.call(ctx, './spawn.node.js', '/src/k.ts', { kind: 'import-statement' }), /Node-only module/);
  assert.match(String(resolve.call(ctx, './spawn.node.js', '/src/k.ts', { kind: 'dynamic-import' })), /spawn\.node\.js$/);
  assert.equal(resolve.call(ctx, './tensor.js', '/src/k.ts', { kind: 'import-statement' }), null);
  // A package that maps the built-in to false in its browser field (seedrandom in mathjs) gets an empty module.
  const seedrandom = join(root, 'node_modules/seedrandom/seedrandom.js');
  assert.equal(browserFieldDisables(seedrandom, 'crypto'), true);
  assert.match(String(resolve.call(ctx, 'crypto', seedrandom, { kind: 'require-call' })), /crypto$/);
  assert.equal(browserFieldDisables(join(root, 'node_modules/vite/index.js'), 'fs'), false);
});

test('a Vite build of code that imports a Node built-in fails, naming the module and the importer', async (t) => {
  const { build } = await import('vite');
  const dir = mkdtempSync(join(tmpdir(), 'backprop-guard-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(dir, 'main.js'), "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n");
  await assert.rejects(
    build({ root: dir, configFile: false, logLevel: 'silent', plugins: [forbidNodeBuiltins()], build: { outDir: join(dir, 'out'), write: false } }),
    /must not import the Node built-in "node:fs" \(imported by .*main\.js\)/,
  );
});

test('`backprop playground --port 0` serves the built app and prints its URL', async () => {
  ensureWebBuilt();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'playground', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) resolve(m[0]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<div id="diagram"/);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  assert.equal(code, 0);
});
