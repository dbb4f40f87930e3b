// Loads the playground's modules (web/src) in Node as Vite builds them: `backprop` resolved to the
// library's sources (src/index.ts) through web/tsconfig.json's paths — not to the built dist/ that
// Node's own resolution of the package name would give — all in one module graph (web-entry.ts).
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/** web-entry.ts's exports: the playground's modules and the library instance they use. */
export type Web = typeof import('./web-entry.js');

/**
 * The playground's modules, loaded once.
 *
 * @example
 * ```ts
 * const { TrainingRun, buildData, lib } = await importWeb();
 * ```
 */
export function importWeb(): Promise<Web> {
  loaded ??= tsImport('./web-entry.ts', { parentURL: import.meta.url, tsconfig: fileURLToPath(new URL('../../web/tsconfig.json', import.meta.url)) }) as Promise<Web>;
  return loaded;
}

let loaded: Promise<Web> | null = null;
