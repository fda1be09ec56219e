import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceMask } from './sliceMask.ts';

test('a voxel is in the mask when any of its slices is listed', () => {
  const mask = sliceMask([3, 2, 2], { i: [2], k: [1] });
  // k = 0: only i = 2 is in; k = 1: everything.
  assert.deepEqual([...mask], [0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual([...sliceMask([3, 2, 2], { j: [0, 7] })], [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0], 'out-of-range slices are ignored');
  assert.ok(sliceMask([2, 2, 2], {}).every((v) => v === 0));
});
