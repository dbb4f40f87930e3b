import { BackpropError } from '../errors.js';
import { closestName } from '../suggest.js';
import { INVOKE } from './command.js';

/** How one flag is read. */
export interface FlagSpec {
  type: 'string' | 'number' | 'int' | 'boolean';
  /** One line for --help. */
  help: string;
  /** Allowed values of a string flag. */
  choices?: readonly string[];
  /** Placeholder in the usage line, e.g. `X`. */
  value?: string;
  /** Lower bound (inclusive) for numbers; a message names it. */
  min?: number;
  /** Exclusive lower bound for numbers (e.g. a learning rate must be > 0). */
  above?: number;
  /** Upper bound (inclusive) for numbers: values that would only run for hours or exhaust memory. */
  max?: number;
}

/** A command's arguments: flags by name (without `--`) and positionals in order. */
export interface ArgsSpec {
  flags: Record<string, FlagSpec>;
  positionals?: { name: string; help: string; optional?: boolean }[];
}

/** Parsed flags (absent flags are undefined) and positionals. */
export interface ParsedArgs {
  flags: Record<string, string | number | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/**
 * Reads `argv` against `spec`: `--name value`, `--name=value`, boolean `--name` (and `--no-name`
 * where `no-name` is itself a flag). Unknown flags suggest the closest valid one.
 */
export function parseArgs(argv: readonly string[], spec: ArgsSpec, command: string): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  let help = false;
  const names = Object.keys(spec.flags);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      // NOTE: a loop, not push(...rest): an argument list can be longer than a call's argument limit.
      for (let k = i + 1; k < argv.length; k++) positionals.push(argv[k]!);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      // NOTE: own properties only, or `--__proto__` / `--constructor` would find Object.prototype's.
      const flag = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
      if (flag === undefined) {
        throw new BackpropError('argument', `${command}: unknown flag --${name}${closest(name, names, '--')}; see ${INVOKE} ${command} --help`);
      }
      if (flag.type === 'boolean') {
        if (eq >= 0) throw new BackpropError('argument', `${command}: --${name} takes no value`);
        flags[name] = true;
        continue;
      }
      let raw: string | undefined;
      if (eq >= 0) raw = arg.slice(eq + 1);
      else {
        raw = argv[i + 1];
        i++;
      }
      if (raw === undefined || (eq < 0 && raw.startsWith('--'))) {
        throw new BackpropError('argument', `${command}: --${name} needs a value${flag.value ? ` (${flag.value})` : ''}`);
      }
      if (flags[name] !== undefined) throw new BackpropError('argument', `${command}: --${name} is given twice`);
      // NOTE: `--input [[1, 2]]` unquoted arrives as `[[1,` and `2]]`: a word that goes on after an unclosed [ or {.
      if (unclosed(raw) && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) throw cutAtSpace(command, name, raw, argv.slice(i + 1));
      flags[name] = convert(raw, name, flag, command);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      throw new BackpropError('argument', `${command}: unknown option ${arg}${closest(arg.replace(/^-+/, ''), names, '--')}; flags start with --`);
    }
    positionals.push(arg);
  }
  const allowed = spec.positionals ?? [];
  if (!help && positionals.length > allowed.length) {
    const extra = positionals[allowed.length]!;
    throw new BackpropError('argument', `${command}: unexpected argument ${JSON.stringify(extra)}${allowed.length ? ` (takes ${allowed.map((p) => p.name).join(' ')})` : ' (takes no positional arguments)'}`);
  }
  if (!help) {
    allowed.forEach((p, i) => {
      if (!p.optional && positionals[i] === undefined) throw new BackpropError('argument', `${command}: missing ${p.name} (${p.help})`);
    });
  }
  return { flags, positionals, help };
}

