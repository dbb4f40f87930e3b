/**
 * Everything a command touches outside itself, so commands run in-process in tests with a fake
 * and in a terminal with the real one (src/node.ts). Paths are resolved by the implementation.
 */
export interface CliIo {
  /** Writes to standard output (text is written as given; add your own newline). */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Reads a UTF-8 text file; throws BackpropError('io') with the path when it cannot. */
  readText(path: string): string;
  /** Reads a binary file; throws BackpropError('io') with the path when it cannot. */
  readBytes(path: string): Uint8Array;
  /**
   * A file's bytes in chunks, for the streaming data readers (CSV, IDX); the file is never held
   * whole. Throws BackpropError('io') with the path when it cannot be read.
   */
  readChunks(path: string): AsyncIterable<Uint8Array>;
  /** Writes a file atomically (temporary file, then rename); throws BackpropError('io'). */
  writeAtomic(path: string, data: string | Uint8Array): void;
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
