// The user's own data through the CLI: CSV dialects, IDX directories, labels mapped by name,
// separate validation/test files, predictions written as CSV. Files are generated here, small.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../src/cli/main.js';
import { parseModelFile } from '../src/io/model-file.js';
import { Rng } from '../src/tensor/rng.js';
import { memoryIo } from './helpers/cli-io.js';

/** Three well-separated blobs in 2-D, labelled by `name(k)`; a header row. */
function blobs(rows: number, seed: number, name: (k: number) => string = (k) => ['cat', 'dog', 'fox'][k]!): string {
  const rng = new Rng(seed);
  const lines = ['a,b,kind'];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    lines.push(`${(3 * k + rng.normal() * 0.3).toFixed(4)},${(k % 2 === 0 ? 1 : -1) * 2 + rng.normal() * 0.3},${name(k)}`);
  }
  return lines.join('\n') + '\n';
}

const TRAIN = ['train', '--data', 'train.csv', '--target', 'kind', '--layers', '2,8,3', '--scale', 'standardize', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '30', '--batch-size', '16', '--seed', '1', '--out', 'm.json'];

test('eval maps labels by the class names saved in the model: another order, a missing class, an unseen label', async () => {
  const io = memoryIo({ files: { 'train.csv': blobs(90, 1) } });
  assert.equal(await main(TRAIN, io), 0, io.err);
  assert.deepEqual(JSON.parse(io.files.get('m.json')!).preprocessing.classNames, ['cat', 'dog', 'fox']);
  assert.deepEqual(JSON.parse(io.files.get('m.json')!).preprocessing.targetColumns, ['kind']);
  // a test file without "cat" rows, its columns in another order: evaluated against the model's three outputs
  const noCats = blobs(60, 2).split('\n').filter((l) => !l.endsWith(',cat')).map((l) => l.split(',').reverse().join(',')).join('\n');
  const e = memoryIo({ files: { ...Object.fromEntries(io.files), 'test.csv': noCats } });
  assert.equal(await main(['eval', 'm.json', '--data', 'test.csv', '--json'], e), 0, e.err);
  const m = JSON.parse(e.out);
  assert.equal(m.rows, 40);
  assert.deepEqual(m.classNames, ['cat', 'dog', 'fox']);
  assert.deepEqual(m.support, [0, 20, 20]);
  assert.ok(m.accuracy > 0.95, `accuracy ${m.accuracy}`);
  // one label spelled differently: exit 2 naming it, never a silent 0 %
  const renamed = memoryIo({ files: { ...Object.fromEntries(io.files), 'test.csv': blobs(30, 3).replace(/,dog\n/g, ',Dog\n') } });
  assert.equal(await main(['eval', 'm.json', '--data', 'test.csv'], renamed), 2);
  assert.match(renamed.err, /^backprop: test\.csv line 3, column "kind": the label "Dog" is not one of the model's 3 classes \("cat", "dog", "fox"\)\n$/);
});

test('--validation-data and --test-data: read with the training file\'s columns, classes and scaling', async () => {
  const files = { 'train.csv': blobs(90, 1), 'val.csv': blobs(30, 4), 'test.csv': blobs(30, 5).split('\n').filter((l) => !l.endsWith(',fox')).join('\n') };
  const io = memoryIo({ files });
  assert.equal(await main([...TRAIN, '--validation-data', 'val.csv', '--test-data', 'test.csv'], io), 0, io.err);
  assert.match(io.out, /^read train\.csv: 90 rows \(90 train \+ 30 validation \+ 20 test\), 2 inputs, float64, in \d+\.\d\d s$/m);
  const testLine = /^test: +loss (\S+) +accuracy (\S+) %/m.exec(io.out)!;
  const e = memoryIo({ files: { ...files, 'm.json': io.files.get('m.json')! } });
  assert.equal(await main(['eval', 'm.json', '--data', 'test.csv', '--json'], e), 0, e.err);
  const m = JSON.parse(e.out);
  assert.equal(Number(testLine[1]).toPrecision(5), m.loss.toPrecision(5));
  assert.equal(Number(testLine[2]), Math.round(m.accuracy * 1e4) / 100);
  assert.match(io.out, /^epoch +30 +loss \S+ +accuracy \S+ % +val_loss \S+ +val_accuracy/m);
});

test('integer class labels are classes (one note with the flag), --task regression makes them numbers', async () => {
  const text = blobs(60, 6, (k) => String(k));
  const io = memoryIo({ files: { 'd.csv': text } });
  assert.equal(await main(['train', '--data', 'd.csv', '--layers', '2,3', '--epochs', '2', '--out', 'c.json'], io), 0, io.err);
  assert.equal(io.err, 'note: target: the last column, "kind" (choose another with --target)\nnote: target "kind": 3 distinct whole numbers (0, 1, 2), taken as class labels; to predict them as numbers use --task regression\n');
  assert.match(io.out, /training 2-3 \(cross_entropy/);
  const r = memoryIo({ files: { 'd.csv': text } });
  assert.equal(await main(['train', '--data', 'd.csv', '--target', 'kind', '--task', 'regression', '--layers', '2,1', '--output', 'linear', '--epochs', '2', '--out', 'r.json'], r), 0, r.err);
  assert.match(r.out, /training 2-1 \(mse/);
  // a missing value in a numeric target: the line, the column and the flag — never a 20,001-class problem
  const na = ['x,price', ...Array.from({ length: 20_000 }, (_, i) => `${i % 97},${i}.5`), '3,NA'].join('\n');
  const n = memoryIo({ files: { 'p.csv': na } });
  assert.equal(await main(['train', '--data', 'p.csv', '--target', 'price', '--layers', '1,1', '--out', 'x.json'], n), 2);
  assert.match(n.err, /^backprop: p\.csv line 20002, column "price": expected a class label or number \(target\), got "NA" \(a missing value: --missing drop leaves such rows out/);
  const many = memoryIo({ files: { 'p.csv': na.replace('3,NA', '3,7.5') } });
  assert.equal(await main(['train', '--data', 'p.csv', '--target', 'price', '--task', 'classification', '--layers', '1,2', '--out', 'x.json'], many), 2);
  assert.match(many.err, /the target column "price" has more than 1000 distinct values, too many classes; to predict numbers use --task regression/);
});

test('CSV dialects: ; and tab, no header, skipped lines, gzip, --ignore and the id notice, --missing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-cli-data-'));
  try {
    const body = blobs(30, 7).split('\n').slice(1).filter(Boolean);
    const gz = join(dir, 'blobs.csv.gz');
    writeFileSync(gz, gzipSync(['3,2,cat,dog,fox', ...body].join('\n')));
    const io = memoryIo();
    assert.equal(await main(['train', '--data', gz, '--skip-rows', '1', '--no-header', '--layers', '2,3', '--epochs', '1', '--out', 'g.json'], io), 0, io.err);
    assert.deepEqual(JSON.parse(io.files.get('g.json')!).preprocessing.featureNames, ['1', '2']);
    assert.match(io.out, /^read .*blobs\.csv\.gz: 30 rows, 2 inputs/m);
    const semi = memoryIo({ files: { 's.csv': ['id;a;b;kind', ...body.map((l, i) => `${i + 1};${l.replaceAll(',', ';')}`)].join('\n') } });
    assert.equal(await main(['train', '--data', 's.csv', '--layers', '3,3', '--epochs', '1', '--out', 's.json'], semi), 0, semi.err);
    assert.match(semi.err, /note: column "id" looks like a row id and is used as a feature; leave it out with --ignore id/);
    const ignored = memoryIo({ files: semi.files.has('s.csv') ? { 's.csv': semi.files.get('s.csv')! } : {} });
    assert.equal(await main(['train', '--data', 's.csv', '--ignore', 'id', '--target', 'kind', '--layers', '2,3', '--epochs', '1', '--out', 's.json'], ignored), 0, ignored.err);
    assert.doesNotMatch(ignored.err, /row id/);
    const holes = ['a\tb\tkind', ...body.map((l) => l.replaceAll(',', '\t'))];
    holes[3] = holes[3]!.replace(/^[^\t]+/, 'NA');
    const tsv = memoryIo({ files: { 'h.tsv': holes.join('\n') } });
    assert.equal(await main(['train', '--data', 'h.tsv', '--target', 'kind', '--layers', '2,3', '--epochs', '1', '--out', 'h.json'], tsv), 2);
    assert.match(tsv.err, /^backprop: h\.tsv line 4, column "a": expected a number, got "NA" \(a missing value: --missing drop leaves such rows out, --missing mean fills in the column's mean\)\n$/);
    const dropped = memoryIo({ files: { 'h.tsv': holes.join('\n') } });
    assert.equal(await main(['train', '--data', 'h.tsv', '--target', 'kind', '--missing', 'drop', '--layers', '2,3', '--epochs', '1', '--out', 'h.json'], dropped), 0, dropped.err);
    assert.match(dropped.err, /note: left out 1 row with missing values \(the first on line 4\)/);
    assert.match(dropped.out, /on 29 samples/);
    const text = memoryIo({ files: { 't.csv': 'a,colour,kind\n1,red,x\n2,blue,y\n' } });
    assert.equal(await main(['train', '--data', 't.csv', '--target', 'kind', '--layers', '2,2', '--out', 't.json'], text), 2);
    assert.match(text.err, /t\.csv line 2, column "colour": expected a number, got "red" \(text: leave the column out with --ignore colour, or write it as one 0\/1 column per value\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** An IDX file: magic 00 00 TYPE DIMS, sizes big-endian, then the bytes. */
function idx(type: number, shape: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = type;
  head[3] = shape.length;
  shape.forEach((n, k) => head.writeUInt32BE(n, 4 + 4 * k));
  return Buffer.concat([head, Buffer.from(data)]);
}

/** A tiny MNIST-like collection: 4×4 "images" whose bright quadrant is the label (0 … 3). */
function writeIdxDir(dir: string, gz: boolean): void {
  const make = (n: number, seed: number): { images: Uint8Array; labels: Uint8Array } => {
    const rng = new Rng(seed);
    const images = new Uint8Array(n * 16);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % 4;
      labels[i] = k;
      for (let p = 0; p < 16; p++) {
        const quadrant = (Math.floor(p / 8) * 2) + (p % 4 >= 2 ? 1 : 0);
        images[i * 16 + p] = quadrant === k ? 200 + Math.floor(rng.uniform() * 55) : Math.floor(rng.uniform() * 40);
      }
    }
    return { images, labels };
  };
  const z = (b: Buffer): Buffer => (gz ? gzipSync(b) : b);
  const ext = gz ? '.gz' : '';
  const train = make(80, 1);
  const test = make(20, 2);
  writeFileSync(join(dir, `train-images-idx3-ubyte${ext}`), z(idx(8, [80, 4, 4], train.images)));
  writeFileSync(join(dir, `train-labels-idx1-ubyte${ext}`), z(idx(8, [80], train.labels)));
  writeFileSync(join(dir, `t10k-images-idx3-ubyte${ext}`), z(idx(8, [20, 4, 4], test.images)));
  writeFileSync(join(dir, `t10k-labels-idx1-ubyte${ext}`), z(idx(8, [20], test.labels)));
}

test('IDX: --data DIR (gzipped or not) trains on train-* and tests on t10k-*; --data fashion-mnist finds its directory or says how to get it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-idx-'));
  try {
    for (const gz of [true, false]) {
      const d = join(dir, gz ? 'gz' : 'raw');
      (await import('node:fs')).mkdirSync(d);
      writeIdxDir(d, gz);
      const io = memoryIo();
      assert.equal(await main(['train', '--data', d, '--layers', '16,8,4', '--scale', 'minmax', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '20', '--batch-size', '8', '--dtype', 'float32', '--out', 'i.json'], io), 0, io.err);
      assert.match(io.out, /^read .*: 100 rows \(80 train \+ 20 test\), 16 inputs, float32, in/m);
      assert.match(io.out, /^test: +loss \S+ +accuracy 100\.00 % +\(20 rows\)/m);
      const model = JSON.parse(io.files.get('i.json')!);
      assert.deepEqual(model.preprocessing.classNames, ['0', '1', '2', '3']);
      assert.equal(model.preprocessing.featureNames[15], 'pixel16');
      assert.equal(parseModelFile(model).model.dtype, 'float32');
    }
    const named = memoryIo();
    named.env = { BACKPROP_FASHION_MNIST: join(dir, 'gz') };
    assert.equal(await main(['train', '--data', 'fashion-mnist', '--layers', '16,10', '--epochs', '1', '--out', 'f.json'], named), 0, named.err);
    assert.deepEqual(JSON.parse(named.files.get('f.json')!).preprocessing.classNames.slice(0, 2), ['T-shirt/top', 'Trouser']);
    const absent = memoryIo();
    absent.env = { BACKPROP_MNIST: join(dir, 'nothing-here') };
    assert.equal(await main(['train', '--data', 'mnist-full', '--layers', '784,10', '--out', 'f.json'], absent), 2);
    assert.match(absent.err, /^backprop: mnist-full: no train-images-idx3-ubyte\(\.gz\) in .*nothing-here or \/usr\/share\/datasets\/mnist; download train-images-idx3-ubyte\.gz, .* and set BACKPROP_MNIST to it/);
    writeFileSync(join(dir, 'raw', 't10k-images-idx3-ubyte'), idx(8, [20, 4, 4], new Uint8Array(100)));
    const cut = memoryIo();
    assert.equal(await main(['train', '--data', join(dir, 'raw'), '--layers', '16,4', '--out', 'f.json'], cut), 2);
    assert.match(cut.err, /t10k-images-idx3-ubyte: the file ends after 100 of the 320 numbers its header announces \(20 × 4 × 4\); is it cut short\?/);
    // An int32 label file whose label 2·10⁹ would make 2·10⁹ classes: refused before a name per class is made.
    const many = join(dir, 'many');
    (await import('node:fs')).mkdirSync(many);
    const labels = Buffer.alloc(4 * 3);
    [0, 1, 2_000_000_000].forEach((v, i) => labels.writeInt32BE(v, 4 * i));
    writeFileSync(join(many, 'train-images-idx3-ubyte'), idx(8, [3, 2, 2], new Uint8Array(12)));
    writeFileSync(join(many, 'train-labels-idx1-ubyte'), idx(0x0c, [3], labels));
    const huge = memoryIo();
    assert.equal(await main(['train', '--data', many, '--layers', '4,2', '--out', 'f.json'], huge), 2);
    assert.match(huge.err, /^backprop: many-train: label 2000000000 of image 2 would make 2000000001 classes, more than 1000; IDX labels are class numbers 0, 1, 2, …\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('predict --out FILE.csv: the inputs read by name, then the outputs and the predicted class', async () => {
  const io = memoryIo({ files: { 'train.csv': blobs(90, 1) } });
  assert.equal(await main(TRAIN, io), 0, io.err);
  const p = memoryIo({ files: { ...Object.fromEntries(io.files), 'new.csv': 'b,a,note\n2,0.1,"x, y"\n-2,3,z\n' } });
  assert.equal(await main(['predict', 'm.json', '--input', 'new.csv', '--out', 'pred.csv'], p), 0, p.err);
  assert.equal(p.out, 'wrote pred.csv: 2 rows, 2 inputs, 3 outputs and the predicted class\n');
  const lines = p.files.get('pred.csv')!.trimEnd().split('\n');
  assert.equal(lines[0], 'a,b,output cat,output dog,output fox,predicted');
  assert.match(lines[1]!, /^0\.1,2,[\d.e-]+,[\d.e-]+,[\d.e-]+,cat$/);
  assert.match(lines[2]!, /^3,-2,[\d.e-]+,[\d.e-]+,[\d.e-]+,dog$/);
  const sum = lines[1]!.split(',').slice(2, 5).reduce((s, v) => s + Number(v), 0);
  assert.ok(Math.abs(sum - 1) < 1e-12);
});
