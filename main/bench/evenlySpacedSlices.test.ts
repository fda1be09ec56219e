import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evenlySpacedSlices } from './evenlySpacedSlices.ts';

/** A 4×4×n scan whose tissue fills slices from..to along k. */
function scan(n: number, from: number, to: number, annotated: number[] = []) {
  const image = new Float32Array(16 * n);
  for (let k = from; k <= to; k++) image.fill(1, 16 * k, 16 * (k + 1));
  return { image, shape: [4, 4, n] as const, annotated };
}

test('each pick goes to the scan with the fewest annotated slices, at its tissue slice farthest from them', () => {
  const picks = evenlySpacedSlices([scan(20, 2, 17, [5, 10]), scan(20, 4, 15), scan(20, 0, 19)], 'k', 4);
  // scans 1 and 2 have none: their centres first (4..15 → 9 or 10; 0..19 → 9 or 10), then scan 1 again, far from 9.
  assert.deepEqual(picks, [
    { scan: 1, slice: 9 },
    { scan: 2, slice: 9 },
    { scan: 1, slice: 15 },
    { scan: 2, slice: 19 },
  ]);
});

test('slices without tissue are never picked; a scan out of tissue slices is passed over', () => {
  const picks = evenlySpacedSlices([scan(10, 3, 4), scan(10, 0, 9, [0, 9])], 'k', 4);
  assert.ok(
    picks.every((p) => p.scan === 1 || (p.slice >= 3 && p.slice <= 4)),
    JSON.stringify(picks),
  );
  assert.equal(new Set(picks.map((p) => `${p.scan}:${p.slice}`)).size, 4, 'no slice twice');
});
