import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QualityCase } from './qualityCase.ts';
import { labelCopyScore } from './scoreCase.ts';

/** A case of three 1×1×8 scans: only `truths` and `classValues` matter to the label copy. */
function caseOf(truths: number[][]): QualityCase {
  return {
    name: 'tiny',
    classNames: ['a', 'b'],
    classValues: [1, 2],
    shape: [1, 1, 8],
    spacing: [1, 1, 1],
    axis: 'k',
    annotatedSlices: [],
    scans: [],
    truths: truths.map((t) => Uint8Array.from(t)),
  };
}

test("labelCopyScore scores scan 0's labels against each other subject's, per class, then averages", () => {
  const score = labelCopyScore(
    caseOf([
      [1, 1, 1, 1, 2, 2, 0, 0],
      [1, 1, 1, 1, 2, 2, 0, 0], // identical: 1 and 1
      [0, 0, 1, 1, 1, 1, 0, 0], // class 1 half overlapping (2·2 / 8), class 2 absent (0)
    ]),
  );
  assert.deepEqual(score.perClass, [0.75, 0.5]);
  assert.equal(score.mean, 0.625);
});

test('labelCopyScore leaves scan 0 itself out (a case with no other subject has no score)', () => {
  const score = labelCopyScore(caseOf([[1, 2, 0, 0, 0, 0, 0, 0]]));
  assert.ok(score.perClass.every(Number.isNaN));
});
