import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.js';
import { datasetFromArrays } from './arrays.js';
import { withTargetEncoding } from './dataset.js';
import type { Dataset } from './dataset.js';
import { iris } from './iris.js';
import { circle } from './synthetic.js';
import { dataProblems, outputRange, validateForModel } from './validate.js';
import { BackpropError } from '../errors.js';

const fails = (pattern: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof BackpropError, String(e));
  assert.equal(e.code, 'data');
  assert.match(e.message, pattern);
  return true;
};

test('validateForModel accepts data that fits', () => {
  const ds = circle({ size: 50, rng: new Rng(0) });
  validateForModel(ds, { inputSize: 2, outputSize: 2, outputActivation: 'softmax', loss: 'cross_entropy' });
  validateForModel(withTargetEncoding(ds, 'sign'), { inputSize: 2, outputSize: 1, outputActivation: 'tanh', loss: 'mse' });
  validateForModel(withTargetEncoding(ds, 'binary'), { inputSize: 2, outputSize: 1, outputActivation: 'sigmoid', loss: 'bce' });
  validateForModel(iris(), { inputSize: 4, outputSize: 3, outputActivation: 'softmax' });
  validateForModel(datasetFromArrays([[1]], [[-1e6]]), { inputSize: 1, outputSize: 1, outputActivation: 'linear' });
  assert.deepEqual(dataProblems(iris(), { inputSize: 4, outputSize: 3 }), []);
});

test('validateForModel: widths that do not match the layers, with a hint', () => {
  const ds = circle({ size: 50, rng: new Rng(0) });
  assert.throws(
    () => validateForModel(ds, { inputSize: 2, outputSize: 1, outputActivation: 'tanh' }),
    fails(/^the data "circle" has 2 target columns, but the network's last layer has 1 outputs; for one output use one target column per row \(withTargetEncoding\(ds, "sign"\)\)$/),
  );
  assert.throws(
    () => validateForModel(iris(), { inputSize: 3, outputSize: 3 }),
    fails(/^the data "iris" has 4 input columns \(sepal length, sepal width, petal length, petal width\), but the network's first layer takes 3 inputs$/),
  );
  assert.throws(() => validateForModel(iris(), { inputSize: 4, outputSize: 2 }), fails(/3 classes need 3 outputs with one-hot targets/));
  // Both problems are named (the second after "also"), not "(and 1 more problem)".
  assert.throws(() => validateForModel(iris(), { inputSize: 5, outputSize: 2 }), fails(/first layer takes 5 inputs; also, the data "iris" has 3 target columns, but the network's last layer has 2 outputs/));
});

test('validateForModel: targets outside the output activation range name the first cell and the count', () => {
  const reg = datasetFromArrays([[0], [1], [2]], [[0.5], [1.5], [-2]]);
  assert.throws(
    () => validateForModel(reg, { inputSize: 1, outputSize: 1, outputActivation: 'sigmoid' }),
    fails(/^targets\[1\]\[0\] \(row 1, column 0\) is 1\.5, outside \[0, 1\], the range of the sigmoid output \(2 of 3 target values are outside\); scale the targets into \[0, 1\] \(MinMaxScaler\) or use a linear output$/),
  );
  assert.throws(() => validateForModel(reg, { inputSize: 1, outputSize: 1, outputActivation: 'tanh' }), fails(/^targets\[1\]\[0\] .* is 1\.5, outside \[-1, 1\], the range of the tanh output \(2 of 3/));
  assert.throws(() => validateForModel(reg, { inputSize: 1, outputSize: 1, outputActivation: 'relu' }), fails(/is -2, outside \[0, ∞\]/));
  assert.throws(() => validateForModel(reg, { inputSize: 1, outputSize: 1, outputActivation: 'linear', loss: 'bce' }), fails(/the range of the bce loss/));
  const sign = withTargetEncoding(circle({ size: 20, rng: new Rng(1) }), 'sign');
  assert.throws(() => validateForModel(sign, { inputSize: 2, outputSize: 1, outputActivation: 'sigmoid' }), fails(/write the classes as 0\/1/));
  assert.deepEqual(outputRange('elu'), { low: -1 });
  assert.deepEqual(outputRange('something-new'), {});
});

test('validateForModel: softmax and cross-entropy need rows that sum to 1', () => {
  const reg = datasetFromArrays([[0], [1]], [[0.2, 0.2], [0.5, 0.5]]);
  assert.throws(
    () => validateForModel(reg, { inputSize: 1, outputSize: 2, outputActivation: 'softmax' }),
    fails(/^targets\[0\] sums to 0\.4, but a softmax output needs target rows of numbers ≥ 0 summing to 1 \(1 of 2 rows differ\); use one-hot class targets$/),
  );
  const one = datasetFromArrays([[0], [1]], [[0], [1]]);
  assert.throws(() => validateForModel(one, { inputSize: 1, outputSize: 1, outputActivation: 'linear', loss: 'cross_entropy' }), fails(/a single column.*or a sigmoid output with bce/));
});

test('validateForModel: non-finite values and broken storage in a hand-made dataset', () => {
  const ds: Dataset = { x: new Float64Array([1, NaN]), y: new Float64Array([0, 1]), rows: 2, inputSize: 1, outputSize: 1, task: 'regression' };
  assert.throws(() => validateForModel(ds, { inputSize: 1, outputSize: 1 }), fails(/inputs\[1\]\[0\] \(row 1, column 0\): expected a finite number, got NaN/));
  const ragged: Dataset = { ...ds, x: new Float64Array(3) };
  assert.throws(() => validateForModel(ragged, { inputSize: 1, outputSize: 1 }), fails(/expected x of 2×1 = 2 and y of 2×1 = 2 numbers, got 3 and 2/));
});
