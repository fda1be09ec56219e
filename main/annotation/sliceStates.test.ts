import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SliceState } from '../../shared/types.ts';
import { SLICE_STATES } from '../../shared/types.ts';
import { applySliceChanges, emptySliceStates, nextSliceState, sliceChanges, type SliceEvent } from './sliceStates.ts';

test('transition table: every state under every event', () => {
  const expected: Record<SliceEvent, Record<SliceState, SliceState>> = {
    // Painting (erasing everything included) makes any slice annotated.
    paint: { unknown: 'annotated', annotated: 'annotated', interpolated: 'annotated', predicted: 'annotated' },
    // Interpolation never demotes a person's annotation.
    interpolate: { unknown: 'interpolated', annotated: 'annotated', interpolated: 'interpolated', predicted: 'interpolated' },
    'mark-annotated': { unknown: 'annotated', annotated: 'annotated', interpolated: 'annotated', predicted: 'annotated' },
    'mark-unknown': { unknown: 'unknown', annotated: 'unknown', interpolated: 'unknown', predicted: 'unknown' },
  };
  for (const event of Object.keys(expected) as SliceEvent[]) {
    for (const state of SLICE_STATES) assert.equal(nextSliceState(state, event), expected[event][state], `${state} + ${event}`);
  }
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
