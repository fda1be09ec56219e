import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proposeMethod } from '../../../shared/methodProposal.ts';
import { DEFAULT_METHOD } from '../../../shared/methods.ts';

const scan = (name: string, k: number, shape: [number, number, number] = [10, 12, 8]) => ({
  name,
  shape,
  // Painted slices along k touch every slice along i and j.
  annotatedSlices: { i: k > 0 ? shape[0] : 0, j: k > 0 ? shape[1] : 0, k },
});

test('one scan annotated throughout and the others not: the exemplar method, saying why', () => {
  const proposal = proposeMethod([scan('atlas', 8), scan('a', 0), scan('b', 0)]);
  assert.equal(proposal.method, 'exemplar');
  assert.match(proposal.reason!, /atlas is annotated throughout and the 2 other scans are not: the exemplar method is made for this/);
});

test('otherwise the one-click default, with no reason', () => {
  const cases = [
    [scan('atlas', 8)], // nothing else to learn from
    [scan('atlas', 3), scan('a', 0)], // a few slices only
    [scan('atlas', 8), scan('a', 2)], // a second scan annotated
    [scan('a', 0), scan('b', 0)], // nothing annotated
  ];
  for (const scans of cases) assert.deepEqual(proposeMethod(scans), { method: DEFAULT_METHOD, reason: null }, JSON.stringify(scans));
});
