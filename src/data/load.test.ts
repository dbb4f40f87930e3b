import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../tensor/rng.js';
import { DATA_NAMES, dataLimit, loadData } from './load.node.js';
import { circle } from './synthetic.js';
import { BackpropError } from '../errors.js';

test('loadData: synthetic names draw from the given rng, iris by name', async () => {
  const { data } = await loadData('circle', { rng: new Rng(3), size: 40, noise: 0.1 });
  assert.deepEqual(data, circle({ rng: new Rng(3), size: 40, noise: 0.1 }));
  assert.equal((await loadData('spiral', { rng: new Rng(1), targets: 'sign' })).data.outputSize, 1);
  assert.equal((await loadData('iris')).data.rows, 150);
  await assert.rejects(loadData('xor'), (e: unknown) => e instanceof BackpropError && e.code === 'argument' && /needs a seeded Rng/.test(e.message));
  await assert.rejects(loadData('cifar'), /--data: expected one of circle, xor, gauss, spiral, moons, iris, mnist, fashion-mnist, mnist-full, a \.csv \/ \.csv\.gz \/ \.json file or a directory of IDX files .*, got "cifar"/);
  assert.deepEqual(DATA_NAMES, ['circle', 'xor', 'gauss', 'spiral', 'moons', 'iris', 'mnist', 'fashion-mnist', 'mnist-full']);
});

test('loadData: CSV (last column is the default target) and JSON files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-load-'));
  try {
    const csv = join(dir, 'pets.csv');
    writeFileSync(csv, 'weight,height,kind\n4,30,cat\n30,60,dog\n');
    const pets = (await loadData(csv)).data;
    assert.deepEqual(pets.classNames, ['cat', 'dog']);
    assert.deepEqual(pets.featureNames, ['weight', 'height']);
    assert.equal(pets.name, 'pets.csv');
    assert.deepEqual(Array.from((await loadData(csv, { csv: { target: 'height', features: ['weight'] } })).data.y), [30, 60]);
    assert.deepEqual(Array.from((await loadData(csv, { targets: 'sign' })).data.y), [-1, 1]);
    const json = join(dir, 'xor.json');
    writeFileSync(json, JSON.stringify({ inputs: [[0, 0], [0, 1], [1, 0], [1, 1]], targets: [[0], [1], [1], [0]] }));
    assert.deepEqual(Array.from((await loadData(json)).data.labels!), [0, 1, 1, 0]);
    await assert.rejects(loadData(join(dir, 'nope.json')), (e: unknown) => e instanceof BackpropError && e.code === 'io' && /nope\.json: no such file or directory/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('src/data is browser-safe: only *.node.ts files import Node built-ins', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const offenders = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.node.ts') && !f.endsWith('.test.ts'))
    .filter((f) => /from ['"](node:|fs['"]|path['"])|require\(/.test(readFileSync(join(here, f), 'utf8')));
  assert.deepEqual(offenders, []);
});

test('loadData: the data limit is one array and half the memory; past it a clear error, not an out-of-memory crash', async () => {
  assert.equal(dataLimit('float32', 24 * 2 ** 30), 3 * 2 ** 30);
  assert.equal(dataLimit('float64', 24 * 2 ** 30), 1.5 * 2 ** 30);
  assert.equal(dataLimit('float32', 2 ** 50), 2 ** 32 - 1);
  const dir = mkdtempSync(join(tmpdir(), 'backprop-limit-'));
  try {
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, 'a,b,y\n1,2,x\n3,4,z\n5,6,x\n');
    await assert.rejects(loadData(csv, { maxNumbers: 4 }), (e: unknown) => e instanceof BackpropError && e.code === 'data' && /^big\.csv: more than 4 numbers \(3 rows × 2\)/.test(e.message));
    assert.equal((await loadData(csv, { maxNumbers: 6 })).data.rows, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
