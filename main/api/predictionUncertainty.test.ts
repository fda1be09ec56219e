import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalisedEntropy } from './predictionUncertainty.ts';

test('normalisedEntropy: entropy / ln C after rescaling quantised probabilities to sum 1', () => {
  // Four voxels, three classes, class-major: certain; 128/255 twice (sums to 256/255);
  // uniform; no probability at all.
  const p = Float32Array.from([1, 128, 85, 0, 0, 128, 85, 0, 0, 0, 85, 0], (v, n) => (n % 4 === 0 ? v : v / 255));
  const h = normalisedEntropy({ shape: [4, 1, 1], classValues: [0, 1, 2], probabilities: p });
  assert.equal(h[0], 0);
  assert.ok(Math.abs(h[1] - Math.log(2) / Math.log(3)) < 1e-6, `${h[1]}`);
  assert.ok(Math.abs(h[2] - 1) < 1e-6, `${h[2]}`);
  assert.equal(h[3], 0, 'a voxel without probabilities counts as certain');
  assert.ok(h[2] <= 1);
});

test('normalisedEntropy: a single class is never uncertain', () => {
  const h = normalisedEntropy({ shape: [2, 1, 1], classValues: [0], probabilities: Float32Array.of(1, 0.5) });
  assert.deepEqual([...h], [0, 0]);
});
