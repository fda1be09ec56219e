import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatEta, runDurationSeconds } from './formatTime.ts';

test('durations are said in the largest sensible units', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(59.4), '59 s');
  assert.equal(formatDuration(59.6), '1 min 00 s');
  assert.equal(formatDuration(245), '4 min 05 s');
  assert.equal(formatDuration(7380), '2 h 03 min');
  assert.equal(formatDuration(-1), '–');
  assert.equal(formatDuration(NaN), '–');
});

test('the ETA says when it is not known yet and when the run is about to end', () => {
  assert.equal(formatEta(null), 'estimating…');
  assert.equal(formatEta(undefined), 'estimating…');
  assert.equal(formatEta(0.3), 'almost done');
  assert.equal(formatEta(125), 'about 2 min 05 s left');
});

test('a run lasts from its creation to its end; none while it has not ended', () => {
  assert.equal(runDurationSeconds({ createdAt: '2025-01-01T10:00:00.000Z', finishedAt: '2025-01-01T10:01:30.500Z' }), 90.5);
  assert.equal(runDurationSeconds({ createdAt: '2025-01-01T10:00:00.000Z', finishedAt: null }), null);
  assert.equal(runDurationSeconds({ createdAt: 'garbage', finishedAt: '2025-01-01T10:00:00.000Z' }), null);
});
