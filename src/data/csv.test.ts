import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parseCsv, readCsv } from './csv.js';
import { parseDecimal } from './csv-scan.js';
import { readCsvFile } from './csv.node.js';
import { MAX_CLASSES } from './labels.js';
import type { DataNotice } from './notice.js';
import { BackpropError } from '../errors.js';

const dataError = (pattern: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof BackpropError, `not a BackpropError: ${String(e)}`);
  assert.equal(e.code, 'data');
  assert.match(e.message, pattern);
  return true;
};

const FLOWERS = [
  'sepal_length,sepal_width,petal_length,petal_width,species',
  '5.1,3.5,1.4,0.2,setosa',
  '7.0,3.2,4.7,1.4,versicolor',
  '',
  '6.3,3.3,6.0,2.5,virginica',
  '4.9, 3.0 ,1.4,0.2,setosa',
].join('\n');

/** The text as an async stream of `size`-byte chunks (records and numbers cut anywhere). */
async function* chunked(text: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

test('csv: class labels become one-hot targets, classes sorted, features in file order', () => {
  const ds = parseCsv(FLOWERS, { target: 'species' });
  assert.equal(ds.task, 'classification');
  assert.equal(ds.rows, 4);
  assert.deepEqual(ds.featureNames, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.deepEqual(ds.targetColumns, ['species']);
  assert.deepEqual(ds.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(Array.from(ds.labels!), [0, 1, 2, 0]);
  assert.deepEqual(Array.from(ds.y.subarray(3, 6)), [0, 1, 0]);
  assert.deepEqual(Array.from(ds.x.subarray(12, 16)), [4.9, 3, 1.4, 0.2]);
  assert.ok(ds.x instanceof Float64Array);
});

test('csv: streamed in chunks of any size, the same dataset as read whole', async () => {
  const text = '\ufeffid,"note, quoted",x,y\r\n1,"two\nlines ""q""",1.5,a\r\n\r\n2,plain,-2e-3,b\r\n3,"",7,a';
  const whole = parseCsv(text, { target: 'y', features: ['x'] });
  for (const size of [1, 2, 3, 5, 7, 64]) {
    const streamed = await readCsv(chunked(text, size), { target: 'y', features: ['x'] });
    assert.deepEqual(streamed, whole, `chunks of ${size}`);
  }
  assert.deepEqual(Array.from(whole.x), [1.5, -0.002, 7]);
  // the size hint sizes x after the first chunk; too low, too high or right, the same data
  const rows = ['a,b,y', ...Array.from({ length: 3000 }, (_, i) => `${i % 17},${(i * 7) % 13}.5,${i % 3}`)].join('\n');
  const reference = parseCsv(rows, { dtype: 'float32' });
  for (const sizeHint of [10, rows.length, 40 * rows.length]) {
    const hinted = await readCsv(chunked(rows, 4096), { dtype: 'float32', sizeHint });
    assert.deepEqual(Array.from(hinted.x), Array.from(reference.x), `sizeHint ${sizeHint}`);
    assert.deepEqual(Array.from(hinted.labels!), Array.from(reference.labels!));
    if (sizeHint === rows.length) assert.ok(hinted.x.buffer.byteLength <= 1.05 * hinted.x.byteLength + 1024, 'one array, no copy');
  }
});

test('csv: chosen features, first-seen class order, numeric codes as classes, CRLF and BOM', () => {
  const text = '\ufeffa,b,kind\r\n1,2,dog\r\n3,4,cat\r\n5,6,dog\r\n';
  const ds = parseCsv(text, { target: 'kind', features: ['b'], classOrder: 'first-seen' });
  assert.deepEqual(ds.classNames, ['dog', 'cat']);
  assert.deepEqual(Array.from(ds.x), [2, 4, 6]);
  assert.deepEqual(Array.from(ds.labels!), [0, 1, 0]);
  const codes = parseCsv('f,c\n1,10\n2,2\n3,10\n', { target: 'c', task: 'classification' });
  assert.deepEqual(codes.classNames, ['2', '10']); // numeric order, not "10" < "2"
  const binary = parseCsv('f,c\n1,yes\n2,no\n', { target: 'c', encoding: 'binary' });
  assert.deepEqual(Array.from(binary.y), [1, 0]);
});

test('csv: whole-number targets with few values are classes (with a notice); others are regression', () => {
  const notices: DataNotice[] = [];
  const rows = Array.from({ length: 12 }, (_, i) => `${i * 0.5},${i % 3}`);
  const ds = parseCsv(['x,y', ...rows].join('\n'), { onNotice: (n) => notices.push(n) });
  assert.equal(ds.task, 'classification');
  assert.deepEqual(ds.classNames, ['0', '1', '2']);
  assert.deepEqual(notices.map((n) => n.kind), ['target', 'task']);
  assert.match(notices[1]!.message, /^target "y": 3 distinct whole numbers \(0, 1, 2\), taken as class labels; to predict them as numbers use --task regression$/);
  const reg = parseCsv(['x,y', ...rows].join('\n'), { task: 'regression' });
  assert.equal(reg.task, 'regression');
  assert.deepEqual(Array.from(reg.y.subarray(0, 3)), [0, 1, 2]);
  // "1" and "1.0" are one class (by value), named as first written
  const same = parseCsv('x,y\n0,1\n1,1.0\n2,0\n3,0\n', { task: 'classification' });
  assert.deepEqual(same.classNames, ['0', '1']);
  assert.deepEqual(Array.from(same.labels!), [1, 1, 0, 0]);
  // 25 distinct whole numbers, or fractions: regression
  assert.equal(parseCsv(['x,y', ...Array.from({ length: 50 }, (_, i) => `${i},${i % 25}`)].join('\n')).task, 'regression');
  assert.equal(parseCsv('x,y\n1,0.5\n2,1.5\n3,0.5\n4,1.5\n').task, 'regression');
});

test('csv: a numeric target is regression; several targets are multi-output or one-hot', () => {
  const reg = parseCsv('x1,x2,price\n1,2,10.5\n3,4,-2e3\n', { target: 'price' });
  assert.equal(reg.task, 'regression');
  assert.deepEqual(Array.from(reg.y), [10.5, -2000]);
  assert.deepEqual(reg.targetNames, ['price']);
  const multi = parseCsv('x,u,v\n1,2,3\n4,5,6\n', { target: ['v', 'u'] });
  assert.deepEqual(Array.from(multi.y), [3, 2, 6, 5]);
  assert.equal(multi.outputSize, 2);
  const onehot = parseCsv('x,red,blue\n1,1,0\n2,0,1\n', { target: ['red', 'blue'], task: 'classification' });
  assert.deepEqual(onehot.classNames, ['red', 'blue']);
  assert.deepEqual(Array.from(onehot.labels!), [0, 1]);
  assert.throws(() => parseCsv('x,red,blue\n1,1,1\n', { target: ['red', 'blue'], task: 'classification' }), dataError(/^CSV line 2: the one-hot target columns "red", "blue" must hold one 1/));
});

test('csv: float32 data is read straight into Float32Arrays (x and y)', () => {
  const ds = parseCsv(FLOWERS, { target: 'species', dtype: 'float32' });
  assert.ok(ds.x instanceof Float32Array && ds.y instanceof Float32Array);
  assert.deepEqual(Array.from(ds.x.subarray(0, 2)), [Math.fround(5.1), Math.fround(3.5)]);
  const reg = parseCsv('a,b\n1,0.1\n2,0.2\n', { target: 'b', task: 'regression', dtype: 'float32' });
  assert.ok(reg.y instanceof Float32Array);
  assert.equal(reg.y[0], Math.fround(0.1));
});

test('csv: delimiter detected (; and tab), header-less files, skipped lines, gzip', async () => {
  const semi = parseCsv('a;b;y\n1,5;2;x\n3;4;z\n'.replace('1,5', '1'));
  assert.deepEqual(Array.from(semi.x), [1, 2, 3, 4]);
  const tab = parseCsv('a\tb\ty\n1\t2\tx\n3\t4\tz\n');
  assert.deepEqual(tab.featureNames, ['a', 'b']);
  assert.deepEqual(Array.from(parseCsv('a|b\n1|2\n', { delimiter: '|', target: 'b', task: 'regression' }).x), [1]);
  // scikit-learn's iris.csv: a first line of counts and class names, then rows without a header
  const sk = '3,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,1\n6.2,2.9,1\n';
  const ds = parseCsv(sk, { skipRows: 1, header: false, task: 'classification' });
  assert.deepEqual(ds.featureNames, ['1', '2']);
  assert.deepEqual(ds.targetColumns, ['3']);
  assert.deepEqual(Array.from(ds.labels!), [0, 1, 1]);
  assert.deepEqual(Array.from(ds.x.subarray(0, 2)), [5.1, 3.5]);
  const gz = gzipSync(Buffer.from(FLOWERS));
  const { maybeGunzip } = await import('./chunks.js');
  assert.deepEqual(await readCsv(maybeGunzip(chunked(gz, 100), 'f.csv.gz'), { target: 'species' }), parseCsv(FLOWERS, { target: 'species' }));
  await assert.rejects(readCsv(maybeGunzip(chunked(gz.subarray(0, gz.length - 30), 100), 'cut.csv.gz'), { target: 'species' }), /cut\.csv\.gz: not a valid gzip file/);
});

test('csv: --ignore leaves columns out; an id-like column gets a notice', () => {
  const notices: string[] = [];
  const onNotice = (n: DataNotice): void => void notices.push(n.message);
  const text = 'id,a,y\n1,5,x\n2,6,z\n3,7,x\n4,8,z\n';
  const ds = parseCsv(text, { target: 'y', onNotice });
  assert.equal(ds.inputSize, 2);
  assert.deepEqual(notices, ['column "id" looks like a row id and is used as a feature; leave it out with --ignore id']);
  notices.length = 0;
  assert.deepEqual(parseCsv(text, { target: 'y', ignore: ['id'], onNotice }).featureNames, ['a']);
  assert.deepEqual(notices, []);
  parseCsv('n,a,y\n0,5,x\n1,6,z\n2,7,x\n', { target: 'y', onNotice });
  assert.deepEqual(notices, ['column "n" counts the rows (0, 1, 2, …) like an id and is used as a feature; leave it out with --ignore n']);
  assert.throws(() => parseCsv(text, { target: 'y', ignore: ['y'] }), dataError(/column "y" is both the target and ignored/));
  assert.throws(() => parseCsv(text, { target: 'y', ignore: ['nope'] }), dataError(/unknown ignored column "nope"/));
});

test('csv: missing cells — an error naming line, column and flag; or dropped rows; or column means', () => {
  const text = 'a,b,y\n1,2,x\nNA,4,z\n5,,x\n7,8,\n9,10,z\n';
  assert.throws(() => parseCsv(text, { target: 'y' }), dataError(/^CSV line 3, column "a": expected a number, got "NA" \(a missing value: --missing drop leaves such rows out, --missing mean fills in the column's mean\)$/));
  const notices: string[] = [];
  const dropped = parseCsv(text, { target: 'y', missing: 'drop', onNotice: (n) => void notices.push(n.message) });
  assert.equal(dropped.rows, 2);
  assert.deepEqual(Array.from(dropped.x), [1, 2, 9, 10]);
  assert.deepEqual(Array.from(dropped.labels!), [0, 1]);
  assert.deepEqual(notices, ['left out 3 rows with missing values (the first on line 3)']);
  assert.throws(() => parseCsv(text, { target: 'y', missing: 'mean' }), dataError(/^CSV line 5, column "y": .*--missing mean fills feature columns only/));
  const filled = parseCsv('a,b,y\n1,2,x\nNA,4,z\n5,?,x\n', { target: 'y', missing: 'mean' });
  assert.deepEqual(Array.from(filled.x), [1, 2, 3, 4, 5, 3]);
  // a missing value in a numeric target is never a class: "NA" does not make a classification problem
  const target = ['x,t', ...Array.from({ length: 3000 }, (_, i) => `${i},${i * 1.5}`), '1,NA'].join('\n');
  assert.throws(() => parseCsv(target), dataError(/line 3002, column "t": expected a class label or number \(target\), got "NA" \(a missing value/));
  assert.equal(parseCsv(target, { missing: 'drop' }).task, 'regression');
});

test('csv: more classes than the limit name the column and suggest --task regression; linear in the rows', () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i % 7},c${i}`);
  const started = process.cpuUsage();
  assert.throws(() => parseCsv(['x,kind', ...rows].join('\n')), dataError(new RegExp(`^CSV: the target column "kind" has more than ${MAX_CLASSES} distinct values, too many classes; it holds text such as "c0" \\(line 2\\); to predict numbers use --task regression$`)));
  const used = process.cpuUsage(started);
  assert.ok(used.user + used.system < 10e6, `200,000 distinct labels took ${(used.user + used.system) / 1e6} s of CPU`);
  const numbers = ['x,y', ...Array.from({ length: 2000 }, (_, i) => `${i},${i}`)].join('\n');
  assert.throws(() => parseCsv(numbers, { task: 'classification' }), dataError(/the target column "y" has more than 1000 distinct values, too many classes; to predict numbers use --task regression$/));
});

test('csv: known classes map labels by name (a test file lacking classes), unknown labels are errors', () => {
  const ds = parseCsv('a,kind\n1,dog\n2,dog\n', { target: 'kind', classes: ['cat', 'dog', 'fox'] });
  assert.deepEqual(ds.classNames, ['cat', 'dog', 'fox']);
  assert.deepEqual(Array.from(ds.labels!), [1, 1]);
  assert.deepEqual(Array.from(ds.y), [0, 1, 0, 0, 1, 0]);
  assert.deepEqual(Array.from(parseCsv('a,k\n1,2.0\n', { target: 'k', classes: ['0', '1', '2'] }).labels!), [2]);
  assert.throws(() => parseCsv('a,kind\n1,dog\n2,Dog\n', { target: 'kind', classes: ['cat', 'dog'] }), dataError(/^CSV line 3, column "kind": the label "Dog" is not one of the model's 2 classes \("cat", "dog"\)$/));
});

test('csv: a non-numeric feature cell names its line (blank lines and quoted newlines counted) and column', () => {
  assert.throws(() => parseCsv(FLOWERS.replace('6.3,3.3', '6.3,abc'), { target: 'species' }), dataError(/^CSV line 5, column "sepal_width": expected a number, got "abc" \(text: leave the column out with --ignore sepal_width, or write it as one 0\/1 column per value\)$/));
  const quoted = 'note,x,y\n"two\nlines",1,0\nok,zz,1\n';
  assert.throws(() => parseCsv(quoted, { target: 'y', features: ['x'] }), dataError(/^CSV line 4, column "x": expected a number, got "zz"/));
  assert.throws(() => parseCsv('x,y\n1,a\n,b\n', { target: 'y', name: 'pets.csv' }), dataError(/^pets\.csv line 3, column "x": expected a number, got an empty cell \(a missing value/));
  assert.throws(() => parseCsv('x,y,z\n1,0x10,1\n', { target: 'z' }), dataError(/got "0x10"/));
  assert.throws(() => parseCsv('x,y\n1,2\nInfinity,3\n', { target: 'y' }), dataError(/^CSV line 3, column "x"/));
  assert.throws(() => parseCsv('x,y\n1,2\n3,\n', { target: 'y', task: 'regression' }), dataError(/^CSV line 3, column "y": expected a number \(target\), got an empty cell/));
  assert.throws(() => parseCsv('x,y\n1,a\n3,\n', { target: 'y' }), dataError(/^CSV line 3, column "y": expected a class label or number \(target\), got an empty cell/));
  assert.throws(() => parseCsv('x,y\n1,2\n2,abc\n', { target: 'y', task: 'regression' }), dataError(/^CSV line 3, column "y": expected a number \(regression target\), got "abc"$/));
});

test('csv: unknown columns list the available ones; structural problems name the line', () => {
  assert.throws(() => parseCsv(FLOWERS, { target: 'class' }), dataError(/^CSV: unknown target column "class"; the columns are "sepal_length", "sepal_width", "petal_length", "petal_width", "species"$/));
  assert.throws(() => parseCsv(FLOWERS, { target: 'species', features: ['petal_width', 'stem'] }), dataError(/unknown feature column "stem"/));
  assert.throws(() => parseCsv(FLOWERS, { target: 'species', features: ['species'] }), dataError(/"species" is both a feature and a target/));
  assert.throws(() => parseCsv('a,b,c\n1,2,3\n4,5\n', { target: 'c' }), dataError(/^CSV line 3: expected 3 fields \(like the header\), got 2$/));
  assert.throws(() => parseCsv('a,b\n1,"2\n', { target: 'b' }), dataError(/^CSV line 2: a quoted field starts here and is never closed$/));
  assert.throws(() => parseCsv('a,b\n1,"2"x\n', { target: 'b' }), dataError(/^CSV line 2: unexpected "x" after a closing quote/));
  assert.throws(() => parseCsv('a,a\n1,2\n', { target: 'a' }), dataError(/column "a" appears twice in the header \(columns 1 and 2\)/));
  assert.throws(() => parseCsv('', { target: 'a' }), dataError(/the file is empty/));
  assert.throws(() => parseCsv('a,b\n', { target: 'b' }), dataError(/no data rows after the header/));
  assert.throws(() => parseCsv('b\n1\n', { target: 'b' }), dataError(/no feature columns left/));
});

test('csv: more numbers than the data limit is a clear error', () => {
  assert.throws(() => parseCsv('a,b,y\n1,2,3\n4,5,6\n7,8,9\n', { target: 'y', maxNumbers: 5 }), dataError(/^CSV: more than 5 numbers \(3 rows × 2\), the limit for data read here \(one array holds at most 2³² − 1, and twice the data must fit in memory\); use fewer rows or columns, or --dtype float32$/));
});

test('parseDecimal: exactly Number(text) for plain decimals, NaN for anything else', () => {
  const enc = new TextEncoder();
  const dec = (s: string): number => parseDecimal(enc.encode(s), 0, enc.encode(s).length);
  for (const s of ['0', '-0', '+7', '.5', '3.', '1e5', '2E-3', '123456789012345678', '0.1', '4.35', '1.7976931348623157e308', '5e-324', '00012']) assert.ok(Object.is(dec(s), Number(s)), s);
  for (const s of ['', '.', '-', 'e5', '1e', '1.2.3', '0x10', 'NaN', 'Infinity', '1e999', '1 2', '--1']) assert.ok(Number.isNaN(dec(s)), s);
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 17 }), (v, digits) => {
      for (const s of [String(v), v.toExponential(Math.min(digits, 16)), v.toFixed(Math.min(digits, 20))]) {
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) continue;
        const n = Number(s);
        assert.ok(Number.isFinite(n) ? Object.is(dec(s), n) : Number.isNaN(dec(s)), s);
      }
    }),
    { numRuns: 3000 },
  );
});

test('csv file reader: same dataset as parseCsv, gzip by content, file name in messages, io error for a missing file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-csv-'));
  try {
    const path = join(dir, 'flowers.csv');
    writeFileSync(path, FLOWERS);
    const fromText = parseCsv(FLOWERS, { target: 'species', name: 'flowers.csv' });
    assert.deepEqual(await readCsvFile(path, { target: 'species' }), fromText);
    writeFileSync(join(dir, 'flowers.csv.gz'), gzipSync(FLOWERS));
    assert.deepEqual(await readCsvFile(join(dir, 'flowers.csv.gz'), { target: 'species', name: 'flowers.csv' }), fromText);
    writeFileSync(path, 'a,b\n1,2\nx,3\n');
    await assert.rejects(readCsvFile(path, { target: 'b' }), dataError(/^flowers\.csv line 3, column "a": expected a number, got "x"/));
    await assert.rejects(readCsvFile(join(dir, 'missing.csv'), { target: 'b' }), (e: unknown) => e instanceof BackpropError && e.code === 'io' && /missing\.csv: no such file or directory/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
