import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hausdorff95 } from './hausdorff95.ts';

test('95th percentile of the union of both directions (MedPy), linear interpolation', () => {
  // Union = 0..19 (20 values): rank 0.95·19 = 18.05 → 18 + 0.05·(19 - 18) = 18.05.
  const predToTruth = Float64Array.from({ length: 10 }, (_, i) => 2 * i);
  const truthToPred = Float64Array.from({ length: 10 }, (_, i) => 2 * i + 1);
  assert.ok(Math.abs(hausdorff95({ predToTruth, truthToPred }) - 18.05) < 1e-12);
});

test('is not the max of the directed 95th percentiles (MONAI)', () => {
  // One far outlier in a small direction: union percentile ignores it, MONAI would not.
  const predToTruth = Float64Array.from([0, 0, 10]);
  const truthToPred = new Float64Array(37);
  // rank 0.95·39 = 37.05 → sorted union [0 ×39, 10] → 0 + 0.05·0 = 0
  assert.equal(hausdorff95({ predToTruth, truthToPred }), 0);
});

test('empty distance sets are refused', () => {
  assert.throws(() => hausdorff95({ predToTruth: new Float64Array(0), truthToPred: Float64Array.from([1]) }), RangeError);
});
