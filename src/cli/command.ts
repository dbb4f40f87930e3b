import type { ArgsSpec, ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** One `backprop <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  spec: ArgsSpec;
  /** Invocations shown by --help; each must work when pasted in the repository. */
  examples: readonly string[];
  /** Runs the command; resolves to the exit status. Bad input throws BackpropError. */
  run(args: ParsedArgs, io: CliIo): Promise<number> | number;
}
