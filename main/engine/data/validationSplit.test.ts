import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitValidation } from './validationSplit.ts';
import { Rng } from '../random/rng.ts';

const items = Array.from({ length: 10 }, (_, i) => ({ scan: 0, index: i }));

test('holds out about a fifth, disjoint from training, in input order', () => {
  const split = splitValidation(items, new Rng(1));
  assert.equal(split.validationOnTraining, false);
  assert.equal(split.validation.length, 2);
  assert.equal(split.train.length, 8);
  assert.deepEqual(
    [...split.train, ...split.validation].map((r) => r.index).sort((a, b) => a - b),
    items.map((r) => r.index),
  );
  assert.ok(split.train.every((r, i, a) => i === 0 || a[i - 1]!.index < r.index));
});

test('deterministic under the seed', () => {
  assert.deepEqual(splitValidation(items, new Rng(5)), splitValidation(items, new Rng(5)));
  const differs = [6, 7, 8, 9].some(
    (seed) => JSON.stringify(splitValidation(items, new Rng(seed)).validation) !== JSON.stringify(splitValidation(items, new Rng(5)).validation),
  );
  assert.ok(differs);
});

test('with 4 annotated slices one is held out; with 3 validation is on training', () => {
  const four = splitValidation(items.slice(0, 4), new Rng(2));
  assert.equal(four.validationOnTraining, false);
  assert.equal(four.validation.length, 1);
  assert.equal(four.train.length, 3);
  const three = splitValidation(items.slice(0, 3), new Rng(2));
  assert.equal(three.validationOnTraining, true);
  assert.deepEqual(three.validation, three.train);
  assert.equal(three.train.length, 3);
});

test('never holds out everything; bad fractions are refused', () => {
  const split = splitValidation(items.slice(0, 4), new Rng(3), { fraction: 0.99 });
  assert.equal(split.train.length, 1);
  assert.throws(() => splitValidation(items, new Rng(3), { fraction: 1 }), RangeError);
});
