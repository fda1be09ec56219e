import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zscoreNormalize } from './zscoreNormalize.ts';
import { Rng } from '../random/rng.ts';

function stats(x: Float32Array, where: (i: number) => boolean): { mean: number; std: number } {
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    if (!where(i)) continue;
    n++;
    s += x[i]!;
    s2 += x[i]! * x[i]!;
  }
  const mean = s / n;
  return { mean, std: Math.sqrt(s2 / n - mean * mean) };
}

test('non-zero voxels get mean 0 and std 1; zero voxels stay 0; input untouched', () => {
  const rng = new Rng('z');
  const image = new Float32Array(20000);
  for (let i = 0; i < image.length; i++) image[i] = i % 4 === 0 ? 0 : rng.normal(500, 80);
  const copy = image.slice();
  const out = zscoreNormalize(image);
  const s = stats(out, (i) => image[i] !== 0);
  assert.ok(Math.abs(s.mean) < 1e-4, `mean ${s.mean}`);
  assert.ok(Math.abs(s.std - 1) < 1e-4, `std ${s.std}`);
  for (let i = 0; i < image.length; i += 4) assert.equal(out[i], 0);
  assert.deepEqual(image, copy);
});

test('outliers are clipped to the 0.5–99.5 percentiles before the statistics', () => {
  const rng = new Rng('outliers');
  const image = new Float32Array(10000);
  for (let i = 0; i < image.length; i++) image[i] = rng.normal(100, 10);
  image[0] = 1e7;
  image[1] = -1e7;
  const out = zscoreNormalize(image);
  // Without clipping the std would be ~1.4e5 and every ordinary voxel would map near 0.
  const s = stats(out, (i) => i > 1);
  assert.ok(s.std > 0.9 && s.std < 1.1, `std ${s.std}`);
  const maxOrdinary = Math.max(...out.subarray(2));
  assert.ok(out[0]! <= maxOrdinary + 1e-6, 'the bright outlier is clipped to the upper percentile');
  assert.ok(out[0]! > 2 && out[1]! < -2);
});

test('all-zero and constant scans give zeros, not NaN', () => {
  assert.deepEqual(zscoreNormalize(new Float32Array(10)), new Float32Array(10));
  const constant = Float32Array.from([0, 7, 7, 7, 0, 7]);
  assert.deepEqual(zscoreNormalize(constant), new Float32Array(6));
  const one = zscoreNormalize(Float32Array.from([0, 0, 3]));
  assert.deepEqual(one, new Float32Array(3));
});

test('negative intensities count as non-zero; custom percentiles', () => {
  const out = zscoreNormalize(Float32Array.from([-2, 0, 2]), { lowerPercentile: 0, upperPercentile: 100 });
  assert.deepEqual([...out], [-1, 0, 1]);
  assert.throws(() => zscoreNormalize(new Float32Array(2), { lowerPercentile: 60, upperPercentile: 40 }), RangeError);
});
