import type { OutputData } from '../io/atomic-write.node.js';

/**
 * Everything a command touches outside itself, so commands run in-process in tests with a fake
 * and in a terminal with the real one (src/node.ts). Paths are resolved by the implementation.
 */
export interface CliIo {
  /**
   * Writes to standard output (text is written as given; add your own newline). When the reader
   * has gone (`| head -1`), the real one drops the output silently: the work goes on.
   */
  stdout(text: string | Uint8Array): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Reads a UTF-8 text file; throws BackpropError('io') with the path when it cannot. */
  readText(path: string): string;
  /**
   * Reads a binary file; throws BackpropError('io') with the path when it cannot. `maxBytes`
   * replaces the general size limit (BACKPROP_MAX_FILE_BYTES) for a file whose size its caller
   * has already bounded (a weights file whose size the model file declares).
   */
  readBytes(path: string, maxBytes?: number): Uint8Array;
  /**
   * A file's bytes in chunks, for the streaming data readers (CSV, IDX); the file is never held
   * whole. Throws BackpropError('io') with the path when it cannot be read.
   */
  readChunks(path: string): AsyncIterable<Uint8Array>;
  /**
   * Writes an output file with the semantics of `writeOutput` (src/io/output.node.ts): a regular
   * file atomically (temporary file, then rename), a symlink through to its target, a FIFO or
   * device by streaming into it; throws BackpropError('io'). `-` is not handled here: commands
   * send it to {@link stdout} (see cli/output.ts).
   */
  writeAtomic(path: string, data: OutputData): void;
  /**
   * Checks before any work that `path` can be written (a directory with `kind: 'directory'`);
   * throws BackpropError('io') naming the path and the reason. Says whether the path is a regular
   * file (or will be) or a special one (a FIFO, a device, a descriptor). Absent in fakes.
   */
  checkOutput?(path: string, kind: 'file' | 'directory'): 'file' | 'special';
  /**
   * Writes a JSON document (model file, checkpoint) like writeJsonDocument (io/json-files.node.ts):
   * typed arrays go to a safetensors file beside it. Fakes without it get cli/output.ts's fallback.
   */
  writeJson?(path: string, value: unknown, indent?: number): void;
  /** The path with every symlink resolved (the path itself when it cannot be); absent in fakes. */
  realPath?(path: string): string;
  /** True when the two paths name the same existing file (after symlinks); absent in fakes. */
  sameFile?(a: string, b: string): boolean;
  /**
   * Calls `handler` on SIGINT or SIGTERM instead of letting the signal end the process; returns a
   * function that removes it (then the next signal ends the process at once). Absent in fakes.
   */
  onInterrupt?(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** True when the path exists. */
  exists(path: string): boolean;
  /** Whether stdout is an interactive terminal (progress bars, colour). */
  isTTY: boolean;
  /** Terminal width in columns (80 when unknown). */
  columns: number;
  /** Environment variables. */
  env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since some fixed point (for rates and ETAs). */
  now(): number;
  /** Lines typed by the user, for an interactive command (`practice`); absent where nobody can type. */
  openLines?(): LineInput;
}

/** The lines a user types, one at a time; the command closes it when done. */
export interface LineInput {
  /** Shows `prompt` and resolves to the next line, or null at the end of input (Ctrl-D, Ctrl-C). */
  read(prompt: string): Promise<string | null>;
  close(): void;
}
