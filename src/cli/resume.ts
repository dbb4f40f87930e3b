// The settings `backprop train --resume DIR` takes from a checkpoint: only those train saves,
// checked as if typed on the command line, and never a path.
import { BackpropError } from '../errors.js';
import { isPlainObject } from '../io/model-file.js';
import type { TrainingState } from '../train/state.js';
import { checkFlagValue, type ArgsSpec, type ParsedArgs } from './args.js';
import { shown } from './escape.js';
import { HEALTH_RESUMABLE } from './train-health.js';

/** Flags that may change when resuming; every other flag must match the checkpoint's. */
export const RESUMABLE = ['out', 'resume', 'checkpoint', 'checkpoint-every', 'plot', 'epochs', 'exact-metrics', ...HEALTH_RESUMABLE];

/**
 * Flags that name files this invocation writes: never saved in a checkpoint's settings and never
 * taken from one, so a downloaded checkpoint cannot choose where anything is written.
 */
export const OUTPUT_FLAGS = ['out', 'plot', 'checkpoint', 'resume'];

/**
 * The settings train saves in a checkpoint: every flag given except the output paths.
 *
 * @example
 * ```ts
 * savedSettings({ data: 'iris', lr: 0.01, out: 'm.json' });   // { data: 'iris', lr: 0.01 }
 * ```
 */
export function savedSettings(f: ParsedArgs['flags']): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && !OUTPUT_FLAGS.includes(k)) out[k] = v;
  return out;
}

/**
 * The flags of a resumed run: the checkpoint's saved settings under the flags given now.
 *
 * Each saved setting must be a flag of `spec` that train saves, with a value the command line
 * would accept (type, choices, bounds); anything else means the file was not written by train
 * (or was edited) and is refused with the setting's name. Output paths (`out`, `plot`) are refused;
 * an older checkpoint's own `checkpoint` directory is ignored. Data read from files is named again
 * on the command line (`--data FILE`, `--test-data FILE`): a checkpoint never chooses a file to
 * read either. A flag given now that differs from the saved one is an error, except those in
 * {@link RESUMABLE}.
 *
 * @param readsFile whether a flag's value names a file or directory to read (`--data iris` does not).
 * @throws BackpropError `argument` naming the checkpoint, the setting and what was expected.
 * @example
 * ```ts
 * const { flags, positional } = resumedFlags(args.flags, undefined, state, 'run/checkpoint.json', train.spec, (flag, v) => flag === 'data' && v.endsWith('.csv'));
 * ```
 */
export function resumedFlags(
  given: ParsedArgs['flags'],
  positional: string | undefined,
  state: TrainingState,
  path: string,
  spec: ArgsSpec,
  readsFile: (flag: string, value: string) => boolean,
): { flags: ParsedArgs['flags']; positional: string | undefined } {
  const settings: unknown = state.settings;
  if (!isPlainObject(settings) || !isPlainObject(settings.flags)) throw new BackpropError('argument', `${path}: this checkpoint was not written by backprop train (no settings)`);
  if (settings.model !== undefined && typeof settings.model !== 'string') throw new BackpropError('argument', `${path}: settings.model: expected the model file's name, got ${JSON.stringify(settings.model)}`);
  const model = settings.model as string | undefined;
  const saved: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(settings.flags)) {
    if (k === 'checkpoint') continue;
    if (OUTPUT_FLAGS.includes(k)) throw new BackpropError('argument', `${path}: settings.flags.${k}: a checkpoint never sets where files are written; this file was not written by backprop train`);
    const flag = Object.hasOwn(spec.flags, k) ? spec.flags[k] : undefined;
    if (flag === undefined) throw new BackpropError('argument', `${path}: settings.flags: unknown setting ${JSON.stringify(k)}; this file was not written by backprop train`);
    try {
      saved[k] = checkFlagValue(v, k, flag, 'train');
    } catch (e) {
      throw new BackpropError('argument', `${path}: settings.flags.${k}: ${(e as Error).message.replace(/^train: /, '')}`);
    }
  }
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined || RESUMABLE.includes(k)) continue;
    if (saved[k] !== v) {
      throw new BackpropError('argument', `train: --${k} ${v === true ? '' : String(v)} differs from the checkpoint's ${saved[k] === undefined ? '(not given)' : String(saved[k])}; a resumed run keeps its settings (only ${RESUMABLE.map((r) => '--' + r).join(', ')} may change)`);
    }
  }
  for (const [k, v] of Object.entries(saved)) {
    if (typeof v === 'string' && readsFile(k, v) && given[k] === undefined) {
      throw new BackpropError('argument', `train: this checkpoint was trained on --${k} ${shown(v)}; give --${k} ${shown(v)} again (a checkpoint never chooses the files read)`);
    }
  }
  if (positional !== undefined && positional !== model) throw new BackpropError('argument', `train: the checkpoint was trained from ${model ?? '--layers'}, not ${positional}`);
  if (state.stopReason === null && state.history.length > 0 && state.history[state.history.length - 1]!.epoch !== state.epoch) {
    throw new BackpropError('argument', `${path}: inconsistent checkpoint (epoch ${state.epoch}, history to ${state.history[state.history.length - 1]!.epoch})`);
  }
  const flags: ParsedArgs['flags'] = { ...saved };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) flags[k] = v;
  return { flags, positional: model };
}
