import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flip } from './flip.ts';

test('flips rows or columns of a 2D array', () => {
  const m = Float32Array.from([1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...flip(m, [2, 3], 0)], [4, 5, 6, 1, 2, 3]);
  assert.deepEqual([...flip(m, [2, 3], 1)], [3, 2, 1, 6, 5, 4]);
});

test('flips the middle axis of a 3D array and is its own inverse', () => {
  const a = Uint8Array.from({ length: 24 }, (_, v) => v);
  const f = flip(a, [2, 3, 4], 1);
  assert.ok(f instanceof Uint8Array);
  assert.deepEqual([...f.subarray(0, 4)], [8, 9, 10, 11]);
  assert.deepEqual([...f.subarray(12, 16)], [20, 21, 22, 23]);
  assert.deepEqual(flip(f, [2, 3, 4], 1), a);
});

test('bad axis or size is refused', () => {
  assert.throws(() => flip(new Float32Array(6), [2, 3], 2), RangeError);
  assert.throws(() => flip(new Float32Array(5), [2, 3], 0), RangeError);
});
