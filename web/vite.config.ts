import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** True for `node:fs`, `fs`, `fs/promises`, … — anything that only exists in Node. */
export function isNodeBuiltin(id: string): boolean {
  if (id.startsWith('node:')) return true;
  return BUILTINS.has(id) || BUILTINS.has(id.split('/')[0]!);
}

const STUB = '\0backprop-node-only:';

/**
 * Fails the build (and the dev server) when any module of the app — the library included —
 * imports a Node built-in: the playground must run on the browser-safe entry alone.
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
      if (!id.startsWith(STUB)) return null;
      const name = JSON.stringify(id.slice(STUB.length));
      return `throw new Error('the Node-only module ' + ${name} + ' cannot run in a browser');\nexport {};`;
    },
  };
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: false,
  plugins: [forbidNodeBuiltins()],
  resolve: { alias: { backprop: here('../src/index.ts') } },
  worker: { format: 'es', plugins: () => [forbidNodeBuiltins()] },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
