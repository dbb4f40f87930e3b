// The static server behind `backprop playground` and the Vite guard against Node built-ins.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostAllowed, serveStatic } from '../../src/cli/commands/playground.js';
import { request } from 'node:http';
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
    // A symlink inside the root that leads out of it is not served.
    symlinkSync(join(dir, '..', 'secret.txt'), join(dir, 'assets', 'link.txt'));
    assert.equal((await fetch(server.url + 'assets/link.txt')).status, 404);
    assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
  } finally {
    await server.close();
  }
});

test('serveStatic answers only to its own Host (no DNS rebinding) and sends its CSP, frame-ancestors and cross-origin isolation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-web-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  const server = await serveStatic(dir, 0);
  try {
    const get = (host: string | null): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = host === null ? {} : { Host: host };
        const req = request({ host: '127.0.0.1', port: server.port, path: '/', headers, setHost: host !== null }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        });
        req.on('error', reject);
        req.end();
      });
    const p = server.port;
    const allowed = [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`];
    const refused = ['evil.example', `evil.example:${p}`, `127.0.0.1.nip.io:${p}`, `127.0.0.1:${p + 1}`, `localhost:${p}@evil.example`, `attacker.localhost:${p}`, '127.0.0.1', `127.0.0.1:${p}:${p}`, `[::1]`, `0.0.0.0:${p}`];
    const wrong: string[] = [];
    for (const host of [...allowed, ...refused]) {
      const r = await get(host);
      const ok = allowed.includes(host) ? r.status === 200 : r.status === 421 || r.status === 400;
      if (!ok) wrong.push(`Host ${JSON.stringify(host)} → ${r.status}`);
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', host);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(r.headers['x-frame-options'], 'DENY');
    }
    // Node's HTTP server itself answers 400 to an HTTP/1.1 request without a Host header.
    const none = await get(null);
    assert.ok(none.status === 400 || none.status === 421, `a request without a Host header: ${none.status}`);
    t.diagnostic(`playground Host headers: ${allowed.length + refused.length + 1} tried, ${allowed.length} answered, ${refused.length + 1} refused, ${wrong.length} wrong`);
    assert.deepEqual(wrong, []);
    assert.equal(hostAllowed('127.0.0.1:80', '127.0.0.1', 80), true);
    assert.equal(hostAllowed('127.0.0.1', '127.0.0.1', 80), true, 'no port means 80');
    assert.equal(hostAllowed('192.168.1.5:8080', '0.0.0.0', 8080), true, 'an address when listening on every interface');
    assert.equal(hostAllowed('evil.example:8080', '0.0.0.0', 8080), false);
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
