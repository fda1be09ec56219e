import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softmaxAt } from './softmax.ts';

test('softmax of one voxel at an offset, stable for large logits', () => {
  const out = new Float64Array(3);
  softmaxAt(Float32Array.from([9, 0, Math.log(2), Math.log(1), 9]), 1, 3, out);
  // ln 2 is rounded to float32, hence the tolerance.
  [0.25, 0.5, 0.25].forEach((p, c) => assert.ok(Math.abs(out[c]! - p) < 1e-7));
  softmaxAt(Float32Array.from([1000, 1000]), 0, 2, out);
  assert.deepEqual([out[0], out[1]], [0.5, 0.5]);
});
