import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** True for `node:fs`, `fs`, `fs/promises`, … — anything that only exists in Node. */
export function isNodeBuiltin(id: string): boolean {
  if (id.startsWith('node:')) return true;
  return BUILTINS.has(id) || BUILTINS.has(id.split('/')[0]!);
}

const STUB = '\0backprop-node-only:';
const EMPTY = '\0backprop-browser-empty:';

/** True when the npm package holding `file` maps `id` to false in its package.json `browser` field. */
export function browserFieldDisables(file: string, id: string): boolean {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (!existsSync(pj)) continue;
    const browser = (JSON.parse(readFileSync(pj, 'utf8')) as { browser?: unknown }).browser;
    return typeof browser === 'object' && browser !== null && (browser as Record<string, unknown>)[id] === false;
  }
  return false;
}

/**
 * Fails the build (and the dev server) when any module of the app — the library included —
 * imports a Node built-in: the playground must run on the browser-safe entry alone.
 *
 * A third-party package may keep a guarded `require('crypto')` when its own package.json
 * `browser` field maps the built-in to false (seedrandom, inside mathjs, does): that import
 * becomes an empty module, as the package asks.
 *
 * One exception, by the library's naming rule: a *dynamic* `import('./x.node.js')` (code that
 * picks a Node or a browser implementation at run time) gets a stub that throws if it is ever
 * loaded, so the Node-only file and its built-ins never reach the bundle. A static import of a
 * `.node` file is an error like a built-in.
 */
export function forbidNodeBuiltins(): Plugin {
  return {
    name: 'backprop:forbid-node-builtins',
    enforce: 'pre',
    resolveId(source, importer, options) {
      if (isNodeBuiltin(source)) {
        if (importer !== undefined && importer.includes('/node_modules/') && browserFieldDisables(importer, source)) return EMPTY + source;
        this.error(`the playground must not import the Node built-in "${source}" (imported by ${importer ?? 'the entry'}); use the browser-safe entry src/index.ts`);
      }
      if (/\.node(\.[cm]?[jt]s)?$/.test(source)) {
        const kind = (options as { kind?: string } | undefined)?.kind;
        if (kind === 'dynamic-import') return STUB + source;
        this.error(`the playground must not import the Node-only module "${source}" (imported by ${importer ?? 'the entry'})`);
      }
      return null;
    },
    load(id) {
      if (id.startsWith(EMPTY)) return 'export default {};';
      if (!id.startsWith(STUB)) return null;
      const name = JSON.stringify(id.slice(STUB.length));
      return `throw new Error('the Node-only module ' + ${name} + ' cannot run in a browser');\nexport {};`;
    },
  };
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** The headers that make a page cross-origin isolated (shared memory, threads). */
export const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: false,
  plugins: [forbidNodeBuiltins()],
  resolve: {
    alias: [
      { find: /^backprop$/, replacement: here('../src/index.ts') },
      // NOTE: the ledger (src/explain, with mathjs) is loaded on use, as the CLI does, so it stays out of the first download.
      { find: /^backprop\/explain$/, replacement: here('../src/explain/index.ts') },
    ],
  },
  worker: { format: 'es', plugins: () => [forbidNodeBuiltins()] },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
  },
  // NOTE: cross-origin isolation (COOP + COEP), so that the training worker's WebAssembly kernels
  // get shared memory and their worker threads, as under `backprop playground`.
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
});
