import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './percentile.ts';
import { Rng } from '../random/rng.ts';

/** numpy.percentile(values, q) with the default linear method, via a full sort. */
function sortedPercentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = ((s.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (h - lo);
}

test('known values follow numpy linear interpolation', () => {
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([4, 1, 3, 2], 0), 1);
  assert.equal(percentile([4, 1, 3, 2], 100), 4);
  // numpy.percentile([0..9], 95) = 8.55
  assert.ok(Math.abs(percentile([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], 95) - 8.55) < 1e-12);
  assert.equal(percentile([7], 95), 7);
});

test('matches a full sort on random data with many duplicates, and leaves the input alone', () => {
  const rng = new Rng('percentile');
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + rng.int(300);
    const values = Array.from({ length: n }, () => rng.int(20) - 5);
    const copy = [...values];
    for (const q of [0, 0.5, 5, 50, 95, 99.5, 100]) {
      assert.ok(Math.abs(percentile(values, q) - sortedPercentile(values, q)) < 1e-9);
    }
    assert.deepEqual(values, copy);
  }
});

test('rejects empty input and out-of-range q', () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});
