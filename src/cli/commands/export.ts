import { BackpropError } from '../../errors.js';
import { toModelFile } from '../../io/model-file.js';
import { modelFileToOnnx } from '../../io/onnx.js';
import type { SafetensorsDtype } from '../../io/safetensors.js';
import { linearIndices, modelFileToSafetensors } from '../../io/state-dict.js';
import type { Command } from '../command.js';
import { shown } from '../escape.js';
import { loadModelArg } from '../inputs.js';
import { checkOutputs, messagesIo, writeTo } from '../output.js';

/**
 * `backprop export MODEL.json --format safetensors|onnx --out FILE` — the model's weights for
 * PyTorch (safetensors, `state_dict` names of an `nn.Sequential`) or any ONNX runtime.
 *
 * safetensors: F64 for a float64 model, F32 for a float32 one (override with `--dtype`); the
 * activations are kept in the file's metadata (`backprop.spec`), so `backprop import` needs no spec.
 * ONNX: float32 always, opset 13 (20 when a layer uses gelu) unless `--opset N` (13 … 22).
 * The file is written atomically: a failure leaves no partial file and any previous file intact.
 */
export const exportCommand: Command = {
  name: 'export',
  summary: 'write a model as safetensors (PyTorch state_dict names) or ONNX',
  spec: {
    positionals: [{ name: 'MODEL.json', help: 'a model file (format backprop-model, version 1)' }],
    flags: {
      format: { type: 'string', choices: ['safetensors', 'onnx'], help: 'the file format to write' },
      out: { type: 'string', value: 'FILE', help: 'where to write it' },
      dtype: { type: 'string', choices: ['F32', 'F64'], help: "safetensors element type (default: the model's precision)" },
      opset: { type: 'int', value: 'N', min: 13, help: 'ONNX opset, 13 … 22 (default 13; 20 when a layer uses gelu)' },
    },
  },
  examples: [
    'backprop export examples/seed-model.json --format safetensors --out seed.safetensors',
    'backprop export examples/seed-model.json --format onnx --out seed.onnx',
  ],
  run(args, io) {
    const f = args.flags;
    const path = args.positionals[0]!;
    if (f.format === undefined) throw new BackpropError('argument', 'export: missing --format safetensors|onnx');
    if (f.out === undefined) throw new BackpropError('argument', 'export: missing --out FILE (where the exported model goes)');
    const format = f.format as 'safetensors' | 'onnx';
    if (format === 'onnx' && f.dtype !== undefined) {
      throw new BackpropError('argument', 'export: --dtype applies to safetensors only; ONNX files are always float32');
    }
    if (format === 'safetensors' && f.opset !== undefined) throw new BackpropError('argument', 'export: --opset applies to --format onnx only');
    const out = String(f.out);
    if (out === path) throw new BackpropError('argument', `export: --out ${path} would overwrite the model file itself; choose another name`);
    checkOutputs(io, 'export', [{ flag: 'out', path: out }], [path]);
    const { model, loss, preprocessing } = loadModelArg(path, io);
    const file = toModelFile(model, loss, preprocessing);
    let bytes: Uint8Array;
    let what: string;
    if (format === 'safetensors') {
      const dtype = (f.dtype as SafetensorsDtype | undefined) ?? (model.dtype === 'float32' ? 'F32' : 'F64');
      bytes = modelFileToSafetensors(file, { dtype });
      const names = linearIndices(model.layers.map((l) => l.activation)).flatMap((k) => [`${k}.weight`, `${k}.bias`]);
      what = `safetensors, ${dtype}, tensors ${names.join(', ')}`;
    } else {
      bytes = modelFileToOnnx(file, f.opset === undefined ? {} : { opset: f.opset as number });
      what = 'ONNX, float32, input "input" [batch, ' + model.inputSize + '] → output "output" [batch, ' + model.outputSize + ']';
    }
    writeTo(io, out, bytes);
    messagesIo(io, out === '-').stdout(`wrote ${out === '-' ? 'standard output' : shown(out)} (${shown(what)}; ${bytes.length} bytes)\n`);
    if (preprocessing !== undefined) {
      io.stderr(`note: ${shown(path)} carries preprocessing (scalers, names) that ${format} files do not hold; apply it to the inputs yourself\n`);
    }
    return 0;
  },
};
