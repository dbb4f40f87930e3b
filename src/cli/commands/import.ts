import { BackpropError } from '../../errors.js';
import { parseModelFile, toModelFile, type ModelFile } from '../../io/model-file.js';
import { safetensorsToModelFile } from '../../io/state-dict.js';
import type { Command } from '../command.js';
import { shown } from '../escape.js';
import type { CliIo } from '../io.js';
import { checkOutputs, messagesIo, writeJsonTo } from '../output.js';

/**
 * `backprop import WEIGHTS.safetensors [--spec S] --out MODEL.json` — a PyTorch `state_dict` of an
 * `nn.Sequential` of `Linear` layers (and activation modules) as a model file.
 *
 * The activations come from `--spec` (`[SIZES:]ACTIVATIONS[:LOSS]`, e.g. `3-2-2:sigmoid,sigmoid:sse`)
 * or, for files written by `backprop export`, from the file's `backprop.spec` metadata. The result is
 * validated like any model file (softmax only on the last layer, …) before it is written, atomically.
 * Files above `BACKPROP_MAX_FILE_BYTES` are refused before they are parsed.
 */
export const importCommand: Command = {
  name: 'import',
  summary: 'read a safetensors state_dict (e.g. from PyTorch) into a model file',
  spec: {
    positionals: [{ name: 'WEIGHTS.safetensors', help: 'an nn.Sequential state_dict: 0.weight, 0.bias, 2.weight, …' }],
    flags: {
      spec: { type: 'string', value: 'S', help: 'activations, optionally sizes and loss: "3-2-2:sigmoid,sigmoid:sse" (default: the file\'s metadata)' },
      out: { type: 'string', value: 'MODEL.json', help: 'where to write the model file' },
    },
  },
  examples: [
    'npx backprop import test/fixtures/interop/torch-4-8-3-tanh-softmax-f32.safetensors --spec "4-8-3:tanh,softmax:cross_entropy" --out scratch/iris-torch.json',
    'npx backprop import test/fixtures/interop/backprop-seed-f64.safetensors --out scratch/seed-again.json',
  ],
  run(args, io) {
    const path = args.positionals[0]!;
    const f = args.flags;
    if (f.out === undefined) throw new BackpropError('argument', 'import: missing --out MODEL.json (where the model file goes)');
    const out = String(f.out);
    if (out === path) throw new BackpropError('argument', `import: --out ${path} would overwrite the safetensors file itself; choose another name`);
    checkOutputs(io, 'import', [{ flag: 'out', path: out }], [path]);
    const bytes = io.readBytes(path);
    const spec = f.spec === undefined ? undefined : String(f.spec);
    let file: ModelFile;
    try {
      file = safetensorsToModelFile(bytes, spec, { maxFileBytes: fileLimit(io) });
    } catch (e) {
      if (e instanceof BackpropError) throw new BackpropError(e.code, `${path}: ${e.message}`);
      throw e;
    }
    const { model, loss } = parseModelFile(file, path);
    writeJsonTo(io, out, toModelFile(model, loss), 1);
    const acts = model.layers.map((l) => l.endsWith ?? l.kind).join(',');
    messagesIo(io, out === '-').stdout(`wrote ${out === '-' ? 'standard output' : shown(out)} (${model.sizes.join('-')}, ${acts}, loss ${loss}, ${model.dtype})\n`);
    return 0;
  },
};

/** BACKPROP_MAX_FILE_BYTES from the io's environment, when set to a positive number. */
function fileLimit(io: CliIo): number | undefined {
  const raw = io.env.BACKPROP_MAX_FILE_BYTES;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
