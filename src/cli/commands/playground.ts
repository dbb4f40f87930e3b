import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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
 * The page's Content-Security-Policy: everything from this server only (scripts, workers, styles,
 * WebAssembly — compiled from the app's own bytes, hence `'wasm-unsafe-eval'`), the Export model
 * download as a blob, no plugins, no `<base>`, no form posts, and no page may frame it
 * (`frame-ancestors 'none'`: no clickjacking). Styles may also be inline (`'unsafe-inline'` for
 * `style-src` only): the library's ledger HTML and the practice diagram carry their own `<style>`
 * and `style` attributes; a style cannot run code, and scripts stay `'self'` only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers of every response: the policy above; cross-origin isolation (`Cross-Origin-Opener-Policy:
 * same-origin` with `Cross-Origin-Embedder-Policy: require-corp`), which the page's WebAssembly
 * kernels need for shared memory and threads; no framing, no sniffing, no referrer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * True when a request's `Host` header names this server: the address it listens on, or
 * `localhost` when that is a loopback address, with its port. Anything else is refused, so that a
 * web page whose DNS name an attacker re-points at 127.0.0.1 (DNS rebinding) cannot read the
 * server's answers under its own origin.
 *
 * @example
 * ```ts
 * hostAllowed('127.0.0.1:5173', '127.0.0.1', 5173);       // true
 * hostAllowed('evil.example:5173', '127.0.0.1', 5173);    // false
 * ```
 */
export function hostAllowed(header: string | undefined, host: string, port: number): boolean {
  if (header === undefined) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::(\d+))?$/.exec(header.trim());
  if (m === null) return false;
  const name = m[1]!.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if ((m[2] === undefined ? 80 : Number(m[2])) !== port) return false;
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  if (name === host.toLowerCase() || (loopback && (name === 'localhost' || name === '127.0.0.1' || name === '::1'))) return true;
  // NOTE: listening on every address (0.0.0.0, ::), requests name the machine by an IP address.
  return (host === '0.0.0.0' || host === '::') && /^[0-9.]+$|:/.test(name);
}

/**
 * Serves the files under `root` on `host:port` (port 0 = any free port): GET and HEAD only,
 * `/` is `index.html`, paths outside `root` are refused, unknown paths get 404, a `Host` header
 * that does not name this server gets 421 (see {@link hostAllowed}), and every response carries
 * {@link SECURITY_HEADERS}.
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
  const realBase = realpathSync(base);
  let actualPort = port;
  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!hostAllowed(req.headers.host, host, actualPort)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('misdirected request: this server answers only to its own address\n');
      return;
    }
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
    if (!inside(base, file) || !existsSync(file) || !inside(realBase, realpathSync(file)) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
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
      actualPort = actual;
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

/** True when `path` is `dir` or below it (both absolute); a symlink inside the root that leads out is outside. */
function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.includes(`..${sep}`) && !isAbsolute(rel));
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
