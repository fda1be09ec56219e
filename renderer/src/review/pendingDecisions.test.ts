import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReviewQueueEntry } from '../../../shared/types.ts';
import { PendingDecisions } from './pendingDecisions.ts';

const entry = (slice: number): ReviewQueueEntry => ({ scanId: 'v1', axis: 'k', slice, uncertainty: 0.5, gain: 1, reason: 'uncertain', state: 'unknown' });
const queue = (...slices: number[]) => slices.map(entry);
const slices = (entries: ReviewQueueEntry[]) => entries.map((e) => e.slice);

test('a decided slice leaves the shown queue at once: the next proposal heads it', () => {
  const pending = new PendingDecisions();
  const shown = pending.received(pending.startRead(), queue(40, 12, 70));
  pending.decided([40]);
  assert.deepEqual(slices(pending.hide(shown)), [12, 70]);
});

test('a read sent before the decision was stored does not bring the slice back; the next one is taken as it is', () => {
  const pending = new PendingDecisions();
  pending.received(pending.startRead(), queue(40, 12, 70));
  pending.decided([40]);
  const early = pending.startRead(); // e.g. after an earlier decision, still ranking
  pending.stored([40]);
  assert.deepEqual(slices(pending.received(early, queue(40, 12, 70))), [12, 70]);
  // the read after the stored decision is the server's word: an undo brings the slice back
  assert.deepEqual(slices(pending.received(pending.startRead(), queue(12, 40, 70))), [12, 40, 70]);
});

test('while the decision is being stored every read hides the slice', () => {
  const pending = new PendingDecisions();
  pending.decided([12]);
  assert.deepEqual(slices(pending.received(pending.startRead(), queue(12, 70))), [70]);
  assert.deepEqual(slices(pending.received(pending.startRead(), queue(12, 70))), [70]);
});

test('a failed decision puts the slices back in the next read', () => {
  const pending = new PendingDecisions();
  pending.decided([12, 70]);
  pending.failed([12, 70]);
  assert.deepEqual(slices(pending.received(pending.startRead(), queue(12, 70))), [12, 70]);
});
