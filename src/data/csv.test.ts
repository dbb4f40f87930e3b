import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from './csv.js';
import { readCsvFile } from './csv.node.js';
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

test('csv: class labels become one-hot targets, classes sorted, features in file order', () => {
  const ds = parseCsv(FLOWERS, { target: 'species' });
  assert.equal(ds.task, 'classification');
  assert.equal(ds.rows, 4);
  assert.deepEqual(ds.featureNames, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.deepEqual(ds.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(Array.from(ds.labels!), [0, 1, 2, 0]);
  assert.deepEqual(Array.from(ds.y.subarray(3, 6)), [0, 1, 0]);
  assert.deepEqual(Array.from(ds.x.subarray(12, 16)), [4.9, 3, 1.4, 0.2]);
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

test('csv: a non-numeric feature cell names its line (blank lines and quoted newlines counted) and column', () => {
  assert.throws(() => parseCsv(FLOWERS.replace('6.3,3.3', '6.3,abc'), { target: 'species' }), dataError(/^CSV line 5, column "sepal_width": expected a number, got "abc"$/));
  const quoted = 'note,x,y\n"two\nlines",1,0\nok,zz,1\n';
  assert.throws(() => parseCsv(quoted, { target: 'y', features: ['x'] }), dataError(/^CSV line 4, column "x": expected a number, got "zz"$/));
  assert.throws(() => parseCsv('x,y\n1,a\n,b\n', { target: 'y', name: 'pets.csv' }), dataError(/^pets\.csv line 3, column "x": expected a number, got an empty cell$/));
  assert.throws(() => parseCsv('x,y,z\n1,0x10,1\n', { target: 'z' }), dataError(/got "0x10"/));
  assert.throws(() => parseCsv('x,y\n1,2\nInfinity,3\n', { target: 'y' }), dataError(/^CSV line 3, column "x"/));
  assert.throws(() => parseCsv('x,y\n1,2\n3,\n', { target: 'y', task: 'regression' }), dataError(/^CSV line 3, column "y": expected a number \(regression target\), got an empty cell$/));
  assert.throws(() => parseCsv('x,y\n1,a\n3,\n', { target: 'y' }), dataError(/^CSV line 3, column "y": expected a class label, got an empty cell$/));
});

test('csv: unknown columns list the available ones; structural problems name the line', () => {
  assert.throws(() => parseCsv(FLOWERS, { target: 'class' }), dataError(/^CSV: unknown target column "class"; the columns are "sepal_length", "sepal_width", "petal_length", "petal_width", "species"$/));
  assert.throws(() => parseCsv(FLOWERS, { target: 'species', features: ['petal_width', 'stem'] }), dataError(/unknown feature column "stem"/));
  assert.throws(() => parseCsv(FLOWERS, { target: 'species', features: ['species'] }), dataError(/"species" is both a feature and a target/));
  assert.throws(() => parseCsv('a,b,c\n1,2,3\n4,5\n', { target: 'c' }), dataError(/^CSV line 3: expected 3 fields \(like the header\), got 2$/));
  assert.throws(() => parseCsv('a,b\n1,"2\n', { target: 'b' }), dataError(/^CSV line 2: Quote Not Closed/));
  assert.throws(() => parseCsv('a,a\n1,2\n', { target: 'a' }), dataError(/column "a" appears twice in the header \(columns 1 and 2\)/));
  assert.throws(() => parseCsv('', { target: 'a' }), dataError(/the file is empty/));
  assert.throws(() => parseCsv('a,b\n', { target: 'b' }), dataError(/no data rows after the header/));
  assert.throws(() => parseCsv('b\n1\n', { target: 'b' }), dataError(/no feature columns left/));
});

test('csv file reader: same dataset as parseCsv, file name in messages, io error for a missing file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-csv-'));
  try {
    const path = join(dir, 'flowers.csv');
    writeFileSync(path, FLOWERS);
    const fromFile = readCsvFile(path, { target: 'species' });
    const fromText = parseCsv(FLOWERS, { target: 'species', name: 'flowers.csv' });
    assert.deepEqual(fromFile, fromText);
    writeFileSync(path, 'a,b\n1,2\nx,3\n');
    assert.throws(() => readCsvFile(path, { target: 'b' }), dataError(/^flowers\.csv line 3, column "a": expected a number, got "x"$/));
    assert.throws(
      () => readCsvFile(join(dir, 'missing.csv'), { target: 'b' }),
      (e: unknown) => e instanceof BackpropError && e.code === 'io' && /missing\.csv: ENOENT/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
