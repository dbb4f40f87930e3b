// Every activation of the table, end to end through the command line: a network with it in its
// hidden layer trains on XOR (the fused path), its model file explains itself with the activation's
// derivative derived by computer algebra and checked against the engine, and it goes out to
// safetensors (PyTorch's names) and back. (ONNX per activation: src/io/onnx.test.ts, with onnxruntime-node; PyTorch
// per activation: test/activation-fixtures.test.ts.) A new table entry is covered by adding it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../src/cli/main.js';
import { HIDDEN_ACTIVATIONS } from '../src/nn/activations.js';
import { parseModelFile } from '../src/io/model-file.js';
import { explain } from '../src/explain/index.js';
import { modelFileToSafetensors, safetensorsToModelFile } from '../src/io/state-dict.js';
import { memoryIo } from './helpers/cli-io.js';

for (const act of HIDDEN_ACTIVATIONS) {
  test(`${act}: train --activation ${act} on XOR, then explain and a safetensors round trip`, async () => {
    const io = memoryIo();
    const status = await main(['train', '--data', 'xor', '--layers', '2,6,2', '--activation', act, '--optimizer', 'adam', '--lr', '0.05', '--epochs', '30', '--seed', '3', '--out', 'm.json'], io);
    assert.equal(status, 0, io.err);
    const file = JSON.parse(io.files.get('m.json')!);
    assert.deepEqual(file.layers.map((l: { activation: string }) => l.activation), [act, 'softmax']);
    const { model, loss } = parseModelFile(file);
    const ledger = explain(model, [[0.5, -0.25]], [[1, 0]], { loss });
    const sym = ledger.symbolic.activations.find((s) => s.activation === act);
    assert.ok(sym !== undefined, `the ledger derives ${act}′`);
    assert.ok(sym.maxDiff < 1e-8, `${act}: the derived derivative differs from the engine's by ${sym.maxDiff}`);
    assert.ok(ledger.checks.chain < 1e-12);
    const back = safetensorsToModelFile(modelFileToSafetensors(file, { dtype: 'F64' }));
    assert.deepEqual(back.layers, file.layers);
  });
}
