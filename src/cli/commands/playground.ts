import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackpropError } from '../../errors.js';
import type { Command } from '../command.js';

/** A running static file server. */
export interface StaticServer {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The built playground: `dist/web` beside the compiled CLI (the installed package: this file is
 * `dist/cli/commands/playground.js`), or the repository's `dist/web` when run from the sources.
 * Null when it has not been built.
 */
export function webRoot(): string | null {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const dir of [resolve(here, '../../web'), resolve(here, '../../../dist/web')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

/**
 * Serves the files under `root` on `host:port` (port 0 = any free port): GET and HEAD only,
 * `/` is `index.html`, paths outside `root` are refused, unknown paths get 404.
 *
 * @example
 * ```ts
 * const server = await serveStatic('dist/web', 0);
 * console.log(server.url);   // http://127.0.0.1:43123/
 * await server.close();
 * ```
 */
export function serveStatic(root: string, port = 0, host = '127.0.0.1'): Promise<StaticServer> {
  const base = resolve(root);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = resolve(base, '.' + (path.endsWith('/') ? path + 'index.html' : path));
    const rel = relative(base, file);
    if (rel.startsWith('..') || rel.includes(`..${sep}`) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      // NOTE: cross-origin isolation, so the training worker's kernels get shared memory and threads.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE'
        ? new BackpropError('io', `playground: port ${port} is already in use; choose another with --port`)
        : new BackpropError('io', `playground: cannot listen on ${host}:${port}: ${e.message}`));
    });
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolvePromise({
        url: `http://${host}:${actual}/`,
        port: actual,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

/** `backprop playground [--port P]` — serves the built browser app from the installed package. */
export const playground: Command = {
  name: 'playground',
  summary: 'open the browser playground: step through backpropagation, train and see every number',
  spec: {
    flags: {
      port: { type: 'int', value: 'P', min: 0, help: 'port on localhost (default 5173; 0 picks a free one)' },
    },
  },
  examples: ['npx backprop playground', 'npx backprop playground --port 8080'],
  async run(args, io) {
    const root = webRoot();
    if (root === null) {
      throw new BackpropError('io', 'playground: the browser app is not built (no dist/web/index.html); run `npm run build:web` first');
    }
    const port = (args.flags.port as number | undefined) ?? 5173;
    if (port > 65535) throw new BackpropError('argument', `playground: --port must be at most 65535, got ${port}`);
    const server = await serveStatic(root, port);
    io.stdout(`backprop playground: ${server.url}\n(press Ctrl+C to stop)\n`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.close();
    return 0;
  },
};
