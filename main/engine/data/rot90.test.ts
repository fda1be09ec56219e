import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rot90 } from './rot90.ts';

const m = Float32Array.from([1, 2, 3, 4, 5, 6]); // [[1, 2, 3], [4, 5, 6]]

test('matches numpy.rot90 for k = 1, 2, 3 on a 2×3 plane', () => {
  assert.deepEqual(rot90(m, [2, 3], 1), { data: Float32Array.from([3, 6, 2, 5, 1, 4]), shape: [3, 2] });
  assert.deepEqual(rot90(m, [2, 3], 2), { data: Float32Array.from([6, 5, 4, 3, 2, 1]), shape: [2, 3] });
  assert.deepEqual(rot90(m, [2, 3], 3), { data: Float32Array.from([4, 1, 5, 2, 6, 3]), shape: [3, 2] });
});

test('k is taken modulo 4; four quarter turns are the identity', () => {
  assert.deepEqual(rot90(m, [2, 3], -1), rot90(m, [2, 3], 3));
  assert.deepEqual(rot90(m, [2, 3], 4).data, m);
  let r = { data: m, shape: [2, 3] as [number, number] };
  for (let t = 0; t < 4; t++) r = rot90(r.data, r.shape, 1);
  assert.deepEqual(r.data, m);
});

test('stacked planes rotate independently; labels keep their type', () => {
  const two = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const r = rot90(two, [2, 3], 1, 2);
  assert.ok(r.data instanceof Uint8Array);
  assert.deepEqual([...r.data], [3, 6, 2, 5, 1, 4, 9, 12, 8, 11, 7, 10]);
  assert.throws(() => rot90(two, [2, 3], 1), RangeError);
});
