// `backprop export --format pytorch`: the script's first steps, run by PyTorch (Debian's
// python3-torch, float64, fixture in test/fixtures/torch/export/), are backprop's steps to 1e-10.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { parseArgs } from '../src/cli/args.js';
import { exportCommand } from '../src/cli/commands/export.js';
import { encodeFor, scaled } from '../src/cli/commands/data-args.js';
import { parseCsv } from '../src/data/csv.js';
import { scalerFromJSON } from '../src/data/scale.js';
import { parseModelFile, toModelFile } from '../src/io/model-file.js';
import { modelFileToStateDict } from '../src/io/state-dict.js';
import { createOptimizer } from '../src/optim/create.js';
import type { OptimizerName } from '../src/optim/optimizer.js';
import { fit } from '../src/train/fit.js';
import { parseSchedule } from '../src/train/schedules.js';
import { EXPORT_CASES, startingModel } from './helpers/export-cases.js';
import { memoryIo } from './helpers/cli-io.js';

interface Fixture {
  cases: { name: string; scriptSha256: string; steps: number; losses: number[]; state: Record<string, unknown> }[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch/export/cases.json', import.meta.url), 'utf8')) as Fixture;

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b} (PyTorch)`);

for (const c of EXPORT_CASES) {
  test(`export --format pytorch (${c.name}): the script's first ${c.steps} steps are backprop's, to 1e-10`, async () => {
    const expected = fixture.cases.find((k) => k.name === c.name)!;
    const file = startingModel(c);
    const dir = mkdtempSync(join(tmpdir(), 'backprop-export-'));
    try {
      const io = memoryIo({ files: { 'm.json': JSON.stringify(file) } });
      assert.equal(await main(['export', 'm.json', '--format', 'pytorch', '--out', dir, ...c.flags], io), 0, io.err);
      const script = io.files.get(join(dir, 'train.py'))!;
      assert.equal(createHash('sha256').update(script).digest('hex'), expected.scriptSha256, 'the script changed: regenerate the fixture (scripts/fixtures/make_export_fixture.ts)');
      assert.deepEqual(JSON.parse(io.files.get(join(dir, 'preprocessing.json'))!), file.preprocessing);
      assert.match(script, c.loss === 'sse' ? /0\.5 \* F\.mse_loss\(y, t, reduction="sum"\)/ : /def loss_fn/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // the same steps in backprop: the CSV read, scaled and encoded as `train` does, in order
    const f = parseArgs(['m.json', ...c.flags], exportCommand.spec, 'export').flags;
    const { model, loss, preprocessing } = parseModelFile(file);
    const ds = parseCsv(c.csv, { target: c.target, task: c.task, features: preprocessing!.featureNames!, ...(preprocessing!.classNames && { classes: preprocessing!.classNames }) });
    const data = encodeFor(scaled(ds, scalerFromJSON(preprocessing!.inputs)), model.outputSize, model.outputActivation);
    const losses: number[] = [];
    const epochs = f.epochs as number;
    const optimizer = createOptimizer(f.optimizer as OptimizerName, model.parameters(), {
      lr: f.lr as number,
      ...(f.momentum !== undefined && { momentum: f.momentum as number }),
      ...(f.nesterov === true && { nesterov: true }),
      ...(f['weight-decay'] !== undefined && { weightDecay: f['weight-decay'] as number }),
    });
    await fit(model, data, {
      loss, optimizer, epochs, batchSize: f['batch-size'] as number, shuffle: false,
      ...(f.schedule !== undefined && { schedule: parseSchedule(String(f.schedule), epochs) }),
      callbacks: [{ onBatchEnd: (logs, ctx) => void (losses.push(logs.loss) === c.steps && ctx.stop('steps')) }],
    });
    assert.equal(losses.length, expected.losses.length);
    losses.forEach((v, i) => close(v, expected.losses[i]!, `step ${i + 1} loss`));
    const { tensors } = modelFileToStateDict(toModelFile(model, loss));
    for (const [name, value] of Object.entries(expected.state)) {
      const mine = tensors.get(name)!;
      (value as number[][]).flat().forEach((v, k) => close(Number(mine.data[k]), v, `${name}[${k}]`));
    }
  });
}

test('export --format pytorch: clear refusals', async () => {
  const io = memoryIo();
  assert.equal(await main(['export', 'examples/seed-model.json', '--format', 'pytorch', '--out', 'x'], io), 2);
  assert.match(io.err, /was not trained on a CSV file .*train it with --data FILE\.csv first/);
  const bad = memoryIo();
  assert.equal(await main(['export', 'examples/seed-model.json', '--format', 'onnx', '--lr', '0.1', '--out', 'x.onnx'], bad), 2);
  assert.match(bad.err, /--lr applies to --format pytorch only/);
});
