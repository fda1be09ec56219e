import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SliceReview, SliceState } from '../../../shared/types.ts';
import { sliceDisplay } from './sliceDisplay.ts';

const review = (slice: number, decision: SliceReview['decision']): SliceReview => ({
  slice,
  decision,
  runId: 'abcdef012345',
  decidedAt: '2026-11-22T10:00:00Z',
});

test("review decisions show on the slices they are about; a person's annotation wins over a rejection", () => {
  const states: SliceState[] = ['unknown', 'annotated', 'annotated', 'unknown', 'interpolated', 'annotated', 'unknown'];
  const reviews = [review(1, 'accepted'), review(2, 'corrected'), review(3, 'rejected'), review(5, 'rejected')];
  assert.deepEqual(sliceDisplay(states, reviews, true), ['predicted', 'accepted', 'corrected', 'rejected', 'interpolated', 'annotated', 'predicted']);
  assert.deepEqual(
    sliceDisplay(states, reviews, false),
    ['unknown', 'accepted', 'corrected', 'rejected', 'interpolated', 'annotated', 'unknown'],
    'no prediction shown: unknown stays unknown',
  );
  assert.deepEqual(sliceDisplay(states, [], false), states);
});
