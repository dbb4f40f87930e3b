import type { ArgsSpec, ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/**
 * How a reader runs the command line where they read about it: in the cloned repository and in a
 * project that installed the package alike (npx finds the package's own `bin`), so every command
 * the help, the messages and the READMEs show starts with it.
 */
export const INVOKE = 'npx backprop';

/** One `backprop <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  spec: ArgsSpec;
  /** Invocations shown by --help, each starting with {@link INVOKE}; each must work when pasted in the repository (files go to scratch/). */
  examples: readonly string[];
  /** Runs the command; resolves to the exit status. Bad input throws BackpropError. */
  run(args: ParsedArgs, io: CliIo): Promise<number> | number;
}
