// Atomic file saves for Node (the rest of src/io is browser-safe; this file is Node-only).
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
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

/**
 * Writes `data` to `path` atomically: into a temporary file in the same directory
 * (`.NAME.PID.TIME.tmp`), flushed to disk, then renamed over the target, and the directory flushed
 * so the rename itself survives a power cut. A crash at any point leaves either the previous file
 * or the new one, never a mixture; a failed write removes the temporary file and leaves the
 * previous file intact. (A process killed with SIGKILL cannot remove its temporary file; the
 * target is still intact.)
 *
 * @param fs the file-system calls to use (tests inject failures here).
 * @throws BackpropError `io` naming the path and the cause in words: `out.json: cannot write (no
 *   space left on the device); the previous file, if any, is unchanged`.
 * @example
 * ```ts
 * writeFileAtomic('model.json', JSON.stringify(toModelFile(model, 'mse')));
 * ```
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, fs: AtomicWriteFs = NODE_FS): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'w', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
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
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temporary file may not exist
    }
    throw new BackpropError('io', `${path}: cannot write (${systemMessage(e)}); the previous file, if any, is unchanged`);
  }
  syncDirectory(dirname(path), fs);
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
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
