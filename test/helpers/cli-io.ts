// An in-memory CliIo for running `main(argv, io)` in-process: reads fall back to the real files,
// writes are kept in `files` (nothing touches the disk), stdout/stderr are captured.
import { existsSync, readFileSync } from 'node:fs';
import { BackpropError } from '../../src/errors.js';
import type { CliIo } from '../../src/cli/io.js';
import { outputBytes } from '../../src/cli/output.js';

export interface MemoryIo extends CliIo {
  out: string;
  err: string;
  files: Map<string, string>;
}

export function memoryIo(options: { isTTY?: boolean; files?: Record<string, string>; chunk?: number } = {}): MemoryIo {
  let clock = 0;
  const io: MemoryIo = {
    out: '',
    err: '',
    files: new Map(Object.entries(options.files ?? {})),
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    readText: (p) => {
      const mem = io.files.get(p);
      if (mem !== undefined) return mem;
      try {
        return readFileSync(p, 'utf8');
      } catch {
        throw new BackpropError('io', `${p}: no such file or directory`);
      }
    },
    readBytes: (p) => new TextEncoder().encode(io.readText(p)),
    // NOTE: small chunks (default 4 KiB) so that the streaming readers meet records cut in two.
    readChunks: async function* (p) {
      const mem = io.files.get(p);
      let bytes: Uint8Array;
      if (mem !== undefined) bytes = new TextEncoder().encode(mem);
      else {
        try {
          bytes = readFileSync(p);
        } catch {
          throw new BackpropError('io', `${p}: no such file or directory`);
        }
      }
      const size = options.chunk ?? 4096;
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    },
    writeAtomic: (p, d) => void io.files.set(p, typeof d === 'string' ? d : new TextDecoder().decode(outputBytes(d))),
    exists: (p) => io.files.has(p) || existsSync(p),
    isTTY: options.isTTY ?? false,
    columns: 100,
    env: {},
    now: () => (clock += 7),
  };
  return io;
}
