import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobProgressEvent } from '../../../shared/types.ts';
import { appendProgress, emptySeries, reportedCurves, type ProgressSeries } from './progressSeries.ts';

const report = (
  step: number,
  losses: Record<string, number> = { supervised: step / 10 },
  valDice: number | null = null,
  extra: Partial<JobProgressEvent['progress']> = {},
) => ({
  step,
  steps: 100,
  message: '',
  losses,
  valDice,
  ...extra,
});

function feed(steps: number[], maxPoints: number): ProgressSeries {
  return steps.reduce((s, n) => appendProgress(s, report(n), maxPoints), emptySeries());
}

test('each curve gets its value or null, by name', () => {
  let s = appendProgress(emptySeries(), report(1, { supervised: 0.9, unsupervised: 0.02, weight: 0.1, consistency: 0.2 }, null));
  s = appendProgress(s, report(2, { supervised: 0.8 }, 0.41, { validation: 'training-slices', probe: { confident: 0.6, agreement: null } }));
  assert.deepEqual(s.step, [1, 2]);
  assert.deepEqual(s.values, {
    supervised: [0.9, 0.8],
    unsupervised: [0.02, null],
    weight: [0.1, null],
    valDice: [null, 0.41],
    confident: [null, 0.6],
    agreement: [null, null],
  });
  assert.equal(s.validation, 'training-slices', 'the series knows what its Dice measures');
  assert.deepEqual(reportedCurves(s), ['supervised', 'unsupervised', 'weight', 'valDice', 'confident']);
  assert.deepEqual(reportedCurves(feed([1, 2], 8)), ['supervised']);
});

test('NaN and infinite losses become gaps, not points', () => {
  const s = appendProgress(emptySeries(), report(1, { supervised: NaN, unsupervised: Infinity }));
  assert.deepEqual([s.values.supervised, s.values.unsupervised], [[null], [null]]);
});

test('the input series is left as it was', () => {
  const a = feed([1, 2], 8);
  appendProgress(a, report(3));
  assert.deepEqual(a.step, [1, 2]);
});

test('past maxPoints every other step is dropped and the stride doubles; the latest step stays', () => {
  // 1..5 with room for 4: step 5 overflows → stride 2 keeps 2, 4 and the latest, 5
  let s = feed([1, 2, 3, 4, 5], 4);
  assert.deepEqual(s.step, [2, 4, 5]);
  assert.equal(s.stride, 2);
  assert.deepEqual(s.values.supervised, [0.2, 0.4, 0.5]);
  // 6 is on the stride: the off-stride 5 it follows is replaced
  s = appendProgress(s, report(6), 4);
  assert.deepEqual(s.step, [2, 4, 6]);
  s = appendProgress(s, report(7), 4);
  assert.deepEqual(s.step, [2, 4, 6, 7]);
  // 8 replaces 7, the series is full, then 9 overflows: stride 4 keeps 4, 8 and 9
  s = appendProgress(s, report(8), 4);
  assert.deepEqual(s.step, [2, 4, 6, 8]);
  s = appendProgress(s, report(9), 4);
  assert.deepEqual([s.step, s.stride], [[4, 8, 9], 4]);
});

test('a long run stays within maxPoints and spans the whole run', () => {
  const s = feed(
    Array.from({ length: 10_000 }, (_, n) => n + 1),
    64,
  );
  assert.ok(s.step.length <= 64, `${s.step.length} points`);
  assert.equal(s.stride, 256);
  assert.equal(s.step[0], 256);
  assert.equal(s.step.at(-1), 10_000);
  for (const c of ['supervised', 'unsupervised', 'weight', 'valDice'] as const) assert.equal(s.values[c].length, s.step.length);
});

test('a resumed run replaces the steps from its checkpoint on', () => {
  let s = feed([1, 2, 3, 4, 5, 6], 16);
  s = appendProgress(s, report(5, { supervised: 9 }), 16);
  assert.deepEqual(s.step, [1, 2, 3, 4, 5]);
  assert.equal(s.values.supervised.at(-1), 9);
});
