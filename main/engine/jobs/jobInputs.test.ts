import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knownMask } from './jobInputs.ts';

test('a voxel is known when any of its slices is annotated', () => {
  const known = knownMask([3, 2, 2], { i: [2], j: [], k: [1] });
  // k = 0: only i = 2 is known; k = 1: everything.
  assert.deepEqual([...known], [0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  assert.ok(knownMask([2, 2, 2], { i: [], j: [], k: [] }).every((v) => v === 0));
});
