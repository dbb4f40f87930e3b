// Atomic file saves for Node (the rest of src/io is browser-safe; this file is Node-only).
import { closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BackpropError } from '../errors.js';

/**
 * The file-system calls {@link writeFileAtomic} makes, replaceable so that tests can inject a
 * failing write (a full disk, an I/O error, a failed rename) at an exact point.
 */
export interface AtomicWriteFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

/** The real file system (node:fs). */
export const NODE_FS: AtomicWriteFs = { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync };

/** What a save writes: text (UTF-8), bytes, or bytes in pieces written one after another (never joined). */
export type OutputData = string | Uint8Array | readonly Uint8Array[];

/**
 * Writes `data` to the regular file `path` atomically: into a temporary file in the same directory
 * (`.NAME.PID.TIME.tmp`, created exclusively so that nothing planted at that name is followed),
 * flushed to disk, then renamed over the target, and the directory flushed so the rename itself
 * survives a power cut. A crash at any point leaves either the previous file or the new one, never
 * a mixture; a failed write removes the temporary file and leaves the previous file intact. A file
 * that is replaced keeps its permissions (and, when run as root, its owner). Temporary files that
 * killed saves left beside `path` (their process is gone, or they are over an hour old) are removed
 * first: no temporary file outlives the next save.
 *
 * `path` must name a regular file or nothing: {@link writeOutput} decides that (following
 * symlinks to their target, streaming into FIFOs and devices) and is what every writer calls.
 *
 * @param fs the file-system calls to use (tests inject failures here).
 * @throws BackpropError `io` naming the path and the cause in words: `out.json: cannot write (no
 *   space left on the device); the previous file, if any, is unchanged`.
 * @example
 * ```ts
 * writeFileAtomic('model.json', JSON.stringify(toModelFile(model, 'mse')));
 * ```
 */
export function writeFileAtomic(path: string, data: OutputData, fs: AtomicWriteFs = NODE_FS): void {
  const dir = dirname(path);
  removeStaleTemporaries(dir, basename(path));
  const previous = existingMode(path);
  let tmp = '';
  let fd: number | null = null;
  try {
    for (let attempt = 0; fd === null; attempt++) {
      tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}${attempt ? `-${attempt}` : ''}.tmp`);
      try {
        fd = fs.openSync(tmp, 'wx', previous?.mode ?? 0o644);
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST' || attempt >= 100) throw e;
      }
    }
    if (previous) keepOwnership(fd, previous);
    for (const piece of pieces(data)) writeAll(fs, fd, piece);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; keep the first error
      }
    }
    if (tmp !== '') {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // the temporary file may not exist
      }
    }
    throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)}); the previous file, if any, is unchanged`);
  }
  syncDirectory(dir, fs);
}

/** The pieces of `data` as bytes. */
export function pieces(data: OutputData): readonly Uint8Array[] {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8')];
  return data instanceof Uint8Array ? [data] : data;
}

/** Writes all of `bytes` at the file position of `fd` (writeSync may write less than asked). */
export function writeAll(fs: Pick<AtomicWriteFs, 'writeSync'>, fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Mode, owner and group of an existing regular file (null when there is none). */
function existingMode(path: string): { mode: number; uid: number; gid: number } | null {
  try {
    const st = statSync(path);
    return st.isFile() ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : null;
  } catch {
    return null;
  }
}

/** Gives the new file the replaced file's permissions (past the umask) and, as root, its owner. */
function keepOwnership(fd: number, previous: { mode: number; uid: number; gid: number }): void {
  try {
    fchmodSync(fd, previous.mode);
    if (process.getuid?.() === 0) fchownSync(fd, previous.uid, previous.gid);
  } catch {
    // NOTE: best effort: some file systems refuse chmod/chown; the content is what matters.
  }
}

/** Temporary files older than this are stale whatever their process id says (ids are reused). */
const STALE_MS = 3_600_000;

/**
 * Deletes the temporary files that interrupted saves of `name` left in `dir`
 * (`.NAME.PID.TIME[-N].tmp` whose process is gone, is this one, or which are over an hour old).
 * `name` may also be a test of the file name saved (the weights files of a model, whose names
 * change with every save). Best effort: a file another process removes first, or an unreadable
 * directory, is no error.
 *
 * @example
 * ```ts
 * removeStaleTemporaries('run', 'checkpoint.json');   // after a SIGKILL mid-save
 * removeStaleTemporaries('run', (n) => n.endsWith('.safetensors'));
 * ```
 */
export function removeStaleTemporaries(dir: string, name: string | ((saved: string) => boolean)): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const matches = typeof name === 'string' ? (saved: string) => saved === name : name;
  for (const entry of names) {
    const m = /^\.(.+)\.(\d+)\.(\d+)(?:-\d+)?\.tmp$/.exec(entry);
    if (m === null || !matches(m[1]!)) continue;
    const pid = Number(m[2]);
    const path = join(dir, entry);
    try {
      if (pid !== process.pid && processAlive(pid) && Date.now() - lstatSync(path).mtimeMs < STALE_MS) continue;
      unlinkSync(path);
    } catch {
      // NOTE: another process may have removed it; nothing to do.
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Flushes a directory entry (after a rename); best effort, as some file systems refuse it. */
function syncDirectory(dir: string, fs: AtomicWriteFs): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // NOTE: the data is written and renamed; only its durability across a power cut is unconfirmed.
  } finally {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // ignore
      }
    }
  }
}

/** A system error (`ENOSPC`, `EROFS`, …) in words, for messages a learner can act on. */
export function systemMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    case 'EIO':
      return 'an input/output error on the device';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    case 'EPIPE':
      return 'the reader closed the pipe';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EBADF':
      return 'the file descriptor is not open for writing';
    case 'ETXTBSY':
      return 'the file is a running program';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
