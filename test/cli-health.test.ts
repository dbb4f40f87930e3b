// Training health on the command line, in-process: `train` prints a diagnosis the moment one holds,
// `--health` adds the per-layer table, `--lang ko` speaks Korean, `--plot` draws gradient flow and
// update ratios, a divergence prints its diagnoses before the error, and `health` examines a model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../src/cli/main.js';
import { memoryIo } from './helpers/cli-io.js';

const HOUSES = ['--data', 'test/fixtures/health/houses.csv', '--target', 'price'];

test('train on unscaled CSV features: the diagnosis comes during the first epoch, the --health table at the end', async () => {
  const io = memoryIo();
  const status = await main(['train', ...HOUSES, '--layers', '3,16,2', '--epochs', '12', '--out', 'houses.json', '--health'], io);
  assert.equal(status, 0, io.err);
  const diagnosis = io.out.indexOf('diagnosis (epoch 1, step ');
  assert.ok(diagnosis > 0 && diagnosis < io.out.indexOf('epoch  1  loss'), io.out);
  assert.match(io.out, /: the inputs are not scaled\n {2}input column lot_sqft reaches \|x\| = 19\d\d\d/);
  assert.match(io.out, /try: standardise the inputs: --scale standardize/);
  assert.match(io.out, /training health \(the last check, step 96\)\n {2}layer +output mean ± sd +dead \/ saturated/);
  assert.match(io.out, /1 {2}dense 3→16, relu +0 ± 0 +16\/16 dead/);
  assert.match(io.out, /diagnoses, most likely first:\n {2}1\. the inputs are not scaled — /);
  assert.ok(io.files.has('houses.json'), 'the model is written all the same');

  const exam = memoryIo({ files: { 'houses.json': io.files.get('houses.json')! } });
  assert.equal(await main(['health', 'houses.json', ...HOUSES], exam), 0, exam.err);
  assert.match(exam.out, /houses\.json: 3-16-2 \(cross_entropy\) on test\/fixtures\/health\/houses\.csv, all rows: 240 of 240 rows\nloss 0\.693\d+, chance level 0\.693147/);
  assert.match(exam.out, /the model on 240 rows/);
  assert.match(exam.out, /diagnosis: the inputs are not scaled\n {2}the loss 0\.693\d is at the chance level/);
  const json = memoryIo({ files: { 'houses.json': io.files.get('houses.json')! } });
  await main(['health', 'houses.json', ...HOUSES, '--json', '--rows', '100'], json);
  const parsed = JSON.parse(json.out) as { rows: number; diagnoses: { code: string }[] };
  assert.equal(parsed.rows, 100);
  assert.equal(parsed.diagnoses[0]!.code, 'unscaled-inputs');
});

test('train --lang ko: the diagnosis in Korean; standardised, the same data raises none', async () => {
  const io = memoryIo();
  assert.equal(await main(['train', ...HOUSES, '--layers', '3,16,2', '--epochs', '3', '--out', 'h.json', '--lang', 'ko'], io), 0, io.err);
  assert.match(io.out, /진단 \(1번째 에포크, \d단계\): 입력값이 표준화되지 않았습니다\n/);
  assert.match(io.out, /해 볼 것: 입력값을 표준화하세요/);
  const fine = memoryIo();
  assert.equal(await main(['train', ...HOUSES, '--layers', '3,16,2', '--epochs', '20', '--scale', 'standardize', '--out', 'h.json', '--health'], fine), 0, fine.err);
  assert.doesNotMatch(fine.out, /diagnosis/);
  assert.match(fine.out, /no training-health problem found/);
});

test('train with 10 sigmoid layers: vanishing gradients; --plot adds the gradient-flow and update-ratio panels', async () => {
  const io = memoryIo();
  const layers = ['4', ...Array<string>(10).fill('16'), '3'].join(',');
  assert.equal(await main(['train', '--data', 'iris', '--layers', layers, '--activation', 'sigmoid', '--scale', 'standardize', '--epochs', '5', '--out', 's.json', '--plot', 's.svg', '--health'], io), 0, io.err);
  assert.match(io.out, /diagnosis \(epoch 1, step 3\): vanishing gradients\n {2}the gradient next to the weights \(‖∂E\/∂W‖\/‖W‖\) falls from \S+ at the output layer to \S+ at layer 1: [5-9] orders of magnitude/);
  const table = io.out.split('\n').filter((l) => /^ +\d+ {2}dense/.test(l));
  assert.equal(table.length, 11, io.out);
  assert.match(table[0]!, /^ {3}1 {2}dense 4→16, sigmoid/);
  assert.match(table[10]!, /^ {2}11 {2}dense 16→3, softmax/);
  assert.equal(new Set(table.map((l) => l.length)).size, 1, 'the columns line up past layer 9');
  const svg = io.files.get('s.svg')!;
  assert.match(svg, /gradient flow: ‖∂E\/∂W‖ \/ ‖W‖ per layer/);
  assert.match(svg, /update ratio: ‖ΔW‖ \/ ‖W‖ per step/);
  assert.equal((svg.match(/>layer \d+</g) ?? []).length, 22, 'eleven layers in each of the two panels');
});

test('on a terminal the diagnosis clears the progress bar first; a divergence prints its diagnoses before the error', async () => {
  const tty = memoryIo({ isTTY: true });
  assert.equal(await main(['train', ...HOUSES, '--layers', '3,16,2', '--epochs', '1', '--out', 'h.json'], tty), 0, tty.err);
  assert.match(tty.out, /\r\x1b\[2Kdiagnosis/);
  const io = memoryIo();
  const status = await main(['train', ...HOUSES, '--layers', '3,16,1', '--output', 'linear', '--loss', 'mse', '--lr', '1e6', '--epochs', '5', '--out', 'x.json'], io);
  assert.equal(status, 2);
  // NOTE: the loss grows by ~10²²⁹ within epoch 1 while every number stays finite: the divergence-by-growth check stops it at the epoch's end.
  assert.match(io.err, /training stopped: the loss grew from \S+ to \S+ .* by epoch 1 — it diverges/);
  assert.match(io.out, /diagnosis \(epoch \d, step \d+\): exploding gradients\n {2}the training loss grew from \S+ to \S+ by epoch 1: the training diverges\n/);
  assert.equal((io.out.match(/the training diverges/g) ?? []).length, 1, 'printed once');
});