/** More `[` or `{` opened than closed: JSON that the shell cut at a space. */
function unclosed(raw: string): boolean {
  if (!/^\s*[[{]/.test(raw)) return false;
  let depth = 0;
  for (const ch of raw) {
    if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
  }
  return depth > 0;
}

/** The error for `--input [[1, 2]]` typed without quotes: the words the shell split, put back in quotes. */
function cutAtSpace(command: string, name: string, raw: string, rest: readonly string[]): BackpropError {
  let joined = raw;
  for (const word of rest) {
    if (!unclosed(joined) || word.startsWith('--')) break;
    joined += ` ${word}`;
  }
  return new BackpropError('argument', `${command}: the value of --${name} stops at a space (${JSON.stringify(raw)}): the shell splits unquoted text into words, so put it in quotes: --${name} "${joined}"`);
}

function convert(raw: string, name: string, flag: FlagSpec, command: string): string | number {
  if (flag.type === 'string') return checkFlagValue(raw, name, flag, command) as string;
  const x = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(x)) throw new BackpropError('argument', `${command}: --${name} expects a number, got ${JSON.stringify(raw)}`);
  return checkFlagValue(x, name, flag, command, raw) as number;
}

/**
 * Checks a flag's value of the right JavaScript type against its spec (choices, bounds) — what the
 * command line does after converting the text; also used for values that did not come from the
 * command line (the settings a checkpoint carries). `raw` is the value as the user wrote it.
 *
 * @example
 * ```ts
 * checkFlagValue(0, 'lr', { type: 'number', above: 0, help: '' }, 'train');   // throws: --lr must be > 0, got 0
 * ```
 */
export function checkFlagValue(value: unknown, name: string, flag: FlagSpec, command: string, raw: string = String(value)): string | number | boolean {
  if (flag.type === 'boolean') {
    if (value !== true) throw new BackpropError('argument', `${command}: --${name} takes no value, got ${JSON.stringify(value)}`);
    return true;
  }
  if (flag.type === 'string') {
    if (typeof value !== 'string') throw new BackpropError('argument', `${command}: --${name} expects text, got ${JSON.stringify(value)}`);
    if (flag.choices && !flag.choices.includes(value)) {
      throw new BackpropError('argument', `${command}: --${name} must be one of ${flag.choices.join(', ')}, got ${JSON.stringify(value)}${closest(value, flag.choices, '')}`);
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BackpropError('argument', `${command}: --${name} expects a number, got ${JSON.stringify(value)}`);
  if (flag.type === 'int' && !Number.isInteger(value)) throw new BackpropError('argument', `${command}: --${name} expects a whole number, got ${raw}`);
  // NOTE: 9007199254740993 reads as …992: a whole number past 2⁵³ is not the one written.
  if (flag.type === 'int' && !Number.isSafeInteger(value)) throw new BackpropError('argument', `${command}: --${name} expects a whole number between −9007199254740991 and 9007199254740991 (2⁵³ − 1), got ${raw}`);
  if (flag.min !== undefined && value < flag.min) throw new BackpropError('argument', `${command}: --${name} must be ≥ ${flag.min}, got ${raw}`);
  if (flag.above !== undefined && !(value > flag.above)) throw new BackpropError('argument', `${command}: --${name} must be > ${flag.above}, got ${raw}`);
  if (flag.max !== undefined && value > flag.max) throw new BackpropError('argument', `${command}: --${name} must be at most ${flag.max.toLocaleString('en-US')}, got ${raw}`);
  return value;
}

/** ` (did you mean --x?)` for the closest name, when close enough. */
export function closest(name: string, choices: readonly string[], prefix: string): string {
  const best = closestName(name, choices);
  return best === null ? '' : ` (did you mean ${prefix}${best}?)`;
}

/** The --help text of a command from its spec. */
export function usage(command: string, summary: string, spec: ArgsSpec, examples: readonly string[]): string {
  const pos = (spec.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name)).join(' ');
  const lines = [`Usage: ${INVOKE} ${command}${pos ? ' ' + pos : ''} [flags]`, '', summary, ''];
  const entries = Object.entries(spec.flags).map(([name, f]) => [`--${name}${f.type === 'boolean' ? '' : ` ${f.value ?? (f.choices ? f.choices.join('|') : 'X')}`}`, f.help] as const);
  // NOTE: a name too long for the column (a flag with many choices) puts its help on the next line.
  const row = (left: string, help: string): string => (left.length <= 24 ? `  ${left.padEnd(24)}  ${help}` : `  ${left}\n  ${''.padEnd(24)}  ${help}`);
  if (spec.positionals?.length) {
    lines.push('Arguments:');
    for (const p of spec.positionals) lines.push(row(p.name, p.help));
    lines.push('');
  }
  if (entries.length) {
    lines.push('Flags:');
    for (const [left, help] of [...entries, ['--help', 'show this help'] as const]) lines.push(row(left, help));
    lines.push('');
  }
  lines.push(`${examples.length > 1 ? 'Examples' : 'Example'} (in the backprop repository; files they write go to scratch/):`);
  for (const e of examples) lines.push(`  ${e}`);
  return lines.join('\n') + '\n';
}
