import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { alignedNumbers } from './numbers.js';
import { JUPYTER_DISPLAY } from './protocol.js';
import { tensorBundle, tensorHtml } from './tensor.js';

const cells = (html: string): string[] => [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);

test('alignedNumbers prints as numpy does: one notation, decimals as needed, aligned at the point', () => {
  assert.deepEqual(alignedNumbers([2.7, 3.3]), ['2.7', '3.3']);
  assert.deepEqual(alignedNumbers([0.9370266439430035, 0.5], 8, ' '), ['0.93702664', '0.5       ']);
  assert.deepEqual(alignedNumbers([2, 0.5], 8, '_'), ['2__', '0.5']);
  assert.deepEqual(alignedNumbers([1, 2, 30]), ['1', '2', '30']);
  // a value below 1e-4 (or from 1e8) switches the whole array to scientific notation, one mantissa length
  assert.deepEqual(alignedNumbers([0.5, 2.2117235971838106e-13]), ['5.0000000e-01', '2.2117236e-13']);
  assert.deepEqual(alignedNumbers([1.5e9, 2.25]), ['1.50e+09', '2.25e+00']);
  // numpy's precision: at most 8 decimals (the seed notebook's 0.00174744)
  assert.deepEqual(alignedNumbers([0.0017474405883893234, 0.007476326694688967]), ['0.00174744', '0.00747633']);
  assert.deepEqual(alignedNumbers([NaN, -Infinity, 1.5]), ['nan', '-inf', '1.5']);
});

test('a tensor shows as a table of its numbers with its shape and dtype; text/plain is its toString', () => {
  const w = tensor([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]);
  const b = w[JUPYTER_DISPLAY]();
  assert.deepEqual(b, tensorBundle(w));
  assert.equal(b['text/plain'], w.toString());
  assert.deepEqual(cells(b['text/html']!), ['0.1', '0.3', '0.5', '0.2', '0.4', '0.6']);
  assert.match(b['text/html']!, /shape \[2, 3\] · float64/);
  const h = tensor([[0.9370266439430035], [0.9644288107273639]]);
  assert.deepEqual(cells(tensorHtml(h)), ['0.93702664', '0.96442881'], 'the seed notebook\'s h, as numpy printed it');
  const named = new Tensor(new Float32Array([1, 2]), [2], { requiresGrad: true, name: '<b>0.weight</b>' });
  assert.match(tensorHtml(named), /shape \[2\] · float32 · requiresGrad · &#60;b&#62;0\.weight&#60;\/b&#62;/, 'names are escaped');
  assert.deepEqual(cells(tensorHtml(tensor(2.5))), ['2.5'], 'a scalar');
});

test('long axes are elided in the middle, keeping edge items at each end, as numpy does', () => {
  const big = tensor(Array.from({ length: 30 }, (_, i) => Array.from({ length: 20 }, (_, j) => 100 * i + j)));
  const html = tensorHtml(big, { edge: 3 });
  const rows = html.match(/<tr>/g)!.length;
  assert.equal(rows, 1 + 7, 'a header row, 3 + gap + 3 rows');
  const shown = cells(html).filter((c) => /^\d+$/.test(c)).map(Number);
  assert.equal(shown.length, 36, '6 rows × 6 columns of numbers');
  assert.deepEqual(shown.slice(0, 6), [0, 1, 2, 17, 18, 19]);
  assert.deepEqual(shown.slice(-6), [2900, 2901, 2902, 2917, 2918, 2919]);
  assert.equal(html.match(/⋮/g)!.length, 6);
  assert.equal(html.match(/⋯/g)!.length, 6);
  assert.equal(html.match(/⋱/g)!.length, 1);
  const cube = tensorHtml(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]));
  assert.deepEqual(cells(cube), ['1', '2', '3', '4', '5', '6', '7', '8']);
  assert.match(cube, /\[0, :, :\][\s\S]*\[1, :, :\]/);
  const deep = tensorHtml(new Tensor(new Float64Array(20 * 2 * 2), [20, 2, 2]), { edge: 2 });
  assert.equal(deep.match(/<table/g)!.length, 4, 'blocks 0, 1, …, 18, 19');
  assert.match(deep, /\[…, :, :\]/);
});
