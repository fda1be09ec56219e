import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SliceState } from '../../shared/types.ts';
import { SLICE_STATES } from '../../shared/types.ts';
import { applySliceChanges, emptySliceStates, isPersonsWork, nextSliceState, sliceChanges, type SliceEvent } from './sliceStates.ts';

test('transition table: every state under every event', () => {
  const expected: Record<SliceEvent, Record<SliceState, SliceState>> = {
    // Painting (erasing everything included) leaves a slice painted, not a training target,
    // until the person confirms it; a confirmed slice stays confirmed while it is corrected.
    paint: { unknown: 'painted', painted: 'painted', annotated: 'annotated', interpolated: 'painted', predicted: 'painted' },
    // Interpolation never replaces a person's work, confirmed or not.
    interpolate: { unknown: 'interpolated', painted: 'painted', annotated: 'annotated', interpolated: 'interpolated', predicted: 'interpolated' },
    'mark-annotated': { unknown: 'annotated', painted: 'annotated', annotated: 'annotated', interpolated: 'annotated', predicted: 'annotated' },
    'mark-unknown': { unknown: 'unknown', painted: 'unknown', annotated: 'unknown', interpolated: 'unknown', predicted: 'unknown' },
  };
  for (const event of Object.keys(expected) as SliceEvent[]) {
    for (const state of SLICE_STATES) assert.equal(nextSliceState(state, event), expected[event][state], `${state} + ${event}`);
  }
});

test("a person's work is an annotated or a painted slice, nothing computed", () => {
  assert.deepEqual(
    SLICE_STATES.filter((s) => isPersonsWork(s)),
    ['annotated', 'painted'],
  );
});

test('a stroke on a new slice leaves it painted; confirming makes it annotated; undo walks back', () => {
  const states = emptySliceStates([2, 2, 4]);
  const painted = sliceChanges(states, 'k', [1], 'paint');
  assert.deepEqual(painted, [{ axis: 'k', slice: 1, from: 'unknown', to: 'painted' }]);
  applySliceChanges(states, painted, 'forward');
  // a second stroke on the painted slice changes nothing of its state
  assert.deepEqual(sliceChanges(states, 'k', [1], 'paint'), []);
  const confirmed = sliceChanges(states, 'k', [1], 'mark-annotated');
  assert.deepEqual(confirmed, [{ axis: 'k', slice: 1, from: 'painted', to: 'annotated' }]);
  applySliceChanges(states, confirmed, 'forward');
  assert.deepEqual(sliceChanges(states, 'k', [1], 'paint'), [], 'a correction keeps the slice annotated');
  applySliceChanges(states, confirmed, 'backward');
  assert.equal(states.k[1], 'painted');
});

test('sliceChanges lists only real changes, once per slice, and applies forwards and backwards', () => {
  const states = emptySliceStates([4, 3, 5]);
  assert.deepEqual(states, { i: ['unknown', 'unknown', 'unknown', 'unknown'], j: ['unknown', 'unknown', 'unknown'], k: new Array(5).fill('unknown') });
  states.k[1] = 'annotated';
  states.k[3] = 'predicted';
  const changes = sliceChanges(states, 'k', [3, 1, 2, 2], 'interpolate');
  assert.deepEqual(changes, [
    { axis: 'k', slice: 2, from: 'unknown', to: 'interpolated' },
    { axis: 'k', slice: 3, from: 'predicted', to: 'interpolated' },
  ]);
  applySliceChanges(states, changes, 'forward');
  assert.deepEqual(states.k, ['unknown', 'annotated', 'interpolated', 'interpolated', 'unknown']);
  applySliceChanges(states, changes, 'backward');
  assert.deepEqual(states.k, ['unknown', 'annotated', 'unknown', 'predicted', 'unknown']);
  assert.deepEqual(sliceChanges(states, 'k', [1], 'paint'), []);
});
