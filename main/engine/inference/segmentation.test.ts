import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmaxClasses } from './segmentation.ts';

test('argmax over class-planar probabilities, first class on ties', () => {
  // 3 classes × 4 voxels
  const p = Float32Array.from([0.2, 0.5, 0.1, 0.4, 0.3, 0.5, 0.1, 0.3, 0.5, 0.0, 0.8, 0.3]);
  assert.deepEqual([...argmaxClasses(p, 3, 4)], [2, 0, 2, 0]);
  assert.throws(() => argmaxClasses(p, 3, 5), RangeError);
});
