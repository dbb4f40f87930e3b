import { BackpropError } from '../errors.js';
import { closest, parseArgs, usage } from './args.js';
import { INVOKE } from './command.js';
import { COMMANDS } from './commands/index.js';
import { shown } from './escape.js';
import type { CliIo } from './io.js';

/**
 * The `backprop` command line, callable in-process: `main(['grad', 'model.json', …], io)`.
 * Resolves to the exit status: 0 on success, 2 for bad input (one line on stderr naming what and
 * where, no stack trace), 1 for an internal error.
 *
 * @example
 * ```ts
 * const status = await main(['demo', '--steps', '10'], nodeIo());   // 0; bad input gives 2 and one line on stderr
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined) {
      throw new BackpropError('argument', `unknown command ${JSON.stringify(name)}${closest(name, COMMANDS.map((c) => c.name), '')}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    }
    const args = parseArgs(rest, command.spec, command.name);
    if (args.help) {
      io.stdout(usage(command.name, command.summary, command.spec, command.examples));
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof BackpropError) {
      io.stderr(`backprop: ${errorLine(e.message)}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`backprop: internal error: ${errorLine(msg)} (please report it)\n`);
    return 1;
  }
}

/** The version printed by `backprop --version`. */
export const VERSION = '0.1.0';

/**
 * An error message as one line that is safe on a terminal: line breaks become spaces, and any
 * control character left (from a file name, a class name, a flag value quoted in the message) is
 * shown escaped rather than acted on.
 */
export function errorLine(s: string): string {
  return shown(s.replace(/\s*\n\s*/g, ' '));
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'backprop — neural networks trained by error backpropagation, every number explained',
    '',
    `Usage: ${INVOKE} <command> [arguments] [flags]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run \`${INVOKE} <command> --help\` for its flags and examples.`,
    '',
  ].join('\n');
}
