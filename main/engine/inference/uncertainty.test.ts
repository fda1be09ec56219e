import { test } from 'node:test';
import assert from 'node:assert/strict';
import { voxelEntropy } from './uncertainty.ts';

test('entropy is 0 when certain, ln C when uniform, and -Σ p ln p in between', () => {
  // 3 classes × 3 voxels, class-planar.
  const p = Float32Array.from([1, 1 / 3, 0.5, 0, 1 / 3, 0.5, 0, 1 / 3, 0]);
  const h = voxelEntropy(p, 3);
  assert.equal(h[0], 0);
  assert.ok(Math.abs(h[1]! - Math.log(3)) < 1e-6);
  assert.ok(Math.abs(h[2]! - Math.log(2)) < 1e-6);
  assert.ok(h.every((x) => !Number.isNaN(x)));
  assert.throws(() => voxelEntropy(p, 2), RangeError);
});
