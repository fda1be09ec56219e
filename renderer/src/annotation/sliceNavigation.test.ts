import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SliceState } from '../../../shared/types.ts';
import { interpolationGap, nextSliceWithState } from './sliceNavigation.ts';

const S = (code: string): SliceState[] =>
  [...code].map((c) => ({ u: 'unknown', a: 'annotated', i: 'interpolated', p: 'predicted', P: 'painted' })[c] as SliceState);

test('next and previous slice of a state, excluding the current slice', () => {
  const states = S('auuaiuau');
  assert.equal(nextSliceWithState(states, 0, 1, 'annotated'), 3);
  assert.equal(nextSliceWithState(states, 3, 1, 'annotated'), 6);
  assert.equal(nextSliceWithState(states, 6, 1, 'annotated'), null);
  assert.equal(nextSliceWithState(states, 3, -1, 'annotated'), 0);
  assert.equal(nextSliceWithState(states, 4, 1, 'unknown'), 5);
  assert.equal(nextSliceWithState(states, 0, -1, 'unknown'), null);
});

test('from an unannotated slice the gap is bounded by the nearest annotated slices', () => {
  assert.deepEqual(interpolationGap(S('uauuuau'), 3), { from: 1, to: 5 });
  assert.deepEqual(interpolationGap(S('uaiiiau'), 2), { from: 1, to: 5 });
});

test('from an annotated slice the gap above is preferred, then the gap below', () => {
  assert.deepEqual(interpolationGap(S('auuauua'), 3), { from: 3, to: 6 });
  assert.deepEqual(interpolationGap(S('auuaau'), 3), { from: 0, to: 3 });
});

test('no gap: a missing bound or adjacent annotated slices say why', () => {
  const below = interpolationGap(S('uuuau'), 1);
  assert.ok('problem' in below && /none below/.test(below.problem));
  const above = interpolationGap(S('auuu'), 2);
  assert.ok('problem' in above && /none above/.test(above.problem));
  assert.ok('problem' in interpolationGap(S('uaaau'), 2));
});

test('a painted slice is no bound until confirmed, and the problem names it', () => {
  const gap = interpolationGap(S('Puuau'), 2);
  assert.ok('problem' in gap && /none below \(slice 0 is painted but not confirmed/.test(gap.problem), JSON.stringify(gap));
  assert.deepEqual(interpolationGap(S('aPuua'), 2), { from: 0, to: 4 });
});
