import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMl, voxelMl } from './classVolume.ts';

test('a voxel of 0.8 × 0.8 × 2.5 mm is 1.6 mm³, 0.0016 mL', () => {
  assert.ok(Math.abs(voxelMl([0.8, 0.8, 2.5]) - 0.0016) < 1e-12);
  assert.equal(voxelMl([1, 1, 1]), 0.001);
});

test('volumes read to about three figures; any label at all never reads as 0', () => {
  assert.equal(formatMl(0), '0 mL');
  assert.equal(formatMl(0.0004), '< 0.001 mL');
  assert.equal(formatMl(21 * 0.0016), '0.034 mL');
  assert.equal(formatMl(3.456), '3.46 mL');
  assert.equal(formatMl(12.34), '12.3 mL');
  assert.equal(formatMl(1234.5), '1235 mL');
});
