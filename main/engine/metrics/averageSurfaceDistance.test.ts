import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageSurfaceDistance, averageSymmetricSurfaceDistance } from './averageSurfaceDistance.ts';

const distances = { predToTruth: Float64Array.from([0, 1, 2]), truthToPred: Float64Array.from([4]) };

test('directed ASD is the mean of prediction → reference distances', () => {
  assert.equal(averageSurfaceDistance(distances), 1);
});

test('ASSD is the mean of the two directed means (MedPy), not the pooled mean', () => {
  assert.equal(averageSymmetricSurfaceDistance(distances), (1 + 4) / 2);
});

test('an empty surface is refused', () => {
  assert.throws(() => averageSurfaceDistance({ predToTruth: new Float64Array(0), truthToPred: distances.truthToPred }), RangeError);
});
