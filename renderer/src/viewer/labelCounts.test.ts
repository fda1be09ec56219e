import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countLabels } from './labelCounts.ts';

test('label counts: one bin per value, every voxel counted once', () => {
  const counts = countLabels(Uint8Array.from([0, 0, 3, 255, 3, 3]));
  assert.equal(counts.length, 256);
  assert.deepEqual([counts[0], counts[3], counts[255], counts[1]], [2, 3, 1, 0]);
});
