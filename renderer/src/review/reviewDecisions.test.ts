import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReviewQueueEntry, SliceReview, SliceState } from '../../../shared/types.ts';
import { reviewDecisions, slicesToReview } from './reviewDecisions.ts';

const review = (slice: number, decision: SliceReview['decision']): SliceReview => ({
  slice,
  decision,
  runId: 'abcdef012345',
  decidedAt: '2026-11-22T10:00:00Z',
});
const entry = (slice: number): ReviewQueueEntry => ({ scanId: 'v1', axis: 'k', slice, uncertainty: 0.5, gain: 1, reason: 'uncertain', state: 'unknown' });
const states: SliceState[] = ['unknown', 'annotated', 'interpolated', 'unknown', 'predicted', 'painted'];

/** The decisions with a review that records what it was asked, and a log of jumps, reports and corrections. */
function setup(over: { predictedHere?: boolean; slice?: number | null; ready?: boolean; decided?: boolean } = {}) {
  const log: string[] = [];
  const decisions = reviewDecisions({
    review: {
      predictedHere: over.predictedHere ?? true,
      queue: [entry(3), entry(0)],
      decide: async (action, slices) => {
        log.push(`${action} ${slices.join(',')}`);
        return over.decided ?? true;
      },
    },
    ready: over.ready ?? true,
    states,
    reviews: [review(3, 'rejected')],
    slice: over.slice === undefined ? 0 : over.slice,
    jumpTo: (slice) => log.push(`jump ${slice}`),
    onCorrected: () => log.push('corrected'),
    report: (err, context) => log.push(`${context}: ${(err as Error).message}`),
  });
  return { decisions, log };
}

test('the slices left to review are those neither annotated, painted nor decided', () => {
  assert.deepEqual(slicesToReview(states, [review(3, 'rejected')]), [0, 2, 4]);
  assert.deepEqual(slicesToReview(states, null), [0, 2, 3, 4]);
  assert.deepEqual(slicesToReview(null, null), []);
});

test('a decision goes to the current slice; a correction then hands over the brush', async () => {
  const accept = setup();
  await accept.decisions.decide('accept');
  assert.deepEqual(accept.log, ['accept 0']);
  const correct = setup({ slice: 2 });
  await correct.decisions.decide('correct');
  assert.deepEqual(correct.log, ['correct 2', 'corrected']);
  const refused = setup({ decided: false });
  await refused.decisions.decide('correct');
  assert.deepEqual(refused.log, ['correct 0'], 'an edit the server refused corrects nothing');
});

test('no decision without a prediction, on an annotated slice, or before the annotation is loaded', async () => {
  const none = setup({ predictedHere: false });
  await none.decisions.decide('accept');
  assert.deepEqual(none.log, ['Nothing to review: the chosen run has no prediction of this scan']);
  const annotated = setup({ slice: 1 });
  await annotated.decisions.decide('reject');
  assert.deepEqual(annotated.log, ["Nothing to review: slice 1 is annotated: a person's annotation is neither replaced by a prediction nor rejected"]);
  const loading = setup({ ready: false });
  await loading.decisions.decide('accept');
  const nowhere = setup({ slice: null });
  await nowhere.decisions.decide('accept');
  assert.deepEqual([...loading.log, ...nowhere.log], []);
});

test('a decision on the scan covers every slice left; next skips the current slice', async () => {
  const { decisions, log } = setup({ slice: 3 });
  await decisions.decideRemaining('reject');
  decisions.next();
  assert.deepEqual(log, ['reject 0,2,4', 'jump 0']);
  const atZero = setup({ slice: 0 });
  atZero.decisions.next();
  assert.deepEqual(atZero.log, ['jump 3']);
});
