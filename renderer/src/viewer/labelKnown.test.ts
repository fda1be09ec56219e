import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SliceState, SliceStates } from '../../../shared/types.ts';
import { labelIsKnown, labelWords } from './labelKnown.ts';

const states = (n: number, annotated: number[], other: SliceState = 'unknown'): SliceState[] =>
  Array.from({ length: n }, (_, s) => (annotated.includes(s) ? 'annotated' : other));

test('a voxel is known on a slice annotated along any axis, and only there', () => {
  const slices: SliceStates = { i: states(4, []), j: states(5, [1]), k: states(6, [4], 'interpolated') };
  assert.equal(labelIsKnown(slices, [0, 1, 0]), true, 'on annotated j slice 1');
  assert.equal(labelIsKnown(slices, [3, 0, 4]), true, 'on annotated k slice 4');
  assert.equal(labelIsKnown(slices, [3, 0, 3]), false, 'an interpolated slice is not an annotation training reads');
  assert.equal(labelIsKnown(slices, [0, 4, 5]), false);
});

test('a painted slice is not known until confirmed: its background reads unknown, its classes not confirmed', () => {
  const slices: SliceStates = { i: states(4, []), j: states(5, []), k: states(6, [2], 'painted') };
  assert.equal(labelIsKnown(slices, [1, 1, 3]), false, 'painted k slice 3');
  assert.equal(labelIsKnown(slices, [1, 1, 2]), true, 'annotated k slice 2');
  assert.equal(labelWords(0, labelIsKnown(slices, [1, 1, 3]), 'background'), 'unknown');
  assert.equal(labelWords(2, labelIsKnown(slices, [1, 1, 3]), 'Liver'), 'Liver (2), not confirmed');
  assert.equal(labelWords(0, labelIsKnown(slices, [1, 1, 2]), 'background'), 'background');
  assert.equal(labelWords(2, labelIsKnown(slices, [1, 1, 2]), 'Liver'), 'Liver (2)');
});
