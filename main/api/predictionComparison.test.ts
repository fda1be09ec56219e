import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPARISON, comparePredictions } from './predictionComparison.ts';

test('each voxel coded by how the two predictions relate; Dice over the scan and per slice', () => {
  // shape 2×2×2, NIfTI order (i fastest): n = i + 2j + 4k
  const a = Uint8Array.of(0, 1, 1, 2, 0, 1, 0, 0);
  const b = Uint8Array.of(0, 1, 0, 1, 2, 1, 0, 0);
  const { codes, dice, sliceDice } = comparePredictions(a, b, [2, 2, 2]);
  const { background, agree, onlyA, onlyB, classesDiffer } = COMPARISON;
  assert.deepEqual([...codes], [background, agree, onlyA, classesDiffer, onlyB, agree, background, background]);
  // agreeing foreground: n = 1, 5 → 2; foreground of A: 4, of B: 4
  assert.equal(dice, (2 * 2) / 8);
  // k = 0 holds n 0..3: agree 1, A fg 3, B fg 2 → 2/5; k = 1 holds n 4..7: agree 1, A 1, B 2 → 2/3
  assert.deepEqual(sliceDice.k, [2 / 5, 2 / 3]);
  // i = 0: n 0, 2, 4, 6 → agree 0, A 1, B 1 → 0; i = 1: n 1, 3, 5, 7 → agree 2, A 3, B 3 → 4/6
  assert.deepEqual(sliceDice.i, [0, 4 / 6]);
  assert.deepEqual(comparePredictions(new Uint8Array(8), new Uint8Array(8), [2, 2, 2]).sliceDice.j, [null, null], 'both empty: no Dice');
  assert.throws(() => comparePredictions(a, b.subarray(1), [2, 2, 2]), /do not fit/);
});
