import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance } from './suggest.js';

test('closestName: a typo gets the name it was meant to be', () => {
  assert.equal(closestName('epoch', ['epochs', 'lr', 'seed']), 'epochs');
  assert.equal(closestName('trian', ['train', 'eval', 'predict']), 'train');
  assert.equal(closestName('lrr', ['lr', 'loss']), 'lr');
  assert.equal(closestName('KO', ['en', 'ko']), 'ko');
});

test('closestName: no guess when every letter would change, or the name is far from all', () => {
  assert.equal(editDistance('fr', 'en'), 2);
  assert.equal(closestName('fr', ['en', 'ko']), null);
  assert.equal(closestName('de', ['en', 'ko']), null);
  assert.equal(closestName('xyz', ['sgd', 'adam']), null);
  assert.equal(closestName('optimiser', ['optimizer', 'output']), 'optimizer');
});
