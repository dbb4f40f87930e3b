// Where a save goes, and writing it there: the write semantics of every backprop writer.
import { accessSync, closeSync, constants, lstatSync, openSync, readlinkSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BackpropError } from '../errors.js';
import { NODE_FS, pieces, systemMessage, writeAll, writeFileAtomic, type AtomicWriteFs, type OutputData } from './atomic-write.node.js';
import { stdWriter } from './stdio.node.js';

/**
 * Where a path given as an output leads (see {@link writeOutput}):
 * - `fd`: standard output (`-`, `/dev/stdout`), standard error or another open descriptor
 *   (`/dev/fd/N`, `/proc/self/fd/N`);
 * - `stream`: an existing FIFO, character device or socket (`/dev/null`, `/dev/full`, a named pipe);
 * - `file`: a regular file, existing or not, at `path` — the target at the end of any symlinks.
 */
export type OutputTarget = { kind: 'fd'; fd: number } | { kind: 'stream'; path: string } | { kind: 'file'; path: string };

/** Symlinks followed before a path is called a loop (as Linux's MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * Resolves an output path: follows symlinks one by one to their final target (which may not exist
 * yet: a dangling link is written through, creating its target), recognises the descriptor paths,
 * and tells regular files from FIFOs and devices. `-` means standard output.
 *
 * @throws BackpropError `io` for a directory, a symlink loop, or a path that cannot be inspected.
 * @example
 * ```ts
 * resolveOutput('-');             // { kind: 'fd', fd: 1 }
 * resolveOutput('/dev/null');     // { kind: 'stream', path: '/dev/null' }
 * resolveOutput('latest.json');   // { kind: 'file', path: 'runs/7/model.json' } when latest.json → runs/7/model.json
 * ```
 */
export function resolveOutput(path: string): OutputTarget {
  if (path === '-') return { kind: 'fd', fd: 1 };
  let p = path;
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    const fd = descriptorOf(p);
    if (fd !== null) return { kind: 'fd', fd };
    let st;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return { kind: 'file', path: p };
      throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)})`);
    }
    if (st.isSymbolicLink()) {
      const link = readlinkSync(p);
      p = isAbsolute(link) ? link : join(dirname(p), link);
      continue;
    }
    if (st.isFile()) return { kind: 'file', path: p };
    if (st.isDirectory()) throw new BackpropError('io', `${path}: is a directory; give a file name`);
    return { kind: 'stream', path: p };
  }
  throw new BackpropError('io', `${path}: cannot write (too many levels of symbolic links)`);
}

/** The descriptor a path names (`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`, …), else null. */
function descriptorOf(p: string): number | null {
  const abs = resolve(p);
  if (abs === '/dev/stdout') return 1;
  if (abs === '/dev/stderr') return 2;
  const m = /^\/(?:dev\/fd|proc\/self\/fd|proc\/thread-self\/fd|proc\/\d+\/fd)\/(\d+)$/.exec(abs);
  if (m === null) return null;
  // NOTE: /proc/PID/fd of another process is that process's descriptor: not ours to write.
  if (/^\/proc\/\d+\//.test(abs) && !abs.startsWith(`/proc/${process.pid}/`)) return null;
  return Number(m[1]);
}

/** Options of {@link writeOutput}. */
export interface WriteOutputOptions {
  /** Standard output (for `-` and `/dev/stdout`); default the process's, stopping quietly when its reader has gone. */
  stdout?: (data: string | Uint8Array) => void;
  /** Standard error (for `/dev/stderr`); default the process's. */
  stderr?: (data: string | Uint8Array) => void;
  /** The file-system calls of the atomic save (tests inject failures). */
  fs?: AtomicWriteFs;
}

/**
 * Writes `data` where `path` leads — the one write behaviour of every backprop writer (model,
 * checkpoint, plot, export, import, `saveModel`):
 *
 * | `path` is… | the write |
 * |---|---|
 * | a regular file, or nothing yet | atomic: a temporary file beside it, flushed, renamed over it (a crash leaves the old or the new file, never half) |
 * | a symlink | written through to its target, atomically there; the link stays a link |
 * | `-`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` | streamed to that descriptor (to stdout: stops quietly when the reader has gone) |
 * | a FIFO, a character device, a socket | streamed into it (`/dev/null` swallows it; `/dev/full` is an error) |
 * | a directory | an error |
 *
 * @throws BackpropError `io` naming the path and the cause in words: `/dev/full: cannot write (no
 *   space left on the device)`.
 * @example
 * ```ts
 * writeOutput('model.json', text);   // atomic
 * writeOutput('-', text);            // to standard output
 * ```
 */
export function writeOutput(path: string, data: OutputData, options: WriteOutputOptions = {}): void {
  const target = resolveOutput(path);
  if (target.kind === 'file') return writeFileAtomic(target.path, data, options.fs ?? NODE_FS);
  if (target.kind === 'fd' && (target.fd === 1 || target.fd === 2)) {
    const write = target.fd === 1 ? (options.stdout ?? stdWriter(process.stdout)) : (options.stderr ?? stdWriter(process.stderr));
    for (const piece of pieces(data)) write(piece);
    return;
  }
  let fd: number | null = null;
  try {
    fd = target.kind === 'fd' ? target.fd : openSync(target.path, 'w');
    for (const piece of pieces(data)) writeAll({ writeSync }, fd, piece);
  } catch (e) {
    throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)})`);
  } finally {
    if (fd !== null && target.kind === 'stream') closeSync(fd);
  }
}

/**
 * Checks, before any work is done, that {@link writeOutput} will be able to write `path`: a regular
 * target's directory exists and accepts a new file (a probe file is created there and removed, so
 * read-only file systems, permissions and ACLs are all seen as the save will see them), an existing
 * file may be replaced, a FIFO or device is writable. With `kind: 'directory'` (a checkpoint
 * directory), `path` is a directory that accepts files, or can be created.
 *
 * @returns the resolved target.
 * @throws BackpropError `io`: `run/ckpt: cannot write (the file system is read-only)`.
 * @example
 * ```ts
 * checkOutput('model.json');              // before training: fails now, not after the last epoch
 * checkOutput('runs/ckpt', 'directory');
 * ```
 */
export function checkOutput(path: string, kind: 'file' | 'directory' = 'file'): OutputTarget {
  if (kind === 'directory') {
    let dir = path;
    for (;;) {
      let st;
      try {
        st = statSync(dir);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ENOENT' && dirname(dir) !== dir) {
          dir = dirname(dir);
          continue;
        }
        throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)})`);
      }
      if (!st.isDirectory()) throw new BackpropError('io', `${path}: cannot write (${dir === path ? 'it is a file, not a directory' : `${dir} is a file, not a directory`})`);
      probe(dir, path);
      return { kind: 'file', path };
    }
  }
  const target = resolveOutput(path);
  if (target.kind === 'stream') {
    try {
      accessSync(target.path, constants.W_OK);
    } catch (e) {
      throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)})`);
    }
  } else if (target.kind === 'file') {
    const dir = dirname(target.path);
    try {
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (e) {
      throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)})`);
    }
    probe(dir, path);
  }
  return target;
}

/** Creates and removes a file in `dir`, or throws what stops it, naming `what`. */
function probe(dir: string, what: string): void {
  const name = join(dir, `.backprop-probe.${process.pid}.tmp`);
  try {
    closeSync(openSync(name, 'wx'));
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw new BackpropError('io', `${what}: cannot write (${systemMessage(e)})`);
  }
  try {
    unlinkSync(name);
  } catch {
    // NOTE: created a moment ago; if it cannot be removed, the save will say why.
  }
}
