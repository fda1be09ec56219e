import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NEAR_EMPTY_SHARE, NOVELTY_HALF_DISTANCE, rankReviewQueue, SPREAD_FACTOR, STRUCTURE_WEIGHT, type SliceCandidate } from './reviewQueue.ts';

const slice = (scanId: string, s: number, over: Partial<SliceCandidate> = {}): SliceCandidate => ({
  scanId,
  axis: 'k',
  slice: s,
  state: 'predicted',
  uncertainty: 0,
  foreground: 0,
  distance: 10,
  sliceCount: 100,
  ...over,
});
const order = (entries: { scanId: string; slice: number }[]) => entries.map((e) => `${e.scanId}:${e.slice}`);
/** The ranking itself, near-empty slices included: the tests of the skip rule are at the end. */
const ALL = { includeNearEmpty: true };

test('gain: uncertainty and predicted structure, discounted near annotated slices', () => {
  const [entry] = rankReviewQueue([slice('a', 40, { uncertainty: 0.4, foreground: 50, distance: 6 })], 1);
  // the scan's fullest slice is this one: structure share 1
  assert.ok(Math.abs(entry!.gain - (0.4 + STRUCTURE_WEIGHT) * (6 / (6 + NOVELTY_HALF_DISTANCE))) < 1e-12);
  assert.equal(entry!.reason, "6 slices from the nearest annotated one · holds predicted structure (100 % of the scan's fullest slice) · uncertain (0.40)");
});

test('a slice far from the annotations that holds structure comes before a more doubtful neighbour of an annotated slice', () => {
  const queue = rankReviewQueue(
    [slice('a', 41, { uncertainty: 0.6, foreground: 10, distance: 1 }), slice('a', 70, { uncertainty: 0.2, foreground: 40, distance: 30 })],
    2,
  );
  assert.deepEqual(order(queue), ['a:70', 'a:41']);
});

test('confident background far away scores nothing; a scan without annotation counts as wholly new', () => {
  const queue = rankReviewQueue([slice('a', 90, { distance: 50 }), slice('b', 10, { uncertainty: 0.3, foreground: 5, distance: Infinity })], 2, ALL);
  assert.deepEqual(order(queue), ['b:10', 'a:90']);
  assert.equal(queue[1]!.gain, 0);
  assert.match(queue[0]!.reason, /^no annotated slice on this scan yet/);
});

test('no near-duplicates: neighbours of a proposal wait until the other regions are proposed', () => {
  // Three strong neighbouring slices (41–43) and a weaker one far away (80).
  const queue = rankReviewQueue(
    [
      slice('a', 41, { uncertainty: 0.9, foreground: 100 }),
      slice('a', 42, { uncertainty: 0.9, foreground: 100 }),
      slice('a', 43, { uncertainty: 0.9, foreground: 100 }),
      slice('a', 80, { uncertainty: 0.3, foreground: 20 }),
    ],
    4,
  );
  // 41 first (scan and slice order break the tie); 42 and 43 lie within 3 % of 100 slices of it.
  assert.deepEqual(order(queue), ['a:41', 'a:80', 'a:42', 'a:43']);
});

test('proposals spread over the scans', () => {
  // Scan a is a little more doubtful everywhere; without the spread every pick would be a's.
  const candidates = [
    ...[10, 30, 50, 70].map((s) => slice('a', s, { uncertainty: 0.5, foreground: 10 })),
    ...[10, 30, 50, 70].map((s) => slice('b', s, { uncertainty: 0.45, foreground: 10 })),
  ];
  const queue = rankReviewQueue(candidates, 4);
  assert.deepEqual(queue.map((e) => e.scanId).sort(), ['a', 'a', 'b', 'b']);
  assert.ok(0.45 > 0.5 * SPREAD_FACTOR, 'the test relies on one proposal tipping the balance');
});

test('at most `limit` entries; none when there is nothing to review', () => {
  assert.equal(
    rankReviewQueue(
      Array.from({ length: 20 }, (_, s) => slice('a', s * 5)),
      7,
      ALL,
    ).length,
    7,
  );
  assert.deepEqual(rankReviewQueue([], 5), []);
});

test('a slice with a few voxels of structure says "< 1 %", not 0 %', () => {
  const queue = rankReviewQueue([slice('a', 10, { foreground: 1000 }), slice('a', 60, { foreground: 2 })], 2, ALL);
  assert.match(queue.find((e) => e.slice === 60)!.reason, /holds predicted structure \(< 1 % of the scan's fullest slice\)/);
});

test('near-empty slices (structure under NEAR_EMPTY_SHARE of the fullest slice, or none) are left out unless asked for', () => {
  const candidates = [
    slice('a', 40, { uncertainty: 0.2, foreground: 1000 }),
    // the tip of the structure: a handful of doubtful voxels, the most doubtful slice of all
    slice('a', 10, { uncertainty: 0.95, foreground: 20 }),
    // no structure, a few doubtful background voxels
    slice('a', 70, { uncertainty: 0.9, foreground: 0 }),
    // exactly at the threshold: kept
    slice('a', 55, { uncertainty: 0.3, foreground: NEAR_EMPTY_SHARE * 1000 }),
    slice('a', 25, { uncertainty: 0.3, foreground: NEAR_EMPTY_SHARE * 1000 - 1 }),
  ];
  assert.deepEqual(order(rankReviewQueue(candidates, 10)), ['a:40', 'a:55']);
  const all = rankReviewQueue(candidates, 10, ALL);
  assert.equal(order(all)[0], 'a:10', 'without the rule the tip heads the queue');
  assert.deepEqual(order(all).sort(), ['a:10', 'a:25', 'a:40', 'a:55', 'a:70']);
});

test("near-empty is measured against each scan's own fullest slice, so a small structure keeps its slices", () => {
  const candidates = [
    slice('big', 40, { uncertainty: 0.2, foreground: 5000 }),
    slice('big', 60, { uncertainty: 0.2, foreground: 100 }),
    slice('small', 40, { uncertainty: 0.2, foreground: 30 }),
    slice('small', 60, { uncertainty: 0.2, foreground: 10 }),
  ];
  assert.deepEqual(order(rankReviewQueue(candidates, 10)).sort(), ['big:40', 'small:40', 'small:60']);
});

test('a scan whose prediction holds no structure queues nothing unless asked for', () => {
  const candidates = [slice('a', 10, { uncertainty: 0.6 }), slice('a', 50, { uncertainty: 0.4 })];
  assert.deepEqual(rankReviewQueue(candidates, 10), []);
  assert.deepEqual(order(rankReviewQueue(candidates, 10, ALL)), ['a:10', 'a:50']);
});
