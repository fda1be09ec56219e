import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dice } from './dice.ts';

test('Dice counts overlap: 2·|P∩T| / (|P|+|T|)', () => {
  const p = Uint8Array.from([1, 1, 1, 0, 0, 0]);
  const t = Uint8Array.from([0, 1, 1, 1, 1, 0]);
  assert.equal(dice(p, t), (2 * 2) / (3 + 4));
  assert.equal(dice(p, p), 1);
  assert.equal(dice(p, Uint8Array.from([0, 0, 0, 1, 1, 1])), 0);
});

test('any non-zero value is foreground', () => {
  assert.equal(dice(Uint8Array.from([3, 0]), Uint8Array.from([1, 0])), 1);
});

test('one side empty gives 0; both empty gives 1 by convention', () => {
  const empty = new Uint8Array(4);
  assert.equal(dice(empty, Uint8Array.from([0, 1, 0, 0])), 0);
  assert.equal(dice(Uint8Array.from([0, 1, 0, 0]), empty), 0);
  assert.equal(dice(empty, empty), 1);
});

test('masks of different lengths are refused', () => {
  assert.throws(() => dice(new Uint8Array(3), new Uint8Array(4)), RangeError);
});
